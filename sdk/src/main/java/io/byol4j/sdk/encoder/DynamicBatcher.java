package io.byol4j.sdk.encoder;

import io.byol4j.sdk.image.DecodedImage;
import io.byol4j.sdk.image.Preprocessor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Groups single-image requests from many threads into batches for one {@link Encoder}, so that callers
 * who each have one image still get batched inference.
 *
 * <p>{@link #submit} preprocesses the image on the calling thread (many callers thus preprocess in
 * parallel) and queues it; {@link #submitPreprocessed} queues a sample that is already preprocessed. A
 * batcher started with {@link #start(Preprocessor, BatchEmbedder, BatcherOptions, BatchObserver)} runs
 * its batches through any batch function (the gRPC server's returns every model output per sample) and
 * reports each batch to an observer. Worker threads wait for a first request, then keep collecting until the batch
 * holds {@link BatcherOptions#maxBatchSize()} requests or {@link BatcherOptions#maxQueueDelay()} has
 * passed since that first request was queued, run one encoder call and complete the futures.
 *
 * <p>Failures reach only the callers they concern:
 * <ul>
 *   <li>a full queue or a closed batcher: the future fails at once with a
 *       {@link RejectedExecutionException} that says which;
 *   <li>a deadline that passed before the request was run: the future fails with a
 *       {@link TimeoutException} and the image is not embedded (checked when the batch is assembled);
 *   <li>a batch whose encoder call throws is retried one image at a time, so a bad input fails only its
 *       own caller; an embedding with non-finite values fails only its caller, with an
 *       {@link EncoderException}.
 * </ul>
 * Futures are completed on a worker thread: dependent actions attached with the non-async
 * {@code CompletableFuture} methods run there and hold up the next batch, so heavy follow-up work
 * belongs in the {@code ...Async} variants. A caller may cancel its future; a cancelled request is
 * skipped.
 *
 * <p>{@link #close()} stops accepting requests, lets the workers <em>drain</em> every request already
 * queued (running them, or expiring those past their deadline) and waits for the workers to finish. The
 * encoder is not closed: it belongs to the caller and must outlive the batcher. All methods are
 * thread-safe.
 */
public final class DynamicBatcher implements AutoCloseable {

    /**
     * Runs one batch of preprocessed samples ({@code count} samples, NCHW, packed one after the other) and
     * returns one row per sample. Called from the batcher's worker threads only.
     */
    @FunctionalInterface
    public interface BatchEmbedder {
        /** The rows for {@code count} samples packed in {@code batch}. */
        float[][] embed(float[] batch, int count);
    }

    /**
     * Told about every batch a worker runs, on the worker thread, after the run; must be quick and must
     * not throw.
     */
    @FunctionalInterface
    public interface BatchObserver {
        /**
         * One batch ran: {@code size} samples, the oldest of which waited {@code oldestWaitNanos} in the queue,
         * in {@code computeNanos} of model time.
         */
        void batchRan(int size, long oldestWaitNanos, long computeNanos);
    }

    private static final BatchObserver NO_OBSERVER = (size, waited, computed) -> {};

    /** A queued image with its caller's future; {@link #POISON} tells a worker to stop. */
    private static final class Request {
        private final float[] input;
        private final CompletableFuture<float[]> future;
        private final long queuedAt;
        private final long deadline;
        private final long deadlineNanos;

        Request(float[] input, CompletableFuture<float[]> future, long queuedAt, long deadline, long deadlineNanos) {
            this.input = input;
            this.future = future;
            this.queuedAt = queuedAt;
            this.deadline = deadline;
            this.deadlineNanos = deadlineNanos;
        }

        /** The preprocessed image (owned by the batcher, not copied). */
        float[] input() {
            return input;
        }

        CompletableFuture<float[]> future() {
            return future;
        }

        long queuedAt() {
            return queuedAt;
        }

        long deadline() {
            return deadline;
        }

        long deadlineNanos() {
            return deadlineNanos;
        }

        boolean hasDeadline() {
            return deadlineNanos > 0;
        }
    }

    private static final Request POISON = new Request(null, null, 0, 0, 0);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final Preprocessor preprocessor;
    private final BatchEmbedder embedder;
    private final BatcherOptions options;
    private final BatchObserver observer;
    private final int sampleSize;
    private final long maxDelayNanos;
    private final LinkedBlockingQueue<Request> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private final List<Thread> workers;
    private boolean closed;

    private final LongAdder submitted = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder expired = new LongAdder();
    private final LongAdder succeeded = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder batches = new LongAdder();
    private final LongAdder batchedImages = new LongAdder();
    private final AtomicInteger largestBatch = new AtomicInteger();

    DynamicBatcher(Preprocessor preprocessor, BatchEmbedder embedder, BatcherOptions options) {
        this(preprocessor, embedder, options, NO_OBSERVER);
    }

    DynamicBatcher(Preprocessor preprocessor, BatchEmbedder embedder, BatcherOptions options, BatchObserver observer) {
        this.observer = Objects.requireNonNull(observer, "observer");
        this.preprocessor = Objects.requireNonNull(preprocessor, "preprocessor");
        this.embedder = Objects.requireNonNull(embedder, "embedder");
        this.options = Objects.requireNonNull(options, "options");
        this.sampleSize = preprocessor.inputSize();
        if ((long) options.maxBatchSize() * sampleSize > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(
                    "maxBatchSize " + options.maxBatchSize() + " is too large for inputs of " + sampleSize + " floats");
        }
        this.maxDelayNanos = saturatedNanos(options.maxQueueDelay());
        int id = INSTANCES.incrementAndGet();
        List<Thread> threads = new ArrayList<>(options.workers());
        for (int w = 0; w < options.workers(); w++) {
            Thread t = new Thread(this::work, "byol4j-batcher-" + id + "-" + (w + 1));
            t.setDaemon(true);
            threads.add(t);
        }
        this.workers = List.copyOf(threads);
        workers.forEach(Thread::start);
    }

    /** Starts a batcher in front of {@code encoder} with {@link BatcherOptions#defaults()}. */
    public static DynamicBatcher start(Encoder encoder) {
        return start(encoder, BatcherOptions.defaults());
    }

    /**
     * Starts a batcher in front of {@code encoder}; its worker threads run until {@link #close()}.
     * The encoder is shared, not owned: close the batcher before the encoder.
     */
    public static DynamicBatcher start(Encoder encoder, BatcherOptions options) {
        Objects.requireNonNull(encoder, "encoder");
        return new DynamicBatcher(encoder.preprocessor(), encoder::embedFloats, options);
    }

    /**
     * Starts a batcher whose batches go to {@code embedder} (for example a model call that returns every
     * output of the graph per sample); {@code preprocessor} turns images given to {@link #submit} into
     * samples and fixes the sample size for {@link #submitPreprocessed}. {@code observer} hears about each
     * batch (for metrics). Worker threads run until {@link #close()}.
     */
    public static DynamicBatcher start(
            Preprocessor preprocessor, BatchEmbedder embedder, BatcherOptions options, BatchObserver observer) {
        return new DynamicBatcher(preprocessor, embedder, options, observer);
    }

    /** The options this batcher runs with. */
    public BatcherOptions options() {
        return options;
    }

    /** Queues {@code image} without a deadline; the future yields its embedding. */
    public CompletableFuture<float[]> submit(DecodedImage image) {
        return enqueue(image, 0);
    }

    /**
     * Queues {@code image}; if it has not been run within {@code deadline} of now, its future fails with
     * a {@link TimeoutException} and it is not embedded.
     *
     * @throws IllegalArgumentException if {@code deadline} is zero or negative
     */
    public CompletableFuture<float[]> submit(DecodedImage image, Duration deadline) {
        Objects.requireNonNull(deadline, "deadline");
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("deadline must be positive, got " + deadline);
        }
        return enqueue(image, saturatedNanos(deadline));
    }

    /**
     * Queues a sample that is already preprocessed ({@code channels × height × width} floats in CHW order,
     * as the preprocessor produces them; the array is not copied and must not change afterwards). With a
     * non-null {@code deadline}, the future fails with a {@link TimeoutException} and the sample is not run
     * if it has not been run within {@code deadline} of now. Cancelling the future skips the sample if
     * its batch has not started.
     *
     * @throws IllegalArgumentException if the sample has the wrong length or the deadline is not positive
     */
    public CompletableFuture<float[]> submitPreprocessed(float[] input, Duration deadline) {
        Objects.requireNonNull(input, "input");
        if (input.length != sampleSize) {
            throw new IllegalArgumentException("a sample holds " + sampleSize + " floats (" + preprocessor.channels()
                    + "x" + preprocessor.height() + "x" + preprocessor.width() + "), got " + input.length);
        }
        long deadlineNanos = 0;
        if (deadline != null) {
            if (deadline.isNegative() || deadline.isZero()) {
                throw new IllegalArgumentException("deadline must be positive, got " + deadline);
            }
            deadlineNanos = saturatedNanos(deadline);
        }
        return enqueueSample(input, deadlineNanos, new CompletableFuture<>());
    }

    /** Requests waiting in the queue right now. */
    public int queued() {
        return Math.max(0, queued.get());
    }

    private CompletableFuture<float[]> enqueue(DecodedImage image, long deadlineNanos) {
        Objects.requireNonNull(image, "image");
        CompletableFuture<float[]> future = new CompletableFuture<>();
        float[] input;
        try {
            input = preprocessor.apply(image);
        } catch (RuntimeException e) {
            failed.increment();
            future.completeExceptionally(new IllegalArgumentException(
                    "cannot preprocess a " + image.width() + "x" + image.height() + "x" + image.channels() + " image: "
                            + e.getMessage(),
                    e));
            return future;
        }
        return enqueueSample(input, deadlineNanos, future);
    }

    private CompletableFuture<float[]> enqueueSample(
            float[] input, long deadlineNanos, CompletableFuture<float[]> future) {
        lifecycle.readLock().lock();
        try {
            if (closed) {
                return reject(future, "the batcher is closed and accepts no more images");
            }
            if (queued.incrementAndGet() > options.queueCapacity()) {
                queued.decrementAndGet();
                return reject(
                        future,
                        "the queue is full: " + options.queueCapacity() + " images are already waiting (queueCapacity "
                                + options.queueCapacity() + ")");
            }
            long now = System.nanoTime();
            queue.add(new Request(input, future, now, now + deadlineNanos, deadlineNanos));
            submitted.increment();
            return future;
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private CompletableFuture<float[]> reject(CompletableFuture<float[]> future, String why) {
        rejected.increment();
        future.completeExceptionally(new RejectedExecutionException(why));
        return future;
    }

    /** The counters so far. */
    public BatcherStats stats() {
        return new BatcherStats(
                submitted.sum(),
                rejected.sum(),
                expired.sum(),
                succeeded.sum(),
                failed.sum(),
                batches.sum(),
                batchedImages.sum(),
                largestBatch.get(),
                Math.max(0, queued.get()));
    }

    /** True once {@link #close()} has been called. */
    public boolean isClosed() {
        lifecycle.readLock().lock();
        try {
            return closed;
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** The worker threads, for tests. */
    List<Thread> workerThreads() {
        return workers;
    }

    /**
     * Stops accepting images, drains the queue (every queued request is run, or expires if its deadline
     * passed) and waits for the worker threads to end. Idempotent. If the waiting thread is interrupted,
     * close returns early with its interrupt flag set while the workers finish draining in the
     * background; called from a worker thread (inside a completion callback) it does not wait.
     */
    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                for (int w = 0; w < workers.size(); w++) {
                    queue.add(POISON);
                }
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
        for (Thread worker : workers) {
            if (worker == Thread.currentThread()) {
                continue;
            }
            try {
                worker.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void work() {
        List<Request> batch = new ArrayList<>(options.maxBatchSize());
        while (true) {
            Request first = takeFirst();
            if (first == POISON) {
                return;
            }
            batch.add(first);
            boolean stop = collect(batch, first.queuedAt() + maxDelayNanos);
            run(batch);
            batch.clear();
            if (stop) {
                return;
            }
        }
    }

    /** Waits for the next request; interrupts are ignored so that no queued request is stranded. */
    private Request takeFirst() {
        while (true) {
            try {
                return dequeued(queue.take());
            } catch (InterruptedException e) {
                // Only close() ends a worker; it does so with a POISON request.
            }
        }
    }

    /** Adds requests until the batch is full or {@code until} has passed; true if a POISON was taken. */
    private boolean collect(List<Request> batch, long until) {
        while (batch.size() < options.maxBatchSize()) {
            Request next = queue.poll();
            if (next == null) {
                long wait = until - System.nanoTime();
                if (wait <= 0) {
                    return false;
                }
                try {
                    next = queue.poll(wait, TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    return false;
                }
                if (next == null) {
                    return false;
                }
            }
            if (dequeued(next) == POISON) {
                return true;
            }
            batch.add(next);
        }
        return false;
    }

    private Request dequeued(Request request) {
        if (request != POISON) {
            queued.decrementAndGet();
        }
        return request;
    }

    /** Drops cancelled requests, expires late ones and embeds the rest. */
    private void run(List<Request> batch) {
        long now = System.nanoTime();
        List<Request> live = new ArrayList<>(batch.size());
        for (Request r : batch) {
            if (r.future().isDone()) {
                continue;
            }
            if (r.hasDeadline() && now - r.deadline() > 0) {
                expired.increment();
                r.future()
                        .completeExceptionally(new TimeoutException("the deadline of "
                                + formatMillis(r.deadlineNanos()) + " passed after " + formatMillis(now - r.queuedAt())
                                + " in the queue; the image was not embedded"));
            } else {
                live.add(r);
            }
        }
        if (!live.isEmpty()) {
            embed(live);
        }
    }

    private void embed(List<Request> live) {
        int n = live.size();
        float[] packed = new float[n * sampleSize];
        for (int i = 0; i < n; i++) {
            System.arraycopy(live.get(i).input(), 0, packed, i * sampleSize, sampleSize);
        }
        batches.increment();
        batchedImages.add(n);
        largestBatch.accumulateAndGet(n, Math::max);
        long oldest = Long.MAX_VALUE;
        for (Request r : live) {
            oldest = Math.min(oldest, r.queuedAt());
        }
        long started = System.nanoTime();
        float[][] rows;
        try {
            try {
                rows = embedder.embed(packed, n);
            } finally {
                observer.batchRan(n, started - oldest, System.nanoTime() - started);
            }
            if (rows == null || rows.length != n) {
                throw new EncoderException("the encoder returned " + (rows == null ? "nothing" : rows.length + " rows")
                        + " for a batch of " + n);
            }
        } catch (RuntimeException | Error e) {
            if (n > 1) {
                for (Request r : live) {
                    embed(List.of(r));
                }
            } else {
                fail(live.get(0), e);
            }
            return;
        }
        for (int i = 0; i < n; i++) {
            Request r = live.get(i);
            if (isFinite(rows[i])) {
                succeeded.increment();
                r.future().complete(rows[i]);
            } else {
                fail(
                        r,
                        new EncoderException(
                                "the model returned an embedding with NaN or infinite values for this" + " image"));
            }
        }
    }

    private void fail(Request r, Throwable cause) {
        failed.increment();
        r.future().completeExceptionally(cause);
    }

    private static boolean isFinite(float[] row) {
        if (row == null) {
            return false;
        }
        for (float v : row) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 4;
        }
    }

    private static String formatMillis(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f ms", nanos / 1e6);
    }

    @Override
    public String toString() {
        return "DynamicBatcher[maxBatchSize=" + options.maxBatchSize() + ", maxQueueDelay=" + options.maxQueueDelay()
                + ", queueCapacity=" + options.queueCapacity() + ", workers=" + options.workers() + "]";
    }
}
