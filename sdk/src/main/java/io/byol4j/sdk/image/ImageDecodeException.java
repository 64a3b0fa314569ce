package io.byol4j.sdk.image;

/** An image could not be decoded; {@link #reason()} says why in a form code can act on. */
public class ImageDecodeException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why decoding failed. */
    public enum Reason {
        /** The bytes are not in a format the decoder reads. */
        UNKNOWN_FORMAT,
        /** The data ends before the image does. */
        TRUNCATED,
        /** The header declares more pixels than the configured limit. */
        TOO_LARGE,
        /** The format is known but the content is invalid. */
        CORRUPT,
        /** The source could not be read. */
        IO
    }

    private final Reason reason;

    /** An image refused for {@code reason}; {@code message} names the source and the problem. */
    public ImageDecodeException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** As {@link #ImageDecodeException(Reason, String)}, keeping the underlying cause. */
    public ImageDecodeException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** The category of the failure. */
    public Reason reason() {
        return reason;
    }
}
