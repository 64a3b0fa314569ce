package io.byol4j.sdk.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * Converts any {@link BufferedImage} into an 8-bit {@link DecodedImage} with 1 or 3 channels.
 *
 * <p>Alpha is composited over black ({@code value * alpha / 255}). Gray from colour uses ITU-R BT.601
 * luma. 8-bit sRGB and gray rasters are read sample by sample without colour management (the values
 * stored in the file are kept); everything else (palettes, 16-bit colour, other colour spaces) goes
 * through {@link BufferedImage#getRGB}, which converts to sRGB.
 */
final class BufferedImages {

    private BufferedImages() {}

    static DecodedImage toDecoded(BufferedImage img, int channels) {
        ImageOps.checkChannels(channels);
        int w = img.getWidth();
        int h = img.getHeight();
        byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(w, h), channels)];
        ColorModel cm = img.getColorModel();
        Raster raster = img.getRaster();
        boolean indexed = cm instanceof IndexColorModel;
        int csType = cm.getColorSpace().getType();
        if (!indexed && csType == ColorSpace.TYPE_GRAY && raster.getNumBands() <= 2) {
            readGray(raster, cm, out, channels);
        } else if (!indexed
                && cm.getColorSpace().isCS_sRGB()
                && allComponentsAre8Bit(cm)
                && raster.getNumBands() == cm.getNumComponents()) {
            readSrgb8(raster, cm, out, channels);
        } else {
            readViaGetRgb(img, out, channels);
        }
        return DecodedImage.wrap(w, h, channels, out);
    }

    private static boolean allComponentsAre8Bit(ColorModel cm) {
        for (int size : cm.getComponentSize()) {
            if (size != 8) {
                return false;
            }
        }
        return true;
    }

    /** Gray or gray+alpha raster of any bit depth: raw samples scaled to 8 bits. */
    private static void readGray(Raster raster, ColorModel cm, byte[] out, int channels) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        int bands = raster.getNumBands();
        boolean alpha = cm.hasAlpha() && bands == 2;
        boolean premultiplied = cm.isAlphaPremultiplied();
        int grayMax = (1 << cm.getComponentSize(0)) - 1;
        int alphaMax = alpha ? (1 << cm.getComponentSize(1)) - 1 : 1;
        int[] row = new int[w * bands];
        int o = 0;
        for (int y = 0; y < h; y++) {
            raster.getPixels(raster.getMinX(), raster.getMinY() + y, w, 1, row);
            for (int x = 0, s = 0; x < w; x++, s += bands) {
                int v = scale(row[s], grayMax);
                if (alpha && !premultiplied) {
                    v = composite(v, scale(row[s + 1], alphaMax));
                }
                out[o++] = (byte) v;
                if (channels == 3) {
                    out[o++] = (byte) v;
                    out[o++] = (byte) v;
                }
            }
        }
    }

    /** 8-bit sRGB raster whose bands are R, G, B[, A]. */
    private static void readSrgb8(Raster raster, ColorModel cm, byte[] out, int channels) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        int bands = raster.getNumBands();
        boolean compositeAlpha = cm.hasAlpha() && !cm.isAlphaPremultiplied() && bands == 4;
        int[] row = new int[w * bands];
        int o = 0;
        for (int y = 0; y < h; y++) {
            raster.getPixels(raster.getMinX(), raster.getMinY() + y, w, 1, row);
            for (int x = 0, s = 0; x < w; x++, s += bands) {
                int r = row[s];
                int g = row[s + 1];
                int b = row[s + 2];
                if (compositeAlpha) {
                    int a = row[s + 3];
                    r = composite(r, a);
                    g = composite(g, a);
                    b = composite(b, a);
                }
                o = store(out, o, channels, r, g, b);
            }
        }
    }

    private static void readViaGetRgb(BufferedImage img, byte[] out, int channels) {
        int w = img.getWidth();
        int h = img.getHeight();
        int[] row = new int[w];
        int o = 0;
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int argb = row[x];
                int a = argb >>> 24;
                int r = composite((argb >> 16) & 0xFF, a);
                int g = composite((argb >> 8) & 0xFF, a);
                int b = composite(argb & 0xFF, a);
                o = store(out, o, channels, r, g, b);
            }
        }
    }

    private static int store(byte[] out, int o, int channels, int r, int g, int b) {
        if (channels == 3) {
            out[o] = (byte) r;
            out[o + 1] = (byte) g;
            out[o + 2] = (byte) b;
            return o + 3;
        }
        out[o] = (byte) ImageOps.luma(r, g, b);
        return o + 1;
    }

    /** {@code value} (0..255) over black with coverage {@code alpha} (0..255), rounded. */
    private static int composite(int value, int alpha) {
        if (alpha == 255) {
            return value;
        }
        return (value * alpha + 127) / 255;
    }

    private static int scale(int sample, int max) {
        if (max == 255) {
            return sample;
        }
        return (int) ((sample * 255L + max / 2) / max);
    }
}
