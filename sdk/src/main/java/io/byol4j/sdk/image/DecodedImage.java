package io.byol4j.sdk.image;

import java.util.Objects;

/**
 * An 8-bit image held in memory, pixels interleaved row by row (height × width × channels).
 *
 * <p>Channels are 1 (gray) or 3 (RGB). The array is owned by the image: callers must not modify it.
 */
public record DecodedImage(int width, int height, int channels, byte[] pixels) {

    /** Validates sizes so that every image in the project is well formed. */
    public DecodedImage {
        Objects.requireNonNull(pixels, "pixels");
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        long expected = (long) width * height * channels;
        if (pixels.length != expected) {
            throw new IllegalArgumentException("pixel buffer holds " + pixels.length + " bytes, expected " + expected
                    + " for " + width + "x" + height + "x" + channels);
        }
    }

    /**
     * This image with {@code channels} channels: gray is replicated into R, G and B; RGB becomes gray with ITU-R
     * BT.601 luma, rounded. Returns this image when it already has them.
     *
     * @throws IllegalArgumentException unless {@code channels} is 1 or 3
     */
    public DecodedImage toChannels(int channels) {
        return ImageOps.toChannels(this, channels);
    }

    /** The unsigned value of channel {@code c} at column {@code x}, row {@code y}. */
    public int get(int x, int y, int c) {
        return pixels[(y * width + x) * channels + c] & 0xFF;
    }
}
