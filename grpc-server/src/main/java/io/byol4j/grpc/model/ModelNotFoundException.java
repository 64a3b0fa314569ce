package io.byol4j.grpc.model;

/** No served model has the requested name (or version); the message names what was asked for. */
public final class ModelNotFoundException extends Exception {

    private static final long serialVersionUID = 1L;

    /** A failed lookup described by {@code message}. */
    public ModelNotFoundException(String message) {
        super(message, null, false, false);
    }
}
