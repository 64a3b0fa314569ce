package io.byol4j.grpc.inference;

/** What became of one image of a call: its result row (every model output) or why it has none. */
public record ImageResult(float[] row, String error) {

    /** True when the image has a result row. */
    public boolean ok() {
        return row != null;
    }
}
