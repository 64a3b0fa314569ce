package io.byol4j.trainer.augment;

import io.byol4j.sdk.image.DecodedImage;
import java.util.SplittableRandom;

/** Small in-memory images for the augmentation tests. */
final class TestImages {

    private TestImages() {}

    /** Gray image whose pixel (x, y) is {@code value(x, y)}. */
    static DecodedImage gray(int w, int h, PixelFunction value) {
        byte[] px = new byte[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                px[y * w + x] = (byte) value.at(x, y, 0);
            }
        }
        return new DecodedImage(w, h, 1, px);
    }

    /** RGB image whose channel c at (x, y) is {@code value(x, y, c)}. */
    static DecodedImage rgb(int w, int h, PixelFunction value) {
        byte[] px = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    px[(y * w + x) * 3 + c] = (byte) value.at(x, y, c);
                }
            }
        }
        return new DecodedImage(w, h, 3, px);
    }

    /** RGB noise from a fixed seed. */
    static DecodedImage noise(int w, int h, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        byte[] px = new byte[w * h * 3];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) rng.nextInt(256);
        }
        return new DecodedImage(w, h, 3, px);
    }

    /** A CHW view of {@code channels × size × size} values in [0, 1] from a fixed seed. */
    static float[] randomView(int channels, int size, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] v = new float[channels * size * size];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rng.nextDouble();
        }
        return v;
    }

    @FunctionalInterface
    interface PixelFunction {
        int at(int x, int y, int c);
    }
}
