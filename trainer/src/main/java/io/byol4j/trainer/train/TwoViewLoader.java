package io.byol4j.trainer.train;

import io.byol4j.sdk.data.Dataset;
import io.byol4j.sdk.data.Sample;
import io.byol4j.sdk.image.ImageDecodeException;
import io.byol4j.trainer.augment.ViewAugmenter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Decodes and augments training batches on background threads, ahead of the training loop.
 *
 * <p>Each batch is split into chunks processed by {@code workers} threads; at most {@code prefetch}
 * batches are in flight, so memory stays bounded. Batches come out in step order and their content is a
 * pure function of the seed and the step ({@link DataOrder}), independent of thread timing.
 *
 * <p>An image that fails to decode is replaced by another image drawn from a seeded stream, reported
 * once through the warning sink, remembered (not decoded again) and counted in {@link #skippedImages()}.
 * If {@value #MAX_ATTEMPTS} draws in a row fail, the dataset is considered unreadable and
 * {@link #next()} throws.
 */
final class TwoViewLoader implements AutoCloseable {

    static final int MAX_ATTEMPTS = 100;

    private final Dataset dataset;
    private final ViewAugmenter view1;
    private final ViewAugmenter view2;
    private final DataOrder order;
    private final int workers;
    private final int prefetch;
    private final long endStep;
    private final Consumer<String> warnings;
    private final ExecutorService executor;
    private final Deque<Pending> pending = new ArrayDeque<>();
    private final Set<Integer> badImages = ConcurrentHashMap.newKeySet();
    private long nextToSubmit;

    /**
     * @param firstStep 0-based global step of the first batch to produce
     * @param endStep global step to stop before
     * @param warnings receives one message per image that fails to decode
     */
    TwoViewLoader(
            Dataset dataset,
            ViewAugmenter view1,
            ViewAugmenter view2,
            DataOrder order,
            int workers,
            int prefetch,
            long firstStep,
            long endStep,
            Consumer<String> warnings) {
        this.dataset = Objects.requireNonNull(dataset, "dataset");
        this.view1 = Objects.requireNonNull(view1, "view1");
        this.view2 = Objects.requireNonNull(view2, "view2");
        if (view1.viewLength() != view2.viewLength()) {
            throw new IllegalArgumentException("the two views differ in size");
        }
        this.order = order;
        this.workers = Math.max(1, workers);
        this.prefetch = Math.max(1, prefetch);
        this.nextToSubmit = firstStep;
        this.endStep = endStep;
        this.warnings = warnings;
        this.executor = Executors.newFixedThreadPool(this.workers, new LoaderThreads());
        topUp();
    }

    /**
     * The batch of the next step, waiting for it if it is not ready.
     *
     * @throws IllegalStateException if preparing the batch failed (the cause says why) or there is no next
     *     batch
     */
    TwoViewBatch next() throws InterruptedException {
        Pending head = pending.pollFirst();
        if (head == null) {
            throw new IllegalStateException("no batch after step " + (nextToSubmit - 1) + " (end of run)");
        }
        try {
            for (Future<?> chunk : head.chunks) {
                chunk.get();
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new IllegalStateException(
                    "preparing the batch of step " + (head.step + 1) + " failed: " + cause.getMessage(), cause);
        } catch (CancellationException e) {
            throw new IllegalStateException("the loader was closed", e);
        }
        topUp();
        return new TwoViewBatch(head.step, order.batchSize(), head.view1, head.view2);
    }

    /** Distinct images that failed to decode so far. */
    int skippedImages() {
        return badImages.size();
    }

    private void topUp() {
        while (pending.size() < prefetch && nextToSubmit < endStep) {
            pending.addLast(submit(nextToSubmit++));
        }
    }

    private Pending submit(long step) {
        int batch = order.batchSize();
        int length = view1.viewLength();
        float[] a = new float[batch * length];
        float[] b = new float[batch * length];
        int chunks = Math.min(workers, batch);
        List<Future<?>> futures = new ArrayList<>(chunks);
        for (int c = 0; c < chunks; c++) {
            int from = c * batch / chunks;
            int to = (c + 1) * batch / chunks;
            futures.add(executor.submit(() -> fill(step, from, to, a, b)));
        }
        return new Pending(step, a, b, futures);
    }

    private void fill(long step, int from, int to, float[] a, float[] b) {
        int length = view1.viewLength();
        for (int slot = from; slot < to; slot++) {
            Sample sample = decode(step, slot);
            SplittableRandom rng = order.augmentation(step, slot);
            view1.apply(sample.image(), rng, a, slot * length);
            view2.apply(sample.image(), rng, b, slot * length);
        }
    }

    private Sample decode(long step, int slot) {
        int index = order.index(step, slot);
        SplittableRandom substitutes = null;
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            if (!badImages.contains(index)) {
                try {
                    return dataset.get(index);
                } catch (ImageDecodeException e) {
                    if (badImages.add(index)) {
                        warnings.accept("skipping image " + index + " (" + e.reason() + "): " + e.getMessage());
                    }
                }
            }
            if (substitutes == null) {
                substitutes = order.substitution(step, slot);
            }
            index = substitutes.nextInt(dataset.size());
        }
        throw new IllegalStateException(MAX_ATTEMPTS + " images in a row failed to decode (" + badImages.size()
                + " bad images so far); is " + dataset.describe() + " readable?");
    }

    /** Stops the worker threads and drops prepared batches. */
    @Override
    public void close() {
        for (Pending p : pending) {
            p.chunks.forEach(f -> f.cancel(true));
        }
        pending.clear();
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Pending(long step, float[] view1, float[] view2, List<Future<?>> chunks) {}

    private static final class LoaderThreads implements ThreadFactory {
        private static final AtomicInteger COUNTER = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "byol4j-loader-" + COUNTER.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }
}
