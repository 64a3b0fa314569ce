package io.byol4j.sdk.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.byol4j.sdk.image.DecodedImage;
import io.byol4j.sdk.model.ModelContract;
import io.byol4j.sdk.testing.TestModels;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DynamicBatcherTest {

    private static final int DIM = 6;
    private static final long WAIT_SECONDS = 20;

    @TempDir
    static Path dir;

    private static Encoder encoder;

    @BeforeAll
    static void openEncoder() throws IOException {
        ModelContract contract = TestModels.contract(3, 8, DIM);
        Path model = TestModels.write(dir, "encoder.onnx", TestModels.model(contract));
        encoder = Encoder.open(
                model, EncoderOptions.builder().batchSize(16).intraOpThreads(1).build());
    }

    @AfterAll
    static void closeEncoder() {
        encoder.close();
    }

    /** Wraps an embedder: records every batch size and holds each call at the gate until it is opened. */
    private static final class GatedEmbedder implements DynamicBatcher.BatchEmbedder {
        final DynamicBatcher.BatchEmbedder delegate;
        final List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch open = new CountDownLatch(1);

        GatedEmbedder(DynamicBatcher.BatchEmbedder delegate) {
            this.delegate = delegate;
        }

        GatedEmbedder() {
            this(encoder::embedFloats);
        }

        @Override
        public float[][] embed(float[] batch, int count) {
            batchSizes.add(count);
            entered.countDown();
            await(open);
            return delegate.embed(batch, count);
        }

        int imagesEmbedded() {
            synchronized (batchSizes) {
                return batchSizes.stream().mapToInt(Integer::intValue).sum();
            }
        }
    }

    private static DynamicBatcher batcher(DynamicBatcher.BatchEmbedder embedder, BatcherOptions options) {
        return new DynamicBatcher(encoder.preprocessor(), embedder, options);
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(WAIT_SECONDS, TimeUnit.SECONDS), "timed out waiting for a latch");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static void waitUntil(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < end, "timed out waiting until " + what);
            Thread.sleep(2);
        }
    }

    private static Throwable failure(CompletableFuture<float[]> future) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(WAIT_SECONDS, TimeUnit.SECONDS));
        return e.getCause();
    }

    @Test
    void resultsEqualEmbeddingEachImageAlone() throws Exception {
        List<DecodedImage> images = EncoderTest.images(40, 5);
        try (DynamicBatcher batcher = DynamicBatcher.start(
                encoder,
                BatcherOptions.builder()
                        .maxBatchSize(8)
                        .maxQueueDelay(Duration.ofMillis(20))
                        .build())) {
            List<CompletableFuture<float[]>> futures = new ArrayList<>();
            for (DecodedImage image : images) {
                futures.add(batcher.submit(image));
            }
            for (int i = 0; i < images.size(); i++) {
                assertArrayEquals(
                        encoder.embed(images.get(i)),
                        futures.get(i).get(WAIT_SECONDS, TimeUnit.SECONDS),
                        1e-5f,
                        "image " + i);
            }
            BatcherStats stats = batcher.stats();
            assertEquals(40, stats.submitted());
            assertEquals(40, stats.succeeded());
            assertEquals(40, stats.batchedImages());
            assertTrue(stats.largestBatch() <= 8, "largest batch " + stats.largestBatch());
            assertEquals(0, stats.queued());
        }
    }

    @Test
    void concurrentCallersGetTheirOwnResultsInSharedBatches() throws Exception {
        int threads = 8;
        int perThread = 50;
        List<DecodedImage> images = EncoderTest.images(threads * perThread, 11);
        float[][] expected = encoder.embed(images);
        AtomicInteger calls = new AtomicInteger();
        DynamicBatcher[] holder = new DynamicBatcher[1];
        // If the first batch holds a single image, it waits until two more are queued, so that a batch of
        // more than one image is certain to follow however the threads are scheduled.
        DynamicBatcher.BatchEmbedder embedder = (batch, count) -> {
            if (calls.getAndIncrement() == 0 && count == 1) {
                try {
                    waitUntil(() -> holder[0].stats().queued() >= 2, "callers queue up");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return encoder.embedFloats(batch, count);
        };
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (DynamicBatcher batcher = batcher(
                embedder,
                BatcherOptions.builder()
                        .maxBatchSize(16)
                        .maxQueueDelay(Duration.ofMillis(2))
                        .build())) {
            holder[0] = batcher;
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int k = 0; k < perThread; k++) {
                        int i = thread * perThread + k;
                        float[] got = batcher.submit(images.get(i)).get(WAIT_SECONDS, TimeUnit.SECONDS);
                        assertArrayEquals(expected[i], got, 1e-5f, "image " + i);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
            BatcherStats stats = batcher.stats();
            assertEquals((long) threads * perThread, stats.succeeded());
            assertEquals(0, stats.failed() + stats.rejected() + stats.expired());
            assertTrue(stats.largestBatch() > 1, "largest batch " + stats.largestBatch());
            assertTrue(stats.meanBatchSize() > 1, "mean batch " + stats.meanBatchSize());
            assertTrue(stats.batches() < (long) threads * perThread, "batches " + stats.batches());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void fullQueueRejectsAtOnceNamingTheCapacity() throws Exception {
        GatedEmbedder gate = new GatedEmbedder();
        List<DecodedImage> images = EncoderTest.images(5, 3);
        try (DynamicBatcher batcher = batcher(
                gate,
                BatcherOptions.builder()
                        .maxBatchSize(1)
                        .maxQueueDelay(Duration.ZERO)
                        .queueCapacity(3)
                        .build())) {
            CompletableFuture<float[]> running = batcher.submit(images.get(0));
            await(gate.entered);
            List<CompletableFuture<float[]>> waiting = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                waiting.add(batcher.submit(images.get(i)));
            }
            CompletableFuture<float[]> overflow = batcher.submit(images.get(4));
            assertTrue(overflow.isCompletedExceptionally(), "rejected without waiting");
            Throwable cause = failure(overflow);
            assertInstanceOf(RejectedExecutionException.class, cause);
            assertTrue(cause.getMessage().contains("queueCapacity 3"), cause.getMessage());
            assertEquals(3, batcher.stats().queued());

            gate.open.countDown();
            assertArrayEquals(encoder.embed(images.get(0)), running.get(WAIT_SECONDS, TimeUnit.SECONDS), 1e-5f);
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(
                        encoder.embed(images.get(i + 1)), waiting.get(i).get(WAIT_SECONDS, TimeUnit.SECONDS), 1e-5f);
            }
            assertEquals(1, batcher.stats().rejected());
            assertEquals(4, gate.imagesEmbedded(), "the rejected image was never run");
        }
    }

    @Test
    void expiredRequestFailsWithoutBeingRun() throws Exception {
        GatedEmbedder gate = new GatedEmbedder();
        List<DecodedImage> images = EncoderTest.images(3, 4);
        try (DynamicBatcher batcher = batcher(
                gate,
                BatcherOptions.builder()
                        .maxBatchSize(1)
                        .maxQueueDelay(Duration.ZERO)
                        .build())) {
            CompletableFuture<float[]> blocker = batcher.submit(images.get(0));
            await(gate.entered);
            CompletableFuture<float[]> late = batcher.submit(images.get(1), Duration.ofMillis(1));
            CompletableFuture<float[]> patient = batcher.submit(images.get(2), Duration.ofHours(1));
            Thread.sleep(30); // well past the 1 ms deadline while the worker is held at the gate
            gate.open.countDown();

            blocker.get(WAIT_SECONDS, TimeUnit.SECONDS);
            Throwable cause = failure(late);
            assertInstanceOf(TimeoutException.class, cause);
            assertTrue(cause.getMessage().contains("not embedded"), cause.getMessage());
            assertArrayEquals(encoder.embed(images.get(2)), patient.get(WAIT_SECONDS, TimeUnit.SECONDS), 1e-5f);
            assertEquals(List.of(1, 1), gate.batchSizes, "only the blocker and the patient request ran");
            BatcherStats stats = batcher.stats();
            assertEquals(1, stats.expired());
            assertEquals(2, stats.succeeded());
        }
    }

    @Test
    void aBadResultFailsOnlyItsOwnCaller() throws Exception {
        List<DecodedImage> images = EncoderTest.images(6, 8);
        int bad = 3;
        int sampleSize = encoder.preprocessor().inputSize();
        float[] badInput = encoder.preprocessor().apply(images.get(bad));
        BiPredicate<float[], Integer> isBad =
                (batch, i) -> Arrays.equals(batch, i * sampleSize, (i + 1) * sampleSize, badInput, 0, sampleSize);

        // The "model" returns NaN for the bad image only.
        DynamicBatcher.BatchEmbedder nanForOne = (batch, count) -> {
            float[][] rows = encoder.embedFloats(batch, count);
            for (int i = 0; i < count; i++) {
                if (isBad.test(batch, i)) {
                    Arrays.fill(rows[i], Float.NaN);
                }
            }
            return rows;
        };
        assertOnlyOneFails(nanForOne, images, bad, "NaN");

        // An encoder call that throws whenever the bad image is in it: the batch is retried one by one.
        DynamicBatcher.BatchEmbedder throwsForOne = (batch, count) -> {
            for (int i = 0; i < count; i++) {
                if (isBad.test(batch, i)) {
                    throw new EncoderException("inference failed on a batch of " + count);
                }
            }
            return encoder.embedFloats(batch, count);
        };
        assertOnlyOneFails(throwsForOne, images, bad, "inference failed");
    }

    private static void assertOnlyOneFails(
            DynamicBatcher.BatchEmbedder embedder, List<DecodedImage> images, int bad, String message)
            throws Exception {
        GatedEmbedder gate = new GatedEmbedder(embedder);
        try (DynamicBatcher batcher = batcher(
                gate,
                BatcherOptions.builder()
                        .maxBatchSize(images.size())
                        .maxQueueDelay(Duration.ZERO)
                        .build())) {
            // Hold the worker on a first request so that all the images are queued, then batched together.
            CompletableFuture<float[]> first = batcher.submit(images.get(0));
            await(gate.entered);
            List<CompletableFuture<float[]>> futures = new ArrayList<>();
            for (DecodedImage image : images) {
                futures.add(batcher.submit(image));
            }
            gate.open.countDown();
            first.get(WAIT_SECONDS, TimeUnit.SECONDS);
            for (int i = 0; i < images.size(); i++) {
                if (i == bad) {
                    Throwable cause = failure(futures.get(i));
                    assertInstanceOf(EncoderException.class, cause);
                    assertTrue(cause.getMessage().contains(message), cause.getMessage());
                } else {
                    assertArrayEquals(
                            encoder.embed(images.get(i)),
                            futures.get(i).get(WAIT_SECONDS, TimeUnit.SECONDS),
                            1e-5f,
                            "image " + i);
                }
            }
            assertEquals(images.size(), batcher.stats().largestBatch(), "the images were batched together");
            assertEquals(1, batcher.stats().failed());
        }
    }

    @Test
    void closeDrainsQueuedRequestsThenRefusesNewOnes() throws Exception {
        GatedEmbedder gate = new GatedEmbedder();
        List<DecodedImage> images = EncoderTest.images(6, 9);
        DynamicBatcher batcher = batcher(
                gate,
                BatcherOptions.builder()
                        .maxBatchSize(2)
                        .maxQueueDelay(Duration.ZERO)
                        .workers(2)
                        .build());
        List<CompletableFuture<float[]>> futures = new ArrayList<>();
        futures.add(batcher.submit(images.get(0)));
        await(gate.entered);
        for (int i = 1; i < images.size(); i++) {
            futures.add(batcher.submit(images.get(i)));
        }
        Thread closer = new Thread(batcher::close, "test-closer");
        closer.start();
        waitUntil(batcher::isClosed, "close() starts");
        Throwable refused = failure(batcher.submit(images.get(0)));
        assertInstanceOf(RejectedExecutionException.class, refused);
        assertTrue(refused.getMessage().contains("closed"), refused.getMessage());
        assertTrue(closer.isAlive(), "close waits for the queued requests");

        gate.open.countDown();
        closer.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        assertFalse(closer.isAlive(), "close returned");
        for (int i = 0; i < images.size(); i++) {
            assertTrue(futures.get(i).isDone(), "request " + i + " finished before close returned");
            assertArrayEquals(encoder.embed(images.get(i)), futures.get(i).get(), 1e-5f, "image " + i);
        }
        assertEquals(6, gate.imagesEmbedded());
        assertTrue(batcher.workerThreads().stream().noneMatch(Thread::isAlive), "workers joined");
        batcher.close(); // idempotent
        assertEquals(1, batcher.stats().rejected());
    }

    @Test
    void badArgumentsAreRefusedClearly() {
        IllegalArgumentException capacity = assertThrows(
                IllegalArgumentException.class,
                () -> BatcherOptions.builder().queueCapacity(0).build());
        assertTrue(capacity.getMessage().contains("queueCapacity"), capacity.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> BatcherOptions.builder().maxBatchSize(0).build());
        assertThrows(
                IllegalArgumentException.class,
                () -> BatcherOptions.builder()
                        .maxQueueDelay(Duration.ofMillis(-1))
                        .build());
        assertThrows(
                IllegalArgumentException.class,
                () -> BatcherOptions.builder().workers(0).build());
        try (DynamicBatcher batcher = DynamicBatcher.start(encoder)) {
            DecodedImage image = EncoderTest.images(1, 2).get(0);
            assertThrows(NullPointerException.class, () -> batcher.submit(null));
            IllegalArgumentException deadline =
                    assertThrows(IllegalArgumentException.class, () -> batcher.submit(image, Duration.ZERO));
            assertTrue(deadline.getMessage().contains("deadline"), deadline.getMessage());
        }
    }

    @Test
    void preprocessedSamplesAreBatchedTheirDeadlinesKeptAndEachBatchObserved() throws Exception {
        List<DecodedImage> images = EncoderTest.images(6, 9);
        List<int[]> observed = Collections.synchronizedList(new ArrayList<>());
        GatedEmbedder gate = new GatedEmbedder();
        try (DynamicBatcher batcher = new DynamicBatcher(
                encoder.preprocessor(),
                gate,
                BatcherOptions.builder()
                        .maxBatchSize(8)
                        .maxQueueDelay(Duration.ofMillis(1))
                        .build(),
                (size, waited, computed) ->
                        observed.add(new int[] {size, waited >= 0 ? 1 : 0, computed >= 0 ? 1 : 0}))) {
            CompletableFuture<float[]> first =
                    batcher.submitPreprocessed(encoder.preprocessor().apply(images.get(0)), null);
            await(gate.entered);
            List<CompletableFuture<float[]>> rest = new ArrayList<>();
            for (int i = 1; i < images.size(); i++) {
                rest.add(
                        batcher.submitPreprocessed(encoder.preprocessor().apply(images.get(i)), Duration.ofMinutes(1)));
            }
            CompletableFuture<float[]> late =
                    batcher.submitPreprocessed(encoder.preprocessor().apply(images.get(0)), Duration.ofNanos(1));
            assertEquals(images.size(), batcher.queued(), "five waiting samples plus the late one");
            gate.open.countDown();
            assertArrayEquals(encoder.embed(images.get(0)), first.get(WAIT_SECONDS, TimeUnit.SECONDS), 1e-6f);
            for (int i = 1; i < images.size(); i++) {
                assertArrayEquals(
                        encoder.embed(images.get(i)), rest.get(i - 1).get(WAIT_SECONDS, TimeUnit.SECONDS), 1e-6f);
            }
            assertInstanceOf(TimeoutException.class, failure(late));
            assertEquals(List.of(1, images.size() - 1), gate.batchSizes, "the queued samples ran as one batch");
            waitUntil(() -> observed.size() == 2, "both batches were observed");
            assertEquals(1, observed.get(0)[0]);
            assertEquals(images.size() - 1, observed.get(1)[0]);
            assertEquals(0, batcher.queued());
        }
        try (DynamicBatcher batcher = batcher(gate, BatcherOptions.defaults())) {
            assertThrows(IllegalArgumentException.class, () -> batcher.submitPreprocessed(new float[3], null));
        }
    }
}
