package io.byol4j.trainer.metrics;

import io.byol4j.sdk.data.Dataset;
import io.byol4j.sdk.data.Sample;
import io.byol4j.sdk.head.KnnClassifier;
import io.byol4j.sdk.image.ImageDecodeException;
import io.byol4j.trainer.augment.ViewAugmenter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Leave-one-out k-nearest-neighbour accuracy of embeddings on a fixed, labeled subset of a dataset: every
 * sample is classified by a majority vote of its {@code k} most cosine-similar other samples (ties go to the
 * class with the larger summed similarity), computed by the SDK's {@link KnnClassifier}. Images are
 * preprocessed deterministically by an evaluation {@link ViewAugmenter} (no random operations); images that
 * fail to decode are left out.
 */
public final class KnnMonitor {

    private static final int EMBED_BATCH = 64;

    private final Dataset dataset;
    private final ViewAugmenter evalView;
    private final int k;
    private final int[] indices;

    /**
     * @param dataset a labeled dataset
     * @param evalView a deterministic view (for example {@code ViewConfig.none()})
     * @param k neighbours per vote
     * @param samples size of the subset (all images if the dataset is smaller)
     * @param seed picks the subset
     * @throws IllegalArgumentException if the dataset has no labels or is not larger than {@code k}
     */
    public KnnMonitor(Dataset dataset, ViewAugmenter evalView, int k, int samples, long seed) {
        this.dataset = Objects.requireNonNull(dataset, "dataset");
        this.evalView = Objects.requireNonNull(evalView, "evalView");
        if (!dataset.isLabeled()) {
            throw new IllegalArgumentException(
                    "the k-NN monitor needs a labeled dataset; " + dataset.describe() + " has no labels");
        }
        if (k < 1) {
            throw new IllegalArgumentException("k must be positive, got " + k);
        }
        int n = Math.min(samples, dataset.size());
        if (n <= k) {
            throw new IllegalArgumentException(
                    "the k-NN monitor needs more than k=" + k + " images, the dataset has " + dataset.size());
        }
        this.k = k;
        this.indices = subset(dataset.size(), n, seed);
    }

    private static int[] subset(int size, int n, long seed) {
        int[] all = new int[size];
        for (int i = 0; i < size; i++) {
            all[i] = i;
        }
        if (n == size) {
            return all;
        }
        SplittableRandom rng = new SplittableRandom(seed ^ 0x6B4E4E5EEDL);
        for (int i = 0; i < n; i++) {
            int j = i + rng.nextInt(size - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        int[] chosen = Arrays.copyOf(all, n);
        Arrays.sort(chosen);
        return chosen;
    }

    /** Number of images in the evaluation subset. */
    public int subsetSize() {
        return indices.length;
    }

    /**
     * Embeds the subset with {@code embedder} and returns the leave-one-out top-1 accuracy in [0, 1] (NaN if
     * an embedding is not finite).
     */
    public double evaluate(Embedder embedder) {
        int viewLength = evalView.viewLength();
        List<float[]> embeddings = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        float[] batch = new float[EMBED_BATCH * viewLength];
        int filled = 0;
        List<Integer> batchLabels = new ArrayList<>();
        SplittableRandom fixed = new SplittableRandom(0);
        for (int index : indices) {
            Sample s;
            try {
                s = dataset.get(index);
            } catch (ImageDecodeException e) {
                continue;
            }
            evalView.apply(s.image(), fixed, batch, filled * viewLength);
            batchLabels.add(dataset.label(index));
            filled++;
            if (filled == EMBED_BATCH) {
                flush(embedder, batch, filled, batchLabels, embeddings, labels);
                filled = 0;
            }
        }
        if (filled > 0) {
            flush(embedder, Arrays.copyOf(batch, filled * viewLength), filled, batchLabels, embeddings, labels);
        }
        if (embeddings.size() <= k) {
            throw new IllegalStateException("only " + embeddings.size() + " images decoded for the k-NN monitor");
        }
        return leaveOneOutAccuracy(
                embeddings.toArray(new float[0][]),
                labels.stream().mapToInt(Integer::intValue).toArray(),
                k);
    }

    /** Embeds {@code count} images (exactly filling {@code images}) and collects embeddings and labels. */
    private static void flush(
            Embedder embedder,
            float[] images,
            int count,
            List<Integer> batchLabels,
            List<float[]> embeddings,
            List<Integer> labels) {
        float[][] out = embedder.embed(images, count);
        if (out.length != count) {
            throw new IllegalStateException("embedder returned " + out.length + " embeddings for " + count + " images");
        }
        embeddings.addAll(Arrays.asList(out));
        labels.addAll(batchLabels);
        batchLabels.clear();
    }

    /**
     * Leave-one-out k-NN accuracy of {@code embeddings} with the given labels, by the SDK's
     * {@link KnnClassifier} under {@link KnnClassifier#MAJORITY_VOTE} (package-visible for tests).
     * NaN when an embedding is not finite (a diverged network), as no neighbours can be ranked then.
     */
    static double leaveOneOutAccuracy(float[][] embeddings, int[] labels, int k) {
        for (float[] e : embeddings) {
            for (float v : e) {
                if (!Float.isFinite(v)) {
                    return Double.NaN;
                }
            }
        }
        int classes = Math.max(2, Arrays.stream(labels).max().orElse(0) + 1);
        return KnnClassifier.fit(embeddings, labels, classes, k, KnnClassifier.MAJORITY_VOTE)
                .leaveOneOutAccuracy();
    }
}
