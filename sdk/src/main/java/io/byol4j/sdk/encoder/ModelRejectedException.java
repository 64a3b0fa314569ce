package io.byol4j.sdk.encoder;

import java.io.IOException;

/** A model file was refused by {@link Encoder#open}; {@link #reason()} says which check failed. */
public class ModelRejectedException extends IOException {

    private static final long serialVersionUID = 1L;

    /** Which check refused the model. */
    public enum Reason {
        /** ONNX Runtime could not load the bytes as an ONNX model. */
        NOT_ONNX,
        /** The model has no byol4j metadata, so it was not produced by the byol4j exporter. */
        NOT_BYOL4J,
        /** byol4j metadata is present but incomplete or malformed. */
        BAD_METADATA,
        /** The model has no digest, or its bytes do not hash to the digest it declares. */
        DIGEST_MISMATCH,
        /** The graph's input or output tensors disagree with the contract in the metadata. */
        SHAPE_MISMATCH
    }

    private final Reason reason;

    /** A refusal for {@code reason}; {@code message} names the file and what is wrong with it. */
    public ModelRejectedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** As {@link #ModelRejectedException(Reason, String)}, keeping the underlying cause. */
    public ModelRejectedException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** The check that failed. */
    public Reason reason() {
        return reason;
    }
}
