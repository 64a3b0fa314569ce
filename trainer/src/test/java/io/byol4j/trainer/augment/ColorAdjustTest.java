package io.byol4j.trainer.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ColorAdjustTest {

    private static final float EPS = 1e-5f;

    /** A 2x2 RGB view (CHW): pixels red, green, blue, mid gray. */
    private static float[] primaries() {
        return new float[] {
            1f, 0f, 0f, 0.5f, // R plane
            0f, 1f, 0f, 0.5f, // G plane
            0f, 0f, 1f, 0.5f, // B plane
        };
    }

    @Test
    void brightnessMultipliesAndClamps() {
        float[] v = {0f, 0.2f, 0.5f, 0.8f};
        ColorAdjust.brightness(v, 0, 1, 4, 1.5f);
        assertArrayEquals(new float[] {0f, 0.3f, 0.75f, 1f}, v, EPS);
    }

    @Test
    void contrastZeroGivesTheMeanGrayOfTheImage() {
        float[] v = primaries();
        ColorAdjust.contrast(v, 0, 3, 4, 0f);
        float mean = (0.299f + 0.587f + 0.114f + 0.5f) / 4f;
        for (float x : v) {
            assertEquals(mean, x, EPS);
        }
    }

    @Test
    void contrastBlendsTowardsTheMeanAndClamps() {
        float[] v = {0f, 0.25f, 0.75f, 1f}; // one channel, mean 0.5
        ColorAdjust.contrast(v, 0, 1, 4, 2f);
        assertArrayEquals(new float[] {0f, 0f, 1f, 1f}, v, EPS);
        float[] w = {0f, 0.25f, 0.75f, 1f};
        ColorAdjust.contrast(w, 0, 1, 4, 0.5f);
        assertArrayEquals(new float[] {0.25f, 0.375f, 0.625f, 0.75f}, w, EPS);
    }

    @Test
    void saturationZeroGivesEachPixelsLuma() {
        float[] v = primaries();
        ColorAdjust.saturation(v, 0, 3, 4, 0f);
        float[] luma = {0.299f, 0.587f, 0.114f, 0.5f};
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < 4; i++) {
                assertEquals(luma[i], v[c * 4 + i], EPS);
            }
        }
    }

    @Test
    void saturationAboveOneMovesAwayFromGrayAndClamps() {
        float[] v = {0.6f, 0.4f, 0.4f}; // one pixel, luma 0.4598
        ColorAdjust.saturation(v, 0, 3, 1, 2f);
        float luma = 0.299f * 0.6f + 0.587f * 0.4f + 0.114f * 0.4f;
        assertEquals(2f * 0.6f - luma, v[0], EPS);
        assertEquals(2f * 0.4f - luma, v[1], EPS);
    }

    @Test
    void hueShiftOfAThirdTurnsRedIntoGreenAndGreenIntoBlue() {
        float[] v = primaries();
        ColorAdjust.hue(v, 0, 3, 4, 1f / 3f);
        assertArrayEquals(
                new float[] {
                    0f, 0f, 1f, 0.5f,
                    1f, 0f, 0f, 0.5f,
                    0f, 1f, 0f, 0.5f,
                },
                v,
                EPS);
    }

    @Test
    void negativeHueShiftTurnsRedIntoBlue() {
        float[] v = {1f, 0f, 0f};
        ColorAdjust.hue(v, 0, 3, 1, -1f / 3f);
        assertArrayEquals(new float[] {0f, 0f, 1f}, v, EPS);
    }

    @Test
    void hueShiftKeepsSaturationAndValue() {
        float[] v = {0.8f, 0.4f, 0.2f}; // orange: v=0.8, s=0.75, h=1/18
        ColorAdjust.hue(v, 0, 3, 1, 0.5f);
        // h + 0.5 = 10/18 -> sector 3, f = 1/3: (p, q, v) with p=0.2, q=0.8*(1-0.75/3)=0.6
        assertArrayEquals(new float[] {0.2f, 0.6f, 0.8f}, v, EPS);
    }

    @Test
    void grayscaleReplacesEveryChannelWithLuma() {
        float[] v = {0.2f, 0.4f, 0.6f};
        ColorAdjust.grayscale(v, 0, 3, 1);
        float luma = 0.299f * 0.2f + 0.587f * 0.4f + 0.114f * 0.6f;
        assertArrayEquals(new float[] {luma, luma, luma}, v, EPS);
    }

    @Test
    void colourOnlyOperationsLeaveAOneChannelViewAlone() {
        float[] v = {0.1f, 0.5f, 0.9f, 0.3f};
        float[] before = v.clone();
        ColorAdjust.saturation(v, 0, 1, 4, 0f);
        ColorAdjust.hue(v, 0, 1, 4, 0.3f);
        ColorAdjust.grayscale(v, 0, 1, 4);
        assertArrayEquals(before, v);
    }

    @Test
    void solarizeInvertsValuesAtOrAboveTheThreshold() {
        float[] v = {0f, 0.25f, 0.49f, 0.5f, 0.75f, 1f};
        ColorAdjust.solarize(v, 0, v.length, 0.5f);
        assertArrayEquals(new float[] {0f, 0.25f, 0.49f, 0.5f, 0.25f, 0f}, v, EPS);
    }

    @Test
    void normalizeUsesEachChannelsMeanAndStd() {
        float[] v = {0.5f, 1f, 0.5f, 0f};
        ColorAdjust.normalize(v, 0, 2, new float[] {0.5f, 0.25f}, new float[] {2f, 4f});
        assertArrayEquals(new float[] {0f, 1f, 1f, -1f}, v, EPS);
    }

    @Test
    void operationsTouchOnlyTheirView() {
        float[] v = {9f, 0.5f, 0.5f, 9f};
        ColorAdjust.brightness(v, 1, 1, 2, 2f);
        ColorAdjust.contrast(v, 1, 1, 2, 0f);
        ColorAdjust.solarize(v, 1, 2, 0.5f);
        assertEquals(9f, v[0]);
        assertEquals(9f, v[3]);
        assertEquals(0f, v[1], EPS);
    }
}
