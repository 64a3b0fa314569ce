package io.byol4j.trainer.checkpoint;

/** A checkpoint cannot be found, is not a checkpoint, or is incomplete or corrupt; the message says which. */
public class CheckpointException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
