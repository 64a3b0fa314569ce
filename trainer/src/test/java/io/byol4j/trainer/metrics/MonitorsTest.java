package io.byol4j.trainer.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.byol4j.trainer.augment.ViewAugmenter;
import io.byol4j.trainer.augment.ViewConfig;
import io.byol4j.trainer.testing.InMemoryDataset;
import io.byol4j.trainer.testing.SingleThreadedTorch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(SingleThreadedTorch.class)
class MonitorsTest {

    @TempDir
    Path tmp;

    @Test
    void collapseStatisticIsZeroForCollapsedAndNearReferenceForSpreadProjections() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            float[] same = new float[64 * 32];
            for (int i = 0; i < same.length; i++) {
                same[i] = (i % 32) * 0.1f + 1f;
            }
            assertEquals(0.0, CollapseMonitor.meanStd(m.create(same, new Shape(64, 32))), 1e-6);
            double spread = CollapseMonitor.meanStd(m.randomNormal(new Shape(4096, 32)));
            assertEquals(CollapseMonitor.healthyReference(32), spread, 0.01);
        }
    }

    @Test
    void knnOnHandMadeEmbeddings() {
        // two tight clusters; the odd one out of cluster 0 sits next to cluster 1
        float[][] e = {{1, 0}, {0.99f, 0.14f}, {0.98f, -0.2f}, {0, 1}, {0.1f, 0.99f}, {-0.14f, 0.99f}};
        int[] labels = {0, 0, 0, 1, 1, 0};
        assertEquals(5.0 / 6.0, KnnMonitor.leaveOneOutAccuracy(unit(e), labels, 2), 1e-12);
        assertEquals(1.0, KnnMonitor.leaveOneOutAccuracy(unit(e), new int[] {0, 0, 0, 1, 1, 1}, 2), 1e-12);
    }

    @Test
    void knnMatchesAPlainLeaveOneOutMajorityVote() {
        Random rng = new Random(11);
        float[][] e = new float[80][8];
        int[] labels = new int[e.length];
        for (int i = 0; i < e.length; i++) {
            labels[i] = rng.nextInt(4);
            for (int j = 0; j < e[i].length; j++) {
                e[i][j] = (float) ((j % 4 == labels[i] ? 1.5 : 0) + rng.nextGaussian());
            }
        }
        for (int k : new int[] {1, 2, 5, 10, 79}) {
            double expected = plainLeaveOneOut(e, labels, k);
            assertEquals(expected, KnnMonitor.leaveOneOutAccuracy(e, labels, k), 1e-12, "k=" + k);
        }
        assertTrue(plainLeaveOneOut(e, labels, 5) > 0.4, "the clusters are visible to the vote");
        float[][] diverged = {{1, 0}, {Float.NaN, 0}, {0, 1}};
        assertTrue(Double.isNaN(KnnMonitor.leaveOneOutAccuracy(diverged, new int[] {0, 1, 0}, 1)));
    }

    /**
     * The monitor's definition written out directly: rank every other sample by cosine similarity, count the
     * classes of the first {@code k}; a tie goes to the larger summed similarity, then the lower class.
     */
    private static double plainLeaveOneOut(float[][] e, int[] labels, int k) {
        int correct = 0;
        for (int i = 0; i < e.length; i++) {
            final int self = i;
            double[] sim = new double[e.length];
            for (int j = 0; j < e.length; j++) {
                sim[j] = cosine(e[i], e[j]);
            }
            int[] ranked = IntStream.range(0, e.length)
                    .filter(j -> j != self)
                    .boxed()
                    .sorted((a, b) -> Double.compare(sim[b], sim[a]))
                    .mapToInt(Integer::intValue)
                    .toArray();
            int[] votes = new int[4];
            double[] sums = new double[4];
            for (int r = 0; r < k; r++) {
                votes[labels[ranked[r]]]++;
                sums[labels[ranked[r]]] += sim[ranked[r]];
            }
            int best = 0;
            for (int c = 1; c < votes.length; c++) {
                if (votes[c] > votes[best] || (votes[c] == votes[best] && sums[c] > sums[best])) {
                    best = c;
                }
            }
            correct += best == labels[i] ? 1 : 0;
        }
        return (double) correct / e.length;
    }

    private static double cosine(float[] a, float[] b) {
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int j = 0; j < a.length; j++) {
            ab += (double) a[j] * b[j];
            aa += (double) a[j] * a[j];
            bb += (double) b[j] * b[j];
        }
        return ab / Math.sqrt(aa * bb);
    }

    @Test
    void knnEvaluatesADatasetThroughAnEmbedder() {
        InMemoryDataset data = new InMemoryDataset(40, 8, 4, 3L, Set.of(5));
        ViewAugmenter eval = new ViewAugmenter(
                ViewConfig.none(), 8, 3, new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.25f, 0.25f, 0.25f});
        KnnMonitor knn = new KnnMonitor(data, eval, 3, 100, 1L);
        assertEquals(40, knn.subsetSize());
        // the raw pixels separate the classes perfectly
        double acc = knn.evaluate((images, count) -> {
            int len = images.length / count;
            float[][] out = new float[count][len];
            for (int i = 0; i < count; i++) {
                System.arraycopy(images, i * len, out[i], 0, len);
            }
            return out;
        });
        assertEquals(1.0, acc, 1e-12);
        assertThrows(IllegalArgumentException.class, () -> new KnnMonitor(data, eval, 50, 100, 1L));
    }

    @Test
    void historyRoundTripsThroughCsvAndPlotsArePngs() throws IOException {
        MetricsHistory h = new MetricsHistory();
        for (int s = 1; s <= 6; s++) {
            h.addStep(new StepRecord(s, (s + 2) / 3, 4.0 / s, 0.1 * s, 0.99));
        }
        h.addEpoch(new EpochMetrics(1, 3, 2.4, 0.3, 0.99, 50.5, 0.25, 0.07, Double.NaN, 3.0, 0));
        h.addEpoch(new EpochMetrics(2, 6, 0.9, 0.6, 0.99, 51.5, 0.125, 0.08, 0.75, 6.0, 2));
        h.write(tmp);
        MetricsHistory back = MetricsHistory.read(tmp);
        assertEquals(h.steps(), back.steps());
        assertEquals(2, back.epochs().size());
        assertEquals(0.75, back.epochs().get(1).knnAccuracy(), 1e-12);
        assertTrue(Double.isNaN(back.epochs().get(0).knnAccuracy()));
        assertTrue(Files.readString(tmp.resolve("metrics.csv")).startsWith("epoch,step,loss"));
        assertThrows(IllegalArgumentException.class, () -> h.addStep(new StepRecord(6, 2, 1, 1, 1)));

        MetricsPlots.write(h, 16, tmp);
        for (String f : new String[] {MetricsPlots.LOSS_FILE, MetricsPlots.MONITORS_FILE}) {
            byte[] png = Files.readAllBytes(tmp.resolve(f));
            assertTrue(png.length > 1000);
            assertEquals((byte) 0x89, png[0]);
            assertEquals('P', png[1]);
        }
    }

    private static float[][] unit(float[][] e) {
        float[][] out = new float[e.length][];
        for (int i = 0; i < e.length; i++) {
            double n = Math.hypot(e[i][0], e[i][1]);
            out[i] = new float[] {(float) (e[i][0] / n), (float) (e[i][1] / n)};
        }
        return out;
    }
}
