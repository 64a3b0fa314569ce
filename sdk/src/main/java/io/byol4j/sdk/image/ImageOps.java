package io.byol4j.sdk.image;

import java.util.Objects;

/**
 * Geometry and colour operations on {@link DecodedImage}s. Every method returns a new image (or the
 * argument itself when there is nothing to do) and never modifies its input.
 */
final class ImageOps {

    private ImageOps() {}

    /**
     * Resizes to {@code width × height} with a bilinear (triangle) filter: pixel centres at half-integer
     * positions, interpolation between the two nearest pixels when enlarging, and a filter widened by
     * the scale factor when shrinking, so downscaling is antialiased. Values are rounded to nearest.
     */
    public static DecodedImage resizeBilinear(DecodedImage img, int width, int height) {
        Objects.requireNonNull(img, "img");
        checkSize(width, height);
        if (width == img.width() && height == img.height()) {
            return img;
        }
        byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(width, height), img.channels())];
        Resampler.resizeWindow(
                img.pixelArray(), img.width(), img.height(), img.channels(), width, height, 0, 0, width, height, out);
        return DecodedImage.wrap(width, height, img.channels(), out);
    }

    /**
     * Cuts the centred {@code width × height} window; the left and top offsets are
     * {@code floor((imageSize - cropSize) / 2)}.
     *
     * @throws IllegalArgumentException if the window is larger than the image
     */
    public static DecodedImage centerCrop(DecodedImage img, int width, int height) {
        Objects.requireNonNull(img, "img");
        checkSize(width, height);
        if (width > img.width() || height > img.height()) {
            throw new IllegalArgumentException(
                    "cannot crop " + width + "x" + height + " from a " + img.width() + "x" + img.height() + " image");
        }
        if (width == img.width() && height == img.height()) {
            return img;
        }
        int c = img.channels();
        int x0 = cropOffset(img.width(), width);
        int y0 = cropOffset(img.height(), height);
        byte[] src = img.pixelArray();
        byte[] out = new byte[width * height * c];
        int rowLen = width * c;
        for (int y = 0; y < height; y++) {
            System.arraycopy(src, ((y0 + y) * img.width() + x0) * c, out, y * rowLen, rowLen);
        }
        return DecodedImage.wrap(width, height, c, out);
    }

    /**
     * Resizes bilinearly, keeping the aspect ratio, so that the shorter side becomes {@code shorter};
     * the longer side is {@code round(longer * shorter / shorterSide)}. Returns {@code img} itself if its
     * shorter side already has that length.
     */
    public static DecodedImage resizeShorterSide(DecodedImage img, int shorter) {
        Objects.requireNonNull(img, "img");
        if (shorter <= 0) {
            throw new IllegalArgumentException("shorter side must be positive, got " + shorter);
        }
        if (Math.min(img.width(), img.height()) == shorter) {
            return img;
        }
        int[] size = shorterSideSize(img.width(), img.height(), shorter);
        return resizeBilinear(img, size[0], size[1]);
    }

    /**
     * Converts to 1 or 3 channels: gray is replicated into R, G and B; RGB becomes gray with ITU-R
     * BT.601 luma {@code 0.299 R + 0.587 G + 0.114 B}, rounded. Returns {@code img} if it already has
     * {@code channels}.
     */
    public static DecodedImage toChannels(DecodedImage img, int channels) {
        Objects.requireNonNull(img, "img");
        checkChannels(channels);
        if (img.channels() == channels) {
            return img;
        }
        byte[] src = img.pixelArray();
        int n = img.width() * img.height();
        byte[] out = new byte[n * channels];
        if (channels == 3) {
            for (int i = 0, o = 0; i < n; i++, o += 3) {
                byte v = src[i];
                out[o] = v;
                out[o + 1] = v;
                out[o + 2] = v;
            }
        } else {
            for (int i = 0, s = 0; i < n; i++, s += 3) {
                out[i] = (byte) luma(src[s] & 0xFF, src[s + 1] & 0xFF, src[s + 2] & 0xFF);
            }
        }
        return DecodedImage.wrap(img.width(), img.height(), channels, out);
    }

    /** BT.601 luma of an 8-bit RGB triple, rounded to nearest. */
    static int luma(int r, int g, int b) {
        return (299 * r + 587 * g + 114 * b + 500) / 1000;
    }

    /** Width and height after scaling so the shorter side becomes {@code shorter}. */
    static int[] shorterSideSize(int width, int height, int shorter) {
        if (width <= height) {
            return new int[] {shorter, scaledLonger(height, width, shorter)};
        }
        return new int[] {scaledLonger(width, height, shorter), shorter};
    }

    private static int scaledLonger(int longer, int shorterSide, int shorter) {
        long v = Math.round((double) longer * shorter / shorterSide);
        if (v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("resized image would be too large: " + v + " pixels wide");
        }
        return (int) Math.max(shorter, v);
    }

    static int cropOffset(int size, int crop) {
        return (size - crop) / 2;
    }

    static void checkChannels(int channels) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
    }

    private static void checkSize(int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("size must be positive, got " + width + "x" + height);
        }
    }
}
