package io.byol4j.sdk.encoder;

import io.byol4j.sdk.data.Dataset;
import io.byol4j.sdk.data.Sample;
import io.byol4j.sdk.features.FeatureWriter;
import io.byol4j.sdk.image.ImageDecodeException;
import io.byol4j.sdk.image.Preprocessor;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Embeds a whole {@link Dataset} into a feature directory ({@link io.byol4j.sdk.features.FeatureFile}
 * format) without holding all features in memory.
 *
 * <p>A small pool decodes and preprocesses the next batches while the calling thread runs inference
 * on the current one; rows are written in dataset order. Images that fail to decode are skipped,
 * reported and listed in the {@link Summary}; any other failure aborts the run and leaves the output
 * directory as it was. Progress goes to an optional {@link PrintStream} at most every two seconds
 * (configurable). One extractor may run several extractions, one after the other or concurrently.
 */
public final class BulkExtractor {

    /**
     * An image that was left out.
     *
     * @param index the image's index in the dataset
     * @param failure why: the decoder's reason, or {@link ImageEmbedding.Reason#PREPROCESS}
     */
    public record Skipped(int index, ImageEmbedding.Failure failure) {}

    /**
     * The outcome of an extraction.
     *
     * @param count rows written
     * @param skipped images left out because they could not be decoded
     * @param seconds wall-clock duration
     * @param imagesPerSecond images processed (written or skipped) per second
     * @param skippedImages which images were left out and why
     */
    public record Summary(
            long count, long skipped, double seconds, double imagesPerSecond, List<Skipped> skippedImages) {

        /** Copies the list. */
        public Summary {
            skippedImages = List.copyOf(skippedImages);
        }
    }

    private final Encoder encoder;
    private final int decodeThreads;
    private final int prefetchBatches;
    private final PrintStream progress;
    private final long progressIntervalNanos;
    private final LongSupplier clock;

    private BulkExtractor(Builder b) {
        this.encoder = b.encoder;
        this.decodeThreads = b.decodeThreads;
        this.prefetchBatches = b.prefetchBatches;
        this.progress = b.progress;
        this.progressIntervalNanos = b.progressInterval.toNanos();
        this.clock = b.clock;
    }

    /** A builder for an extractor that embeds with {@code encoder} (whose batch size it uses). */
    public static Builder builder(Encoder encoder) {
        return new Builder(encoder);
    }

    /**
     * Embeds every image of {@code dataset} and writes the rows, labels, ids and class names to
     * {@code outputDir} (created if missing). The files replace the previous ones together at the end, or,
     * on any failure, all previous files stay as they were.
     *
     * @throws IOException if writing fails or the thread is interrupted ({@link InterruptedIOException})
     */
    public Summary extract(Dataset dataset, Path outputDir) throws IOException {
        return extract(dataset, outputDir, Map.of());
    }

    /**
     * As {@link #extract(Dataset, Path)}, also writing {@code companions} (file name in {@code outputDir} ->
     * UTF-8 text, e.g. the configuration that produced the features) in the same all-or-nothing commit.
     */
    public Summary extract(Dataset dataset, Path outputDir, Map<String, String> companions) throws IOException {
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(outputDir, "outputDir");
        int total = dataset.size();
        ExtractionProgress reporter = new ExtractionProgress(progress, "extract", total, progressIntervalNanos, clock);
        List<Skipped> skipped = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(decodeThreads, new DecodeThreads());
        Deque<PendingBatch> pending = new ArrayDeque<>();
        FeatureWriter writer = FeatureWriter.create(outputDir, encoder.embeddingDim(), dataset.classNames());
        companions.forEach(writer::addFile);
        boolean committed = false;
        try {
            int next = 0;
            int batchSize = encoder.options().batchSize();
            while (next < total || !pending.isEmpty()) {
                while (next < total && pending.size() <= prefetchBatches) {
                    int count = Math.min(batchSize, total - next);
                    pending.add(new PendingBatch(next, count, encoder.sampleSize())
                            .submit(pool, dataset, encoder.preprocessor()));
                    next += count;
                }
                PendingBatch batch = pending.poll();
                batch.await();
                for (int k = 0; k < batch.count; k++) {
                    if (batch.errors[k] != null) {
                        Skipped s = new Skipped(batch.first + k, batch.errors[k]);
                        skipped.add(s);
                        reporter.skipped(s.index(), s.failure().toString());
                    }
                }
                int good = batch.compact();
                float[][] features = encoder.embedFloats(
                        good == batch.count ? batch.data : Arrays.copyOf(batch.data, good * encoder.sampleSize()),
                        good);
                for (int k = 0; k < good; k++) {
                    writer.append(features[k], batch.labels[k], batch.ids[k]);
                }
                reporter.advance(batch.count);
            }
            writer.close();
            committed = true;
            double seconds = reporter.finish(writer.count(), skipped.size());
            return new Summary(writer.count(), skipped.size(), seconds, seconds > 0 ? total / seconds : 0, skipped);
        } finally {
            if (!committed) {
                writer.abort();
                pending.forEach(PendingBatch::cancel);
            }
            pool.shutdownNow();
        }
    }

