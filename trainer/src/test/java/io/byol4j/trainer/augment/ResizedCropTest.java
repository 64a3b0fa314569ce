package io.byol4j.trainer.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.byol4j.sdk.image.DecodedImage;
import org.junit.jupiter.api.Test;

class ResizedCropTest {

    private static final float EPS = 1e-6f;

    /** 4x4 RGB image: R = 16x + 1, G = 16y + 2, B = 4x + y. */
    private static final DecodedImage RAMP =
            TestImages.rgb(4, 4, (x, y, c) -> c == 0 ? 16 * x + 1 : c == 1 ? 16 * y + 2 : 4 * x + y);

    private static float[] view(DecodedImage img, int x0, int y0, int w, int h, boolean flip, int size, int ch) {
        float[] out = new float[ch * size * size];
        ResizedCrop.sample(img, x0, y0, w, h, flip, size, ch, out, 0);
        return out;
    }

    @Test
    void fullCropAtTheSameSizeReproducesTheImage() {
        float[] out = view(RAMP, 0, 0, 4, 4, false, 4, 3);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 4; x++) {
                    assertEquals(RAMP.get(x, y, c) / 255f, out[c * 16 + y * 4 + x], EPS);
                }
            }
        }
    }

    @Test
    void flipReversesColumns() {
        float[] plain = view(RAMP, 0, 0, 4, 4, false, 4, 3);
        float[] flipped = view(RAMP, 0, 0, 4, 4, true, 4, 3);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 4; x++) {
                    assertEquals(plain[c * 16 + y * 4 + (3 - x)], flipped[c * 16 + y * 4 + x]);
                }
            }
        }
    }

    @Test
    void cropAtTheOutputSizeCopiesTheRegion() {
        float[] out = view(RAMP, 1, 2, 2, 2, false, 2, 3);
        assertEquals(RAMP.get(1, 2, 0) / 255f, out[0], EPS);
        assertEquals(RAMP.get(2, 2, 0) / 255f, out[1], EPS);
        assertEquals(RAMP.get(1, 3, 1) / 255f, out[4 + 2], EPS);
        assertEquals(RAMP.get(2, 3, 2) / 255f, out[8 + 3], EPS);
    }

    @Test
    void upscalingInterpolatesLinearlyBetweenPixelCentres() {
        DecodedImage two = TestImages.gray(2, 1, (x, y, c) -> x == 0 ? 0 : 255);
        float[] out = new float[4 * 4];
        ResizedCrop.sample(two, 0, 0, 2, 1, false, 4, 1, out, 0);
        assertArrayEquals(new float[] {0f, 0.25f, 0.75f, 1f}, java.util.Arrays.copyOf(out, 4), EPS);
        for (int y = 1; y < 4; y++) {
            assertArrayEquals(java.util.Arrays.copyOf(out, 4), java.util.Arrays.copyOfRange(out, 4 * y, 4 * y + 4));
        }
    }

    @Test
    void downscalingAveragesWithoutAliasing() {
        // a one-pixel checkerboard would alias to pure black or white with point sampling
        DecodedImage checker = TestImages.gray(16, 16, (x, y, c) -> (x + y) % 2 == 0 ? 255 : 0);
        float[] out = view(checker, 0, 0, 16, 16, false, 4, 1);
        for (float v : out) {
            assertEquals(0.5f, v, 0.02f);
        }
    }

    @Test
    void downscalingByTwoUsesTheWidenedTriangle() {
        // 4 -> 2 along x: taps 1/8, 3/8, 3/8, 1/8 renormalised at the borders
        DecodedImage row = TestImages.gray(4, 1, (x, y, c) -> new int[] {0, 80, 160, 240}[x]);
        float[] out = new float[2 * 2];
        ResizedCrop.sample(row, 0, 0, 4, 1, false, 2, 1, out, 0);
        float left = (3f / 8 * 0 + 3f / 8 * 80 + 1f / 8 * 160) / (7f / 8) / 255f;
        float right = (1f / 8 * 80 + 3f / 8 * 160 + 3f / 8 * 240) / (7f / 8) / 255f;
        assertEquals(left, out[0], 1e-5f);
        assertEquals(right, out[1], 1e-5f);
    }

    @Test
    void rgbToOneChannelUsesLuma() {
        float[] out = view(RAMP, 0, 0, 4, 4, false, 4, 1);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                float luma =
                        (0.299f * RAMP.get(x, y, 0) + 0.587f * RAMP.get(x, y, 1) + 0.114f * RAMP.get(x, y, 2)) / 255f;
                assertEquals(luma, out[y * 4 + x], 1e-5f);
            }
        }
    }

    @Test
    void grayToThreeChannelsReplicates() {
        DecodedImage gray = TestImages.gray(5, 3, (x, y, c) -> 40 * x + y);
        float[] out = view(gray, 1, 0, 3, 3, false, 3, 3);
        for (int i = 0; i < 9; i++) {
            assertEquals(out[i], out[9 + i]);
            assertEquals(out[i], out[18 + i]);
        }
        assertEquals(gray.get(1, 0, 0) / 255f, out[0], EPS);
    }

    @Test
    void valuesStayInUnitRangeAndOffsetIsRespected() {
        DecodedImage noise = TestImages.noise(37, 23, 7);
        float[] out = new float[3 * 8 * 8 + 10];
        out[4] = -5f;
        out[out.length - 1] = -5f;
        ResizedCrop.sample(noise, 3, 2, 30, 17, true, 8, 3, out, 5);
        assertEquals(-5f, out[4]);
        assertEquals(-5f, out[out.length - 1]);
        for (int i = 5; i < 5 + 3 * 64; i++) {
            assertTrue(out[i] >= 0f && out[i] <= 1f, "value " + out[i] + " at " + i);
        }
    }
}
