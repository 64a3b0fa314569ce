package io.byol4j.sdk.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.byol4j.sdk.image.DecodedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

class SyntheticDatasetTest {

    /**
     * CRC-32 of the labels and pixels of images 0..19 of {@code SyntheticDataset(100, 1, 32)}. The
     * generator promises the same images on every JVM; if this changes, results obtained on the
     * default dataset are no longer comparable, so update it only on purpose.
     */
    private static final long GOLDEN_CRC = 1_279_053_042L;

    @Test
    void hasTenNamedShapeClassesAndDescribesItself() {
        SyntheticDataset ds = new SyntheticDataset(50, 7, 24);
        assertEquals(
                List.of("disk", "ring", "square", "triangle", "cross", "star", "crescent", "l-shape", "bars", "bowtie"),
                SyntheticDataset.DEFAULT_CLASSES);
        assertEquals(SyntheticDataset.DEFAULT_CLASSES, ds.classNames());
        assertEquals(50, ds.size());
        assertEquals(3, ds.channels());
        assertTrue(ds.isLabeled());
        assertTrue(ds.describe().startsWith("synthetic shapes, 50 images, seed 7"), ds.describe());
        DecodedImage img = ds.get(0).image();
        assertEquals(24, img.width());
        assertEquals(24, img.height());
        assertEquals(3, img.channels());
    }

    @Test
    void sameSeedGivesIdenticalImagesAcrossInstancesAndThreads() throws Exception {
        SyntheticDataset a = new SyntheticDataset(200, 42, 32);
        SyntheticDataset b = new SyntheticDataset(200, 42, 32);
        List<byte[]> sequential = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            Sample s = a.get(i);
            sequential.add(s.image().pixels());
            assertEquals(s.label(), a.label(i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Sample>> futures = new ArrayList<>();
            for (int i = 39; i >= 0; i--) {
                int index = i;
                futures.add(pool.submit(() -> b.get(index)));
            }
            for (int k = 0; k < 40; k++) {
                int i = 39 - k;
                Sample s = futures.get(k).get();
                assertArrayEquals(sequential.get(i), s.image().pixels(), "image " + i);
                assertEquals(a.label(i), s.label());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void imagesAreStableAcrossVersions() {
        SyntheticDataset ds = new SyntheticDataset(100, 1, 32);
        CRC32 crc = new CRC32();
        for (int i = 0; i < 20; i++) {
            Sample s = ds.get(i);
            crc.update(s.label());
            crc.update(s.image().pixels());
        }
        assertEquals(GOLDEN_CRC, crc.getValue(), "the synthetic images changed");
    }

    @Test
    void differentSeedsAndIndicesGiveDifferentImages() {
        SyntheticDataset a = new SyntheticDataset(30, 1, 32);
        SyntheticDataset b = new SyntheticDataset(30, 2, 32);
        Set<String> distinct = new HashSet<>();
        int differingLabels = 0;
        for (int i = 0; i < 30; i++) {
            assertFalse(
                    Arrays.equals(a.get(i).image().pixels(), b.get(i).image().pixels()), "image " + i);
            distinct.add(Arrays.toString(a.get(i).image().pixels()));
            if (a.label(i) != b.label(i)) {
                differingLabels++;
            }
        }
        assertEquals(30, distinct.size());
        assertTrue(differingLabels > 10, "label order should depend on the seed");
    }

    @Test
    void labelsAreBalancedInEveryBlockOfTen() {
        SyntheticDataset ds = new SyntheticDataset(2005, 3, 32);
        int[] counts = new int[10];
        for (int block = 0; block < 200; block++) {
            Set<Integer> seen = new HashSet<>();
            for (int j = 0; j < 10; j++) {
                int label = ds.label(block * 10 + j);
                seen.add(label);
                counts[label]++;
            }
            assertEquals(10, seen.size(), "block " + block);
        }
        for (int i = 2000; i < 2005; i++) {
            counts[ds.label(i)]++;
        }
        for (int c : counts) {
            assertTrue(c == 200 || c == 201, Arrays.toString(counts));
        }
    }

    @Test
    void shapesDifferUnderEveryRotation() {
        int n = 64;
        boolean[][] masks = new boolean[SyntheticShape.values().length][];
        for (SyntheticShape s : SyntheticShape.values()) {
            masks[s.ordinal()] = mask(s, n, 0);
        }
        for (SyntheticShape a : SyntheticShape.values()) {
            for (SyntheticShape b : SyntheticShape.values()) {
                if (a == b) {
                    continue;
                }
                double best = 0;
                for (int deg = 0; deg < 360; deg += 5) {
                    best = Math.max(best, iou(masks[a.ordinal()], mask(b, n, Math.toRadians(deg))));
                }
                assertTrue(best < 0.8, a + " vs " + b + ": best IoU over rotations " + best);
            }
        }
    }

    @Test
    void theCopiesAreVisibleWithoutFillingThePicture() {
        SplittableRandom seeds = new SplittableRandom(9);
        for (int trial = 0; trial < 100; trial++) {
            ShapeScene scene =
                    new ShapeScene(SyntheticShape.values()[trial % 10], 32, new SplittableRandom(seeds.nextLong()));
            double covered = 0;
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    covered += scene.shapeCoverage(x, y);
                }
            }
            // four copies of 36-46% of the side, partly overlapping or cut: visibly present, never filling the picture
            assertTrue(covered > 0.03 * 32 * 32 && covered < 0.6 * 32 * 32, "trial " + trial + ": coverage " + covered);
        }
    }

    @Test
    void theShapeContrastsWithTheBackgroundInGray() {
        SplittableRandom seeds = new SplittableRandom(5);
        for (int trial = 0; trial < 200; trial++) {
            SyntheticShape shape = SyntheticShape.values()[trial % 10];
            SplittableRandom rng = new SplittableRandom(seeds.nextLong());
            ShapeScene scene = new ShapeScene(shape, 32, rng);
            DecodedImage img = scene.render(rng);
            List<Integer> inside = new ArrayList<>();
            List<Integer> outside = new ArrayList<>();
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    int luma = (299 * img.get(x, y, 0) + 587 * img.get(x, y, 1) + 114 * img.get(x, y, 2)) / 1000;
                    double coverage = scene.shapeCoverage(x, y);
                    if (coverage == 1) {
                        inside.add(luma);
                    } else if (coverage == 0) {
                        outside.add(luma);
                    }
                }
            }
            assertFalse(inside.isEmpty(), "trial " + trial + ": the shape covers no whole pixel");
            int gap = Math.abs(median(inside) - median(outside));
            assertTrue(gap >= ShapeScene.MIN_LUMA_CONTRAST - 10, "trial " + trial + " " + shape + ": gap " + gap);
        }
    }

