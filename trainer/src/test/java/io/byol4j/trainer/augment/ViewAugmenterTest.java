package io.byol4j.trainer.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.byol4j.sdk.image.DecodedImage;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ViewAugmenterTest {

    private static final float[] MEAN = {0.4914f, 0.4822f, 0.4465f};
    private static final float[] STD = {0.247f, 0.243f, 0.261f};
    private static final float[] ZERO3 = {0f, 0f, 0f};
    private static final float[] ONE3 = {1f, 1f, 1f};
    private static final DecodedImage NOISE = TestImages.noise(40, 30, 11);

    private static float[] view(ViewAugmenter aug, DecodedImage img, long seed) {
        float[] out = new float[aug.viewLength()];
        aug.apply(img, new SplittableRandom(seed), out, 0);
        return out;
    }

    /** Everything on, every time, so that each operation has a chance to break determinism. */
    private static ViewConfig always() {
        return new ViewConfig(
                CropConfig.standard(),
                1.0,
                new ColorJitterConfig(1.0, 0.4, 0.4, 0.2, 0.1),
                0.0,
                BlurConfig.withProbability(1.0),
                SolarizeConfig.withProbability(1.0));
    }

    @Test
    void sameSeedGivesTheSameViewAndDifferentSeedsDiffer() {
        for (ViewConfig cfg : List.of(
                always(), AugmentConfig.paper().view1(), AugmentConfig.paper().view2())) {
            ViewAugmenter aug = new ViewAugmenter(cfg, 16, 3, MEAN, STD);
            float[] a = view(aug, NOISE, 123);
            assertArrayEquals(a, view(aug, NOISE, 123));
            assertFalse(Arrays.equals(a, view(aug, NOISE, 124)));
        }
    }

    @Test
    void sampleThenApplyEqualsApplyWithGenerator() {
        ViewAugmenter aug = new ViewAugmenter(always(), 12, 3, MEAN, STD);
        ViewParams params = aug.sample(NOISE.width(), NOISE.height(), new SplittableRandom(9));
        float[] split = new float[aug.viewLength()];
        aug.apply(NOISE, params, split, 0);
        assertArrayEquals(view(aug, NOISE, 9), split);
    }

    @Test
    void outputIsFiniteAndWithinTheNormalisedRange() {
        ViewAugmenter aug = new ViewAugmenter(always().withGrayscaleProbability(0.5), 20, 3, MEAN, STD);
        for (long seed = 0; seed < 200; seed++) {
            float[] out = view(aug, NOISE, seed);
            for (int c = 0; c < 3; c++) {
                float lo = (0f - MEAN[c]) / STD[c] - 1e-4f;
                float hi = (1f - MEAN[c]) / STD[c] + 1e-4f;
                for (int i = c * 400; i < (c + 1) * 400; i++) {
                    float v = out[i];
                    assertTrue(Float.isFinite(v) && v >= lo && v <= hi, "seed " + seed + " value " + v);
                }
            }
        }
    }

    @Test
    void noneIsACentreSquareResizeThenNormalise() {
        DecodedImage wide = TestImages.rgb(6, 4, (x, y, c) -> 10 * x + 50 * y + c);
        ViewAugmenter aug = new ViewAugmenter(
                ViewConfig.none(), 4, 3, new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.5f, 0.5f, 0.5f});
        float[] out = view(aug, wide, 1);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 4; x++) {
                    float expected = (wide.get(x + 1, y, c) / 255f - 0.5f) / 0.5f;
                    assertEquals(expected, out[c * 16 + y * 4 + x], 1e-5f);
                }
            }
        }
        assertArrayEquals(out, view(aug, wide, 2), "no randomness");
    }

    @Test
    void disabledOperationsAreNeverDrawn() {
        ViewConfig off = ViewConfig.none();
        ViewAugmenter aug = new ViewAugmenter(off, 8, 3, ZERO3, ONE3);
        SplittableRandom rng = new SplittableRandom(4);
        for (int i = 0; i < 500; i++) {
            ViewParams p = aug.sample(40, 30, rng);
            assertEquals(new ViewParams(5, 0, 30, 30, false, List.of(), 1f, 1f, 1f, 0f, false, 0f, false), p);
        }
    }

    @Test
    void eachDisabledOperationIsNeverDrawnWhileTheOthersAre() {
        ViewConfig all = always().withGrayscaleProbability(1.0);
        SplittableRandom rng = new SplittableRandom(8);
        for (int i = 0; i < 200; i++) {
            ViewParams noCrop =
                    sampler(all.withRandomResizedCrop(CropConfig.disabled())).sample(40, 30, rng);
            assertEquals(
                    List.of(5, 0, 30, 30),
                    List.of(noCrop.cropX(), noCrop.cropY(), noCrop.cropWidth(), noCrop.cropHeight()));
            assertTrue(noCrop.flip() && noCrop.grayscale() && noCrop.solarize() && noCrop.blurSigma() > 0);

            ViewParams noFlip = sampler(all.withFlipProbability(0.0)).sample(40, 30, rng);
            assertTrue(
                    !noFlip.flip() && noFlip.grayscale() && noFlip.colorOrder().size() == 4);

            ViewParams noJitter =
                    sampler(all.withColorJitter(ColorJitterConfig.disabled())).sample(40, 30, rng);
            assertTrue(noJitter.colorOrder().isEmpty() && noJitter.flip());
            assertEquals(
                    List.of(1f, 1f, 1f, 0f),
                    List.of(noJitter.brightness(), noJitter.contrast(), noJitter.saturation(), noJitter.hue()));

            ViewParams noGray = sampler(all.withGrayscaleProbability(0.0)).sample(40, 30, rng);
            assertTrue(!noGray.grayscale() && noGray.solarize());

            ViewParams noBlur = sampler(all.withBlur(BlurConfig.disabled())).sample(40, 30, rng);
            assertTrue(noBlur.blurSigma() == 0f && noBlur.grayscale());

            ViewParams noSolarize =
                    sampler(all.withSolarize(SolarizeConfig.disabled())).sample(40, 30, rng);
            assertTrue(!noSolarize.solarize() && noSolarize.blurSigma() > 0);
        }
    }

    @Test
    void identityParametersChangeNothing() {
        ViewAugmenter aug = new ViewAugmenter(always(), 10, 3, ZERO3, ONE3);
        float[] plain = new float[aug.viewLength()];
        aug.apply(NOISE, new ViewParams(3, 2, 25, 25, false, List.of(), 1f, 1f, 1f, 0f, false, 0f, false), plain, 0);
        float[] neutralJitter = new float[aug.viewLength()];
        aug.apply(
                NOISE,
                new ViewParams(
                        3,
                        2,
                        25,
                        25,
                        false,
                        List.of(ColorOp.HUE, ColorOp.CONTRAST, ColorOp.BRIGHTNESS, ColorOp.SATURATION),
                        1f,
                        1f,
                        1f,
                        0f,
                        false,
                        0f,
                        false),
                neutralJitter,
                0);
        assertArrayEquals(plain, neutralJitter, 1e-5f);
    }

    private static ViewAugmenter sampler(ViewConfig cfg) {
        return new ViewAugmenter(cfg, 8, 3, ZERO3, ONE3);
    }

    @Test
    void eachEnabledOperationChangesTheView() {
        ViewConfig base = ViewConfig.none();
        float[] reference = view(new ViewAugmenter(base, 10, 3, ZERO3, ONE3), NOISE, 0);
        List<ViewConfig> withOneSwitchedOn = List.of(
                base.withRandomResizedCrop(CropConfig.standard()),
                base.withFlipProbability(1.0),
                base.withColorJitter(new ColorJitterConfig(1.0, 0.4, 0.0, 0.0, 0.0)),
                base.withColorJitter(new ColorJitterConfig(1.0, 0.0, 0.4, 0.0, 0.0)),
                base.withColorJitter(new ColorJitterConfig(1.0, 0.0, 0.0, 0.4, 0.0)),
                base.withColorJitter(new ColorJitterConfig(1.0, 0.0, 0.0, 0.0, 0.2)),
                base.withGrayscaleProbability(1.0),
                base.withBlur(BlurConfig.withProbability(1.0)),
                base.withSolarize(SolarizeConfig.withProbability(1.0)));
        for (ViewConfig cfg : withOneSwitchedOn) {
            float[] v = view(new ViewAugmenter(cfg, 10, 3, ZERO3, ONE3), NOISE, 5);
            assertFalse(Arrays.equals(reference, v), cfg::toString);
        }
    }

    @Test
    void jitterDrawsFactorsInRangeAndOnlyEnabledAdjustments() {
        ViewConfig cfg = ViewConfig.none().withColorJitter(new ColorJitterConfig(1.0, 0.4, 0.0, 0.2, 0.1));
        ViewAugmenter aug = new ViewAugmenter(cfg, 8, 3, ZERO3, ONE3);
        SplittableRandom rng = new SplittableRandom(17);
        boolean[] firstSeen = new boolean[ColorOp.values().length];
        for (int i = 0; i < 2000; i++) {
            ViewParams p = aug.sample(20, 20, rng);
            assertEquals(3, p.colorOrder().size());
            assertFalse(p.colorOrder().contains(ColorOp.CONTRAST));
            assertTrue(p.brightness() >= 0.6f && p.brightness() <= 1.4f);
            assertEquals(1f, p.contrast());
            assertTrue(p.saturation() >= 0.8f && p.saturation() <= 1.2f);
            assertTrue(p.hue() >= -0.1f && p.hue() <= 0.1f);
            firstSeen[p.colorOrder().get(0).ordinal()] = true;
        }
        assertTrue(
                firstSeen[ColorOp.BRIGHTNESS.ordinal()]
                        && firstSeen[ColorOp.SATURATION.ordinal()]
                        && firstSeen[ColorOp.HUE.ordinal()],
                "the order is random");
    }

    @Test
    void probabilitiesAreRespectedOverManyDraws() {
        ViewConfig cfg = AugmentConfig.paper().view2(); // flip .5, jitter .8, gray .2, blur .1, solarize .2
        ViewAugmenter aug = new ViewAugmenter(cfg, 32, 3, MEAN, STD);
        SplittableRandom rng = new SplittableRandom(2024);
        int n = 10_000;
        int flips = 0;
        int jitters = 0;
        int grays = 0;
        int blurs = 0;
        int solarizes = 0;
        for (int i = 0; i < n; i++) {
            ViewParams p = aug.sample(64, 48, rng);
            flips += p.flip() ? 1 : 0;
            jitters += p.colorOrder().isEmpty() ? 0 : 1;
            grays += p.grayscale() ? 1 : 0;
            if (p.blurSigma() > 0) {
                blurs++;
                assertTrue(p.blurSigma() >= 0.1f && p.blurSigma() <= 2.0f);
            }
            solarizes += p.solarize() ? 1 : 0;
        }
        assertEquals(0.5, flips / (double) n, 0.02);
        assertEquals(0.8, jitters / (double) n, 0.02);
        assertEquals(0.2, grays / (double) n, 0.02);
        assertEquals(0.1, blurs / (double) n, 0.02);
        assertEquals(0.2, solarizes / (double) n, 0.02);
    }

    @Test
    void paperViewsAreAsymmetric() {
        AugmentConfig paper = AugmentConfig.paper();
        assertEquals(1.0, paper.view1().blur().probability());
        assertEquals(0.1, paper.view2().blur().probability());
        assertEquals(0.0, paper.view1().solarize().probability());
        assertEquals(0.2, paper.view2().solarize().probability());
        assertEquals(paper.view1().colorJitter(), paper.view2().colorJitter());
        assertEquals(0.08, paper.view1().randomResizedCrop().scaleMin());
        AugmentConfig light = AugmentConfig.light();
        assertEquals(0.2, light.view1().randomResizedCrop().scaleMin());
        assertEquals(0.0, light.view1().blur().probability());
        assertFalse(AugmentConfig.none().view1().randomResizedCrop().enabled());
    }

    @Test
    void grayInputWithThreeOutputChannelsReplicates() {
        DecodedImage gray = TestImages.gray(20, 20, (x, y, c) -> (x * 13 + y * 7) % 256);
        ViewConfig cfg = always().withColorJitter(new ColorJitterConfig(1.0, 0.4, 0.4, 0.0, 0.0));
        ViewAugmenter aug = new ViewAugmenter(cfg, 8, 3, ZERO3, ONE3);
        float[] out = view(aug, gray, 77);
        for (int i = 0; i < 64; i++) {
            assertEquals(out[i], out[64 + i], 1e-6f);
            assertEquals(out[i], out[128 + i], 1e-6f);
        }
    }

    @Test
    void rgbInputWithOneOutputChannelUsesLuma() {
        DecodedImage rgb = TestImages.rgb(4, 4, (x, y, c) -> c == 0 ? 200 : c == 1 ? 100 : 50);
        ViewAugmenter aug = new ViewAugmenter(ViewConfig.none(), 4, 1, new float[] {0f}, new float[] {1f});
        float[] out = view(aug, rgb, 0);
        float luma = (0.299f * 200 + 0.587f * 100 + 0.114f * 50) / 255f;
        for (float v : out) {
            assertEquals(luma, v, 1e-5f);
        }
    }

    @Test
    void writesOnlyItsSliceOfABatch() {
        ViewAugmenter aug = new ViewAugmenter(always(), 8, 3, MEAN, STD);
        float[] batch = new float[3 * aug.viewLength()];
        Arrays.fill(batch, Float.NaN);
        aug.apply(NOISE, new SplittableRandom(1), batch, aug.viewLength());
        for (int i = 0; i < batch.length; i++) {
            boolean inside = i >= aug.viewLength() && i < 2 * aug.viewLength();
            assertEquals(inside, !Float.isNaN(batch[i]), "index " + i);
        }
        assertArrayEquals(view(aug, NOISE, 1), Arrays.copyOfRange(batch, aug.viewLength(), 2 * aug.viewLength()));
    }

    @Test
    void sharedAcrossThreadsGivesTheSameViewsAsSequentially() throws Exception {
        ViewAugmenter aug = new ViewAugmenter(always(), 24, 3, MEAN, STD);
        float[][] expected = new float[64][];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = view(aug, NOISE, i);
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> a = pool.submit(() -> check(aug, expected, 0));
            Future<?> b = pool.submit(() -> check(aug, expected, 1));
            a.get();
            b.get();
        } finally {
            pool.shutdownNow();
        }
    }

    private static void check(ViewAugmenter aug, float[][] expected, int parity) {
        for (int round = 0; round < 5; round++) {
            for (int i = parity; i < expected.length; i += 2) {
                assertArrayEquals(expected[i], view(aug, NOISE, i));
            }
        }
    }

    @Test
    void rejectsBadArgumentsWithSpecificMessages() {
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> new ViewAugmenter(ViewConfig.none(), 8, 3, new float[] {0f}, ONE3))
                .getMessage()
                .contains("mean and std need 3 values"));
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> new ViewAugmenter(ViewConfig.none(), 8, 3, ZERO3, new float[] {1f, 0f, 1f}))
                .getMessage()
                .contains("std[1]"));
        assertTrue(assertThrows(
                        IllegalArgumentException.class, () -> new ViewAugmenter(ViewConfig.none(), 8, 2, ZERO3, ONE3))
                .getMessage()
                .contains("outChannels"));
        assertThrows(IllegalArgumentException.class, () -> new ViewAugmenter(ViewConfig.none(), 0, 3, ZERO3, ONE3));
        ViewAugmenter aug = new ViewAugmenter(ViewConfig.none(), 8, 3, ZERO3, ONE3);
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> aug.apply(NOISE, new SplittableRandom(1), new float[aug.viewLength()], 1))
                .getMessage()
                .contains("needs 192 floats at offset 1"));
        ViewParams outside = new ViewParams(30, 0, 20, 10, false, List.of(), 1f, 1f, 1f, 0f, false, 0f, false);
        assertTrue(assertThrows(
                        IllegalArgumentException.class, () -> aug.apply(NOISE, outside, new float[aug.viewLength()], 0))
                .getMessage()
                .contains("exceeds the 40x30 image"));
        assertThrows(
                IllegalArgumentException.class,
                () -> new ViewParams(0, 0, 0, 10, false, List.of(), 1f, 1f, 1f, 0f, false, 0f, false));
        assertThrows(
                IllegalArgumentException.class,
                () -> new ViewParams(
                        0, 0, 5, 5, false, List.of(ColorOp.HUE, ColorOp.HUE), 1f, 1f, 1f, 0f, false, 0f, false));
    }
}
