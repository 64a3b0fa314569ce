package io.byol4j.trainer.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CropRectTest {

    @Test
    void drawsRespectAreaAspectAndBounds() {
        int w = 640;
        int h = 480;
        CropConfig cfg = CropConfig.standard();
        SplittableRandom rng = new SplittableRandom(42);
        double minFrac = 1;
        double maxFrac = 0;
        for (int i = 0; i < 20_000; i++) {
            CropRect r = CropRect.random(w, h, cfg, rng);
            assertTrue(r.x() >= 0 && r.y() >= 0 && r.x() + r.width() <= w && r.y() + r.height() <= h, r::toString);
            double frac = (double) r.width() * r.height() / (w * h);
            double ratio = (double) r.width() / r.height();
            // integer rounding of width and height moves area and ratio by at most about a pixel
            assertTrue(frac >= 0.08 * 0.98 && frac <= 1.0, () -> "area fraction " + frac + " of " + r);
            assertTrue(ratio >= 0.75 * 0.95 && ratio <= 4.0 / 3.0 * 1.05, () -> "ratio " + ratio + " of " + r);
            minFrac = Math.min(minFrac, frac);
            maxFrac = Math.max(maxFrac, frac);
        }
        assertTrue(minFrac < 0.09, "small crops are drawn");
        assertTrue(maxFrac > 0.9, "large crops are drawn");
    }

    @Test
    void scaleRangeIsHonoured() {
        SplittableRandom rng = new SplittableRandom(3);
        for (int i = 0; i < 5_000; i++) {
            CropRect r = CropRect.random(500, 500, CropConfig.withScale(0.2, 0.3), rng);
            double frac = r.width() * r.height() / 250_000.0;
            assertTrue(frac >= 0.2 * 0.98 && frac <= 0.3 * 1.02, () -> "area fraction " + frac);
        }
    }

    @Test
    void fallsBackToACentreCropAtTheNearestRatio() {
        // a 1000x10 strip can never hold a crop with ratio <= 4/3 of 8% of its area or more
        CropRect r = CropRect.random(1000, 10, CropConfig.standard(), new SplittableRandom(1));
        assertEquals(new CropRect(493, 0, 13, 10), r);
        CropRect tall = CropRect.random(10, 1000, CropConfig.standard(), new SplittableRandom(1));
        assertEquals(new CropRect(0, 493, 10, 13), tall);
    }

    @Test
    void fallbackKeepsTheWholeImageWhenItsRatioIsAllowed() {
        // 1-2% of a 2x2 image rounds to an empty crop on every attempt
        CropConfig tiny = new CropConfig(true, 0.01, 0.02, 0.75, 4.0 / 3.0);
        assertEquals(new CropRect(0, 0, 2, 2), CropRect.random(2, 2, tiny, new SplittableRandom(5)));
    }

    @Test
    void pinnedScaleAndRatioGiveTheWholeSquare() {
        CropConfig onlyWhole = new CropConfig(true, 1.0, 1.0, 1.0, 1.0);
        assertEquals(new CropRect(0, 0, 7, 7), CropRect.random(7, 7, onlyWhole, new SplittableRandom(5)));
    }

    @Test
    void centreSquareTakesTheShorterSide() {
        assertEquals(new CropRect(20, 0, 40, 40), CropRect.centreSquare(80, 40));
        assertEquals(new CropRect(0, 5, 30, 30), CropRect.centreSquare(30, 41));
        assertEquals(new CropRect(0, 0, 9, 9), CropRect.centreSquare(9, 9));
    }
}
