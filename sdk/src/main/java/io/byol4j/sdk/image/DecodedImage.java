package io.byol4j.sdk.image;

import java.util.Arrays;
import java.util.Objects;

/**
 * An 8-bit image held in memory, pixels interleaved row by row (height × width × channels).
 *
 * <p>Channels are 1 (gray) or 3 (RGB). An immutable value: the pixels are copied in by the constructor and out by
 * {@link #pixels()}, and {@code equals}, {@code hashCode} compare sizes and pixel contents. Safe to share between
 * threads.
 */
public final class DecodedImage {

    private final int width;
    private final int height;
    private final int channels;
    private final byte[] pixels;

    /**
     * An image holding a copy of {@code pixels}.
     *
     * @throws NullPointerException if {@code pixels} is null
     * @throws IllegalArgumentException unless the sizes are positive, {@code channels} is 1 or 3 and {@code pixels}
     *     holds exactly {@code width × height × channels} bytes
     */
    public DecodedImage(int width, int height, int channels, byte[] pixels) {
        this(Objects.requireNonNull(pixels, "pixels").clone(), width, height, channels);
    }

    private DecodedImage(byte[] pixels, int width, int height, int channels) {
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
        this.width = width;
        this.height = height;
        this.channels = channels;
        this.pixels = pixels;
    }

    /** An image over {@code pixels} without a copy: for the decoder and image operations that just filled them. */
    static DecodedImage wrap(int width, int height, int channels, byte[] pixels) {
        return new DecodedImage(pixels, width, height, channels);
    }

    /** Width in pixels. */
    public int width() {
        return width;
    }

    /** Height in pixels. */
    public int height() {
        return height;
    }

    /** Channels per pixel: 1 (gray) or 3 (RGB). */
    public int channels() {
        return channels;
    }

    /** A copy of the pixels, interleaved row by row (height × width × channels). */
    public byte[] pixels() {
        return pixels.clone();
    }

    /** The pixels without a copy, for this package's hot paths (preprocessing, resizing); never modified. */
    byte[] pixelArray() {
        return pixels;
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

    /**
     * Copies the unsigned 8-bit values of row {@code y}, columns {@code x0 .. x0 + count - 1}, all channels
     * interleaved, into {@code dst} from {@code dstOffset}.
     *
     * @throws IndexOutOfBoundsException if the window is outside the image or does not fit in {@code dst}
     */
    public void copyRow(int y, int x0, int count, byte[] dst, int dstOffset) {
        Objects.checkIndex(y, height);
        Objects.checkFromIndexSize(x0, count, width);
        System.arraycopy(pixels, (y * width + x0) * channels, dst, dstOffset, count * channels);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DecodedImage d
                && width == d.width
                && height == d.height
                && channels == d.channels
                && Arrays.equals(pixels, d.pixels);
    }

    @Override
    public int hashCode() {
        return 31 * Objects.hash(width, height, channels) + Arrays.hashCode(pixels);
    }

    @Override
    public String toString() {
        return "DecodedImage[" + width + "x" + height + "x" + channels + "]";
    }
}
