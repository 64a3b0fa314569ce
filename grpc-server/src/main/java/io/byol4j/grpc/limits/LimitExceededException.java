package io.byol4j.grpc.limits;

import io.grpc.Status;

/**
 * A request was refused by a server limit; {@link #limit()} names it (see {@link Limits}) and
 * {@link #status()} is what the client receives.
 */
public final class LimitExceededException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String limit;
    private final Status.Code code;

    /** A refusal of {@code limit} answered with {@code code}; {@code message} says what and by how much. */
    public LimitExceededException(String limit, Status.Code code, String message) {
        super(message, null, false, false);
        this.limit = limit;
        this.code = code;
    }

    /** The limit's name, e.g. {@code max_pixels_in_flight}. */
    public String limit() {
        return limit;
    }

    /** The status the client receives; its description starts with the limit's name. */
    public Status status() {
        return Status.fromCode(code).withDescription(limit + ": " + getMessage());
    }
}
