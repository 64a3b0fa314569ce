package io.byol4j.grpc.model;

/**
 * A call's hold on a {@link ServedModel}: the model stays open until every lease on it is closed, even
 * if a newer version is swapped in meanwhile. Close exactly once (try-with-resources).
 */
public final class ModelLease implements AutoCloseable {

    private final ServedModel model;
    private boolean closed;

    ModelLease(ServedModel model) {
        this.model = model;
    }

    /** The leased model. */
    public ServedModel model() {
        return model;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            model.release();
        }
    }
}