    /** One batch being decoded by the pool: preprocessed pixels, labels, ids, and per-image errors. */
    private static final class PendingBatch {
        final int first;
        final int count;
        final int sampleSize;
        final float[] data;
        final int[] labels;
        final String[] ids;
        final ImageEmbedding.Failure[] errors;
        private final List<Future<?>> tasks = new ArrayList<>();

        PendingBatch(int first, int count, int sampleSize) {
            this.first = first;
            this.count = count;
            this.sampleSize = sampleSize;
            this.data = new float[count * sampleSize];
            this.labels = new int[count];
            this.ids = new String[count];
            this.errors = new ImageEmbedding.Failure[count];
        }

        PendingBatch submit(ExecutorService pool, Dataset dataset, Preprocessor preprocessor) {
            for (int k = 0; k < count; k++) {
                int slot = k;
                tasks.add(pool.submit(() -> {
                    Sample sample = null;
                    try {
                        sample = dataset.get(first + slot);
                        preprocessor.apply(sample.image(), data, slot * sampleSize);
                        labels[slot] = sample.label();
                        ids[slot] = sample.id();
                    } catch (ImageDecodeException e) {
                        errors[slot] = new ImageEmbedding.Failure(
                                ImageEmbedding.Reason.of(e.reason()), String.valueOf(e.getMessage()));
                    } catch (RuntimeException e) {
                        if (sample == null) {
                            throw e; // the dataset itself failed: not one bad image
                        }
                        // a decoded image the model's preprocessing cannot take (e.g. an extreme aspect
                        // ratio) is skipped like an undecodable one, naming the image
                        errors[slot] = new ImageEmbedding.Failure(
                                ImageEmbedding.Reason.PREPROCESS,
                                sample.id() + ": cannot preprocess its "
                                        + sample.image().width() + "x"
                                        + sample.image().height() + " pixels for the model's input: "
                                        + e.getMessage());
                    }
                    return null;
                }));
            }
            return this;
        }

        void await() throws IOException {
            try {
                for (Future<?> task : tasks) {
                    task.get();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("feature extraction was interrupted");
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException re) {
                    throw re;
                }
                if (cause instanceof Error err) {
                    throw err;
                }
                throw new IOException("preparing images " + first + ".." + (first + count - 1) + " failed", cause);
            }
        }

        /** Moves the successful rows to the front, in order, and returns how many there are. */
        int compact() {
            int good = 0;
            for (int k = 0; k < count; k++) {
                if (errors[k] != null) {
                    continue;
                }
                if (good != k) {
                    System.arraycopy(data, k * sampleSize, data, good * sampleSize, sampleSize);
                    labels[good] = labels[k];
                    ids[good] = ids[k];
                }
                good++;
            }
            return good;
        }

        void cancel() {
            tasks.forEach(t -> t.cancel(true));
        }
    }

    /** Daemon threads named byol4j-decode-N, so a forgotten pool never keeps the JVM alive. */
    private static final class DecodeThreads implements ThreadFactory {
        private static final AtomicInteger COUNTER = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "byol4j-decode-" + COUNTER.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }

    /** Configures a {@link BulkExtractor}. */
    public static final class Builder {
        private final Encoder encoder;
        private int decodeThreads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() - 1));
        private int prefetchBatches = 2;
        private PrintStream progress;
        private Duration progressInterval = Duration.ofSeconds(2);
        private LongSupplier clock = System::nanoTime;

        private Builder(Encoder encoder) {
            this.encoder = Objects.requireNonNull(encoder, "encoder");
        }

        /** Threads that decode and preprocess (default: cores - 1, between 1 and 4). */
        public Builder decodeThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("decodeThreads must be at least 1, got " + threads);
            }
            this.decodeThreads = threads;
            return this;
        }

        /** Batches prepared ahead of the one being embedded (default 2); bounds memory use. */
        public Builder prefetchBatches(int batches) {
            if (batches < 0) {
                throw new IllegalArgumentException("prefetchBatches must be >= 0, got " + batches);
            }
            this.prefetchBatches = batches;
            return this;
        }

        /** Where progress lines go; null (the default) for none. */
        public Builder progress(PrintStream out) {
            this.progress = out;
            return this;
        }

        /** Least time between two progress lines (default 2 s). */
        public Builder progressInterval(Duration interval) {
            if (interval.isNegative()) {
                throw new IllegalArgumentException("progressInterval must not be negative");
            }
            this.progressInterval = interval;
            return this;
        }

        /** Time source in nanoseconds, for tests. */
        Builder clock(LongSupplier nanoClock) {
            this.clock = Objects.requireNonNull(nanoClock);
            return this;
        }

        /** The extractor with these settings; the builder can be reused. */
        public BulkExtractor build() {
            return new BulkExtractor(this);
        }
    }
}
