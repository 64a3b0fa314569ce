package io.byol4j.grpc.limits;

import java.time.Duration;
import java.util.Objects;

/**
 * What an operator allows one server to take on; a client cannot get past any of them, and every
 * refusal names the limit it hit (by the names below, which are also the metric label values).
 *
 * @param maxMessageBytes largest request message in bytes ({@code max_message_bytes}); larger messages
 *     are refused with RESOURCE_EXHAUSTED before they are parsed
 * @param maxImagesPerRequest most images (or samples of a tensor) in one call ({@code max_images_per_request})
 * @param maxPixelsPerImage most pixels one image may declare in its header ({@code max_pixels_per_image});
 *     checked before any pixel is decoded, so decompression bombs cost nothing
 * @param maxPixelsInFlight decoded pixels held at once by all calls together ({@code max_pixels_in_flight}):
 *     the memory budget for decoding (measured: about 16 bytes of resident memory per pixel while an image
 *     is decoded, e.g. 1.96 GB for two 49 M-pixel PNGs at once)
 * @param maxBudgetWait longest a call waits for room in that budget before it is refused with
 *     RESOURCE_EXHAUSTED (a shorter call deadline wins)
 * @param maxConcurrentCalls inference calls (Embed, ModelInfer) running at once ({@code max_concurrent_calls});
 *     more are refused at once with RESOURCE_EXHAUSTED. Health, metadata and reflection are not counted.
 */
public record Limits(
        int maxMessageBytes,
        int maxImagesPerRequest,
        long maxPixelsPerImage,
        long maxPixelsInFlight,
        Duration maxBudgetWait,
        int maxConcurrentCalls) {

    /** Label of {@link #maxMessageBytes()}. */
    public static final String MAX_MESSAGE_BYTES = "max_message_bytes";
    /** Label of {@link #maxImagesPerRequest()}. */
    public static final String MAX_IMAGES_PER_REQUEST = "max_images_per_request";
    /** Label of {@link #maxPixelsPerImage()}. */
    public static final String MAX_PIXELS_PER_IMAGE = "max_pixels_per_image";
    /** Label of {@link #maxPixelsInFlight()}. */
    public static final String MAX_PIXELS_IN_FLIGHT = "max_pixels_in_flight";
    /** Label of {@link #maxConcurrentCalls()}. */
    public static final String MAX_CONCURRENT_CALLS = "max_concurrent_calls";
    /** Label of the batching queue's capacity (set with the batching options). */
    public static final String QUEUE_CAPACITY = "queue_capacity";
    /** Every limit's label. */
    public static final java.util.Set<String> ALL = java.util.Set.of(
            MAX_MESSAGE_BYTES,
            MAX_IMAGES_PER_REQUEST,
            MAX_PIXELS_PER_IMAGE,
            MAX_PIXELS_IN_FLIGHT,
            MAX_CONCURRENT_CALLS,
            QUEUE_CAPACITY);

    /** Validates the limits. */
    public Limits {
        Objects.requireNonNull(maxBudgetWait, "maxBudgetWait");
        positive(maxMessageBytes, "maxMessageBytes");
        positive(maxImagesPerRequest, "maxImagesPerRequest");
        positive(maxPixelsPerImage, "maxPixelsPerImage");
        positive(maxPixelsInFlight, "maxPixelsInFlight");
        positive(maxConcurrentCalls, "maxConcurrentCalls");
        if (maxBudgetWait.isNegative()) {
            throw new IllegalArgumentException("maxBudgetWait must not be negative, got " + maxBudgetWait);
        }
        if (maxPixelsPerImage > maxPixelsInFlight) {
            throw new IllegalArgumentException("maxPixelsPerImage (" + maxPixelsPerImage + ") must not exceed"
                    + " maxPixelsInFlight (" + maxPixelsInFlight + "): such an image could never be decoded");
        }
        if (maxPixelsInFlight > PixelBudget.MAX_PIXELS) {
            throw new IllegalArgumentException(
                    "maxPixelsInFlight must be at most " + PixelBudget.MAX_PIXELS + ", got " + maxPixelsInFlight);
        }
    }

    /**
     * Defaults for a small (2-core) machine: 64 MiB messages, 256 images per request, 50 M pixels per
     * image, 100 M decoded pixels in flight (about 1.6 GB at peak), 5 s budget wait, 64 calls.
     */
    public static Limits defaults() {
        return new Limits(64 * 1024 * 1024, 256, 50_000_000L, 100_000_000L, Duration.ofSeconds(5), 64);
    }

    private static void positive(long value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}
