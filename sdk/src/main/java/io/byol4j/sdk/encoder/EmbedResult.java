package io.byol4j.sdk.encoder;

/**
 * The outcome for one input of a batch in which bad inputs do not fail the others: either an
 * embedding ({@code features}) or the reason it could not be computed ({@code error}), never both.
 */
public record EmbedResult(float[] features, String error) {

    /** Checks that exactly one of the two is present. */
    public EmbedResult {
        if ((features == null) == (error == null)) {
            throw new IllegalArgumentException("an EmbedResult holds either features or an error");
        }
    }

    /** A successful result. */
    public static EmbedResult success(float[] features) {
        return new EmbedResult(features, null);
    }

    /** A failed result with a human-readable reason. */
    public static EmbedResult failure(String error) {
        return new EmbedResult(null, error);
    }

    /** True when {@link #features()} holds an embedding. */
    public boolean ok() {
        return features != null;
    }
}
