package io.byol4j.cli;

/** A failure the user can act on; the CLI prints its message without a stack trace. */
public final class CliException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** A failure described by {@code message}, which names what is wrong and where. */
    public CliException(String message) {
        super(message);
    }

    /** As {@link #CliException(String)}, keeping the underlying cause. */
    public CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
