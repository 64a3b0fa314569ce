package io.byol4j.cli;

/** A failure the user can act on; the CLI prints its message without a stack trace. */
final class CliException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    CliException(String message) {
        super(message);
    }

    CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