    @Test
    void rawPixelsBarelyPredictTheShape() {
        // Colour and the copies' poses dominate the pixels: 1-nearest-neighbour on raw pixels stays near
        // chance (10%), which is what makes the dataset a test of learned features.
        SyntheticDataset ds = new SyntheticDataset(700, 11, 16);
        int train = 600;
        float[][] x = new float[ds.size()][];
        for (int i = 0; i < ds.size(); i++) {
            byte[] px = ds.get(i).image().pixels();
            x[i] = new float[px.length];
            for (int j = 0; j < px.length; j++) {
                x[i][j] = px[j] & 0xFF;
            }
        }
        int correct = 0;
        for (int i = train; i < ds.size(); i++) {
            double best = Double.MAX_VALUE;
            int predicted = -1;
            for (int j = 0; j < train; j++) {
                double d = 0;
                for (int k = 0; k < x[i].length; k++) {
                    double e = x[i][k] - x[j][k];
                    d += e * e;
                }
                if (d < best) {
                    best = d;
                    predicted = ds.label(j);
                }
            }
            if (predicted == ds.label(i)) {
                correct++;
            }
        }
        double accuracy = correct / (double) (ds.size() - train);
        assertTrue(accuracy < 0.3, "raw-pixel 1-NN accuracy " + accuracy);
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new SyntheticDataset(0, 1, 32));
        assertThrows(IllegalArgumentException.class, () -> new SyntheticDataset(10, 1, 4));
        SyntheticDataset ds = new SyntheticDataset(10, 1);
        assertEquals(32, ds.imageSize());
        assertThrows(IndexOutOfBoundsException.class, () -> ds.get(10));
        assertThrows(IndexOutOfBoundsException.class, () -> ds.label(-1));
    }

    private static boolean[] mask(SyntheticShape shape, int n, double angle) {
        boolean[] m = new boolean[n * n];
        double c = Math.cos(angle);
        double s = Math.sin(angle);
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                double u = (x + 0.5) / n * 2 - 1;
                double v = (y + 0.5) / n * 2 - 1;
                m[y * n + x] = shape.contains(u * c + v * s, -u * s + v * c);
            }
        }
        return m;
    }

    private static double iou(boolean[] a, boolean[] b) {
        int inter = 0;
        int union = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i] && b[i]) {
                inter++;
            }
            if (a[i] || b[i]) {
                union++;
            }
        }
        return inter / (double) union;
    }

    private static int median(List<Integer> values) {
        List<Integer> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }
}
