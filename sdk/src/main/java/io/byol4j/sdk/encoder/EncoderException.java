package io.byol4j.sdk.encoder;

/**
 * ONNX Runtime failed while setting up a session or running inference, or a required device is
 * unavailable. The cause, when present, is the underlying {@link ai.onnxruntime.OrtException}.
 */
public class EncoderException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** An inference failure described by {@code message}. */
    public EncoderException(String message) {
        super(message);
    }

    /** An inference failure, usually with the {@link ai.onnxruntime.OrtException} as {@code cause}. */
    public EncoderException(String message, Throwable cause) {
        super(message, cause);
    }
}
