package io.byol4j.trainer.finetune;

import io.byol4j.sdk.data.Dataset;
import io.byol4j.sdk.data.Sample;
import io.byol4j.sdk.image.ImageDecodeException;
import io.byol4j.trainer.augment.ViewAugmenter;
import io.byol4j.trainer.train.DataOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Decodes and transforms batches of labeled images on a small thread pool. Training batches follow a
 * {@link DataOrder} over a list of dataset indices, so batch {@code s} and its augmentations are a pure
 * function of the seed and {@code s} (an interrupted trial resumes exactly); evaluation batches use the
 * deterministic centre view. Close it to stop the threads.
 */
final class LabeledImages implements AutoCloseable {

    /** A batch: NCHW floats and one label per image. */
    record Batch(float[] images, int[] labels, int count) {}

    private final Dataset dataset;
    private final ExecutorService pool;

    LabeledImages(Dataset dataset, int workers) {
        this.dataset = dataset;
        this.pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "finetune-data");
            t.setDaemon(true);
            return t;
        });
    }

    /** Training batch {@code step}: images {@code indices[order.index(step, slot)]}, augmented by {@code view}. */
    Batch training(int[] indices, DataOrder order, long step, ViewAugmenter view) throws InterruptedException {
        int n = order.batchSize();
        int[] chosen = new int[n];
        SplittableRandom[] rngs = new SplittableRandom[n];
        for (int slot = 0; slot < n; slot++) {
            chosen[slot] = indices[order.index(step, slot)];
            rngs[slot] = order.augmentation(step, slot);
        }
        return load(chosen, view, rngs);
    }

    /** The images {@code indices[from, from + count)} in the evaluation view (no randomness). */
    Batch evaluation(int[] indices, int from, int count, ViewAugmenter view) throws InterruptedException {
        int[] chosen = new int[count];
        System.arraycopy(indices, from, chosen, 0, count);
        return load(chosen, view, null);
    }

    private Batch load(int[] chosen, ViewAugmenter view, SplittableRandom[] rngs) throws InterruptedException {
        int n = chosen.length;
        int length = view.viewLength();
        float[] images = new float[n * length];
        int[] labels = new int[n];
        List<Future<?>> jobs = new ArrayList<>(n);
        for (int slot = 0; slot < n; slot++) {
            int s = slot;
            jobs.add(pool.submit(() -> {
                Sample sample = decode(chosen[s]);
                labels[s] = dataset.label(chosen[s]);
                if (rngs == null) {
                    view.apply(sample.image(), new SplittableRandom(0), images, s * length);
                } else {
                    view.apply(sample.image(), rngs[s], images, s * length);
                }
                return null;
            }));
        }
        for (Future<?> job : jobs) {
            try {
                job.get();
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException re) {
                    throw re;
                }
                throw new IllegalStateException(cause.getMessage(), cause);
            }
        }
        return new Batch(images, labels, n);
    }

    private Sample decode(int index) {
        try {
            return dataset.get(index);
        } catch (ImageDecodeException e) {
            throw new IllegalStateException(
                    "image " + index + " of " + dataset.describe() + " cannot be decoded: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
