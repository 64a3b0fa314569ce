package io.byol4j.trainer.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.byol4j.sdk.image.DecodedImage;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RotationTest {

    /** Two planes of a 5×5 image with distinct values: plane c, row y, column x holds 100c + 10y + x. */
    private static float[] ramp(int size) {
        float[] a = new float[2 * size * size];
        for (int c = 0; c < 2; c++) {
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    a[c * size * size + y * size + x] = 100 * c + 10 * y + x;
                }
            }
        }
        return a;
    }

    @Test
    void mirrorReflectsAboutBothBorders() {
        int[] expected = {1, 0, 0, 1, 2, 3, 3, 2, 1, 0, 0};
        for (int i = -2; i <= 8; i++) {
            assertEquals(expected[i + 2], Rotation.mirror(i, 4), "index " + i);
        }
    }

    @Test
    void quarterTurnMovesEveryPixelExactly() {
        int n = 5;
        float[] src = ramp(n);
        float[] out = src.clone();
        Rotation.apply(out, 0, 2, n, 90f);
        for (int c = 0; c < 2; c++) {
            for (int y = 0; y < n; y++) {
                for (int x = 0; x < n; x++) {
                    // Clockwise on screen: the output pixel (x, y) shows the source pixel (y, n - 1 - x).
                    float want = src[c * n * n + (n - 1 - x) * n + y];
                    assertEquals(want, out[c * n * n + y * n + x], 1e-4f, "c" + c + " (" + x + "," + y + ")");
                }
            }
        }
    }

    @Test
    void halfTurnReversesBothAxesAndZeroIsIdentity() {
        int n = 4;
        float[] src = ramp(n);
        float[] out = src.clone();
        Rotation.apply(out, 0, 2, n, 180f);
        for (int i = 0; i < n * n; i++) {
            assertEquals(src[n * n - 1 - i], out[i], 1e-4f);
        }
        float[] same = src.clone();
        Rotation.apply(same, 0, 2, n, 0f);
        assertArrayEquals(src, same);
    }

    @Test
    void anyAngleKeepsAConstantImageConstantBecauseTheBorderIsMirrored() {
        float[] out = new float[3 * 9 * 9 + 7];
        java.util.Arrays.fill(out, 0.25f);
        out[0] = -1f; // outside the view: must stay untouched
        Rotation.apply(out, 7, 3, 9, 33f);
        assertEquals(-1f, out[0]);
        for (int i = 7; i < out.length; i++) {
            assertEquals(0.25f, out[i], 1e-6f);
        }
    }

    @Test
    void augmenterDrawsAnglesWithinTheLimitAndRotatesTheView() {
        DecodedImage img = TestImages.noise(24, 24, 3);
        ViewConfig plain = ViewConfig.none();
        ViewConfig rotating = plain.withRotation(new RotationConfig(1.0, 30.0));
        ViewAugmenter aug = new ViewAugmenter(rotating, 24, 3, new float[] {0, 0, 0}, new float[] {1, 1, 1});
        SplittableRandom rng = new SplittableRandom(5);
        double maxSeen = 0;
        for (int i = 0; i < 200; i++) {
            float deg = aug.sample(24, 24, rng).rotationDegrees();
            assertTrue(Math.abs(deg) <= 30f, "angle " + deg);
            maxSeen = Math.max(maxSeen, Math.abs(deg));
        }
        assertTrue(maxSeen > 25, "angles should cover the range, max " + maxSeen);
        float[] still = new float[aug.viewLength()];
        float[] turned = new float[aug.viewLength()];
        new ViewAugmenter(plain, 24, 3, new float[] {0, 0, 0}, new float[] {1, 1, 1})
                .apply(img, ViewParams.identity(24, 24), still, 0);
        ViewParams p = ViewParams.identity(24, 24);
        aug.apply(
                img,
                new ViewParams(0, 0, 24, 24, false, p.colorOrder(), 1f, 1f, 1f, 0f, false, 0f, false, 90f),
                turned,
                0);
        assertNotEquals(still[0], turned[0]);
        // The top-left pixel of a clockwise quarter turn is the source's bottom-left pixel.
        assertEquals(still[23 * 24], turned[0], 1e-4f);
    }

    @Test
    void configsWithoutRotationReadAsNoRotationAndBadValuesAreRejected() throws Exception {
        String json =
                new ObjectMapper().writeValueAsString(ViewConfig.none()).replaceAll(",\"rotation\":\\{[^}]*\\}", "");
        assertTrue(!json.contains("rotation"), json);
        ViewConfig read = new ObjectMapper().readValue(json, ViewConfig.class);
        assertEquals(RotationConfig.disabled(), read.rotation());
        assertThrows(IllegalArgumentException.class, () -> new RotationConfig(1.5, 10));
        assertThrows(IllegalArgumentException.class, () -> new RotationConfig(0.5, 181));
        assertThrows(
                IllegalArgumentException.class,
                () -> new ViewParams(0, 0, 1, 1, false, java.util.List.of(), 1f, 1f, 1f, 0f, false, 0f, false, 200f));
    }
}
