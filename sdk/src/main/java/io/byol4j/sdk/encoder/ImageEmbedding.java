package io.byol4j.sdk.encoder;

import io.byol4j.sdk.image.ImageDecodeException;
import java.util.Arrays;
import java.util.Objects;

/**
 * What became of one image of a batch call in which a bad image does not fail the others: either its
 * embedding ({@link #features()}) or a {@link Failure} saying why there is none, never both.
 *
 * <p>An immutable value: the features are copied in and out, and {@code equals}, {@code hashCode} and
 * {@code toString} compare and show their contents. Safe to share between threads.
 */
public final class ImageEmbedding {

    /** Why an image has no embedding, in a form code can act on. */
    public enum Reason {
        /** The bytes are not in a format the decoder reads ({@link ImageDecodeException.Reason#UNKNOWN_FORMAT}). */
        UNKNOWN_FORMAT,
        /** The data ends before the image does ({@link ImageDecodeException.Reason#TRUNCATED}). */
        TRUNCATED,
        /** The image declares more pixels than the decoder's limit ({@link ImageDecodeException.Reason#TOO_LARGE}). */
        TOO_LARGE,
        /** The format is known but the content is invalid ({@link ImageDecodeException.Reason#CORRUPT}). */
        CORRUPT,
        /** The source could not be read ({@link ImageDecodeException.Reason#IO}). */
        IO,
        /** The image was decoded but cannot be preprocessed into the model's input. */
        PREPROCESS;

        /** The reason matching a decoder's refusal. */
        public static Reason of(ImageDecodeException.Reason decodeReason) {
            return switch (Objects.requireNonNull(decodeReason, "decodeReason")) {
                case UNKNOWN_FORMAT -> UNKNOWN_FORMAT;
                case TRUNCATED -> TRUNCATED;
                case TOO_LARGE -> TOO_LARGE;
                case CORRUPT -> CORRUPT;
                case IO -> IO;
            };
        }
    }

    /**
     * Why one image has no embedding.
     *
     * @param reason the category of the failure
     * @param detail a message for people naming the image's problem
     */
    public record Failure(Reason reason, String detail) {

        /** Checks that both parts are present. */
        public Failure {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }

        /** {@code REASON: detail}, as logs and error columns print it. */
        @Override
        public String toString() {
            return reason + ": " + detail;
        }
    }

    private final float[] features;
    private final Failure failure;

    private ImageEmbedding(float[] features, Failure failure) {
        this.features = features;
        this.failure = failure;
    }

    /**
     * A successful result holding a copy of {@code features}.
     *
     * @throws NullPointerException if {@code features} is null
     */
    public static ImageEmbedding of(float[] features) {
        return new ImageEmbedding(Objects.requireNonNull(features, "features").clone(), null);
    }

    /**
     * A failed result.
     *
     * @throws NullPointerException if {@code reason} or {@code detail} is null
     */
    public static ImageEmbedding failed(Reason reason, String detail) {
        return new ImageEmbedding(null, new Failure(reason, detail));
    }

    /** A failed result for an image the decoder refused, keeping its reason and message. */
    public static ImageEmbedding failed(ImageDecodeException e) {
        return failed(Reason.of(e.reason()), String.valueOf(e.getMessage()));
    }

    /**
     * A failed result for a decoded image the preprocessing refused ({@link Reason#PREPROCESS}), with the
     * preprocessor's message.
     */
    public static ImageEmbedding preprocessFailed(RuntimeException e) {
        return failed(Reason.PREPROCESS, "cannot preprocess the image for the model's input: " + e.getMessage());
    }

    /** Wraps an array the encoder has just filled and hands to no one else (no copy). */
    static ImageEmbedding ofOwned(float[] features) {
        return new ImageEmbedding(features, null);
    }

    /** True when this result holds an embedding; false when it holds a {@link #failure()}. */
    public boolean ok() {
        return features != null;
    }

    /**
     * A copy of the embedding.
     *
     * @throws IllegalStateException when the image failed; {@link #failure()} says why
     */
    public float[] features() {
        if (features == null) {
            throw new IllegalStateException("no embedding: " + failure);
        }
        return features.clone();
    }

    /**
     * Why the image has no embedding.
     *
     * @throws IllegalStateException when the image succeeded
     */
    public Failure failure() {
        if (failure == null) {
            throw new IllegalStateException("the image has an embedding, not a failure");
        }
        return failure;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImageEmbedding e
                && Arrays.equals(features, e.features)
                && Objects.equals(failure, e.failure);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(features) + Objects.hashCode(failure);
    }

    @Override
    public String toString() {
        return ok() ? "ImageEmbedding" + Arrays.toString(features) : "ImageEmbedding[failed " + failure + "]";
    }
}
