package io.byol4j.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import inference.GRPCInferenceServiceGrpc;
import inference.ModelInferRequest;
import inference.ModelInferRequest.InferInputTensor;
import io.byol4j.grpc.limits.Limits;
import io.byol4j.grpc.limits.PixelBudget;
import io.byol4j.grpc.model.ServedModel;
import io.byol4j.grpc.testing.Await;
import io.byol4j.grpc.v1.EmbedRequest;
import io.byol4j.grpc.v1.EmbedResponse;
import io.byol4j.grpc.v1.FeatureServiceGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Every limit holds against a hostile client, and each refusal names it. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LimitsTest {

    @TempDir
    Path tmp;

    private TestServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private FeatureServiceGrpc.FeatureServiceBlockingStub start(
            io.byol4j.grpc.model.ModelOptions options, Limits limits) throws Exception {
        server = TestServer.start(TestServer.repository(TestServer.plainModel(tmp, "m.onnx"), options), limits);
        return FeatureServiceGrpc.newBlockingStub(server.channel);
    }

    private ServedModel model() throws Exception {
        return server.server.models().find("m", "");
    }

    @Test
    void aDecompressionBombIsRefusedFromItsHeaderWithoutDecodingOrRunning() throws Exception {
        var stub =
                start(TestServer.batching(8, 64), TestServer.limits(8, 1_000_000, 2_000_000, Duration.ofSeconds(1), 8));
        byte[] bomb = TestServer.flatPng(2000, 1000);
        long before = model().samplesRun();
        EmbedResponse r = stub.embed(EmbedRequest.newBuilder()
                .addImages(ByteString.copyFrom(bomb))
                .addImages(ByteString.copyFrom(TestServer.png(16, 16, 1)))
                .build());
        String error = r.getResults(0).getError();
        assertTrue(
                error.startsWith("TOO_LARGE: " + Limits.MAX_PIXELS_PER_IMAGE + ": image 0 declares 2000000 pixels"),
                error);
        assertEquals(8, r.getResults(1).getFeaturesCount(), "the good image of the same call is served");
        assertEquals(before + 1, model().samplesRun(), "only the good image ran");
        assertEquals(0, server.server.pipeline().budget().held(), "every reservation was returned");
    }

    @Test
    void aFullPixelBudgetMakesCallsWaitThenRefusesThemNamingTheLimit() throws Exception {
        var stub = start(TestServer.batching(8, 64), TestServer.limits(8, 100_000, 100_000, Duration.ofMillis(300), 8));
        PixelBudget budget = server.server.pipeline().budget();
        EmbedRequest request = EmbedRequest.newBuilder()
                .addImages(ByteString.copyFrom(TestServer.png(16, 16, 2)))
                .build();
        long before = model().samplesRun();
        try (PixelBudget.Reservation all = budget.reserve(100_000, 0)) {
            long t0 = System.nanoTime();
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> stub.embed(request));
            long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
            assertTrue(
                    e.getStatus().getDescription().startsWith(Limits.MAX_PIXELS_IN_FLIGHT + ": "),
                    e.getStatus().getDescription());
            assertTrue(waitedMs >= 250, "the call waited for room first (" + waitedMs + " ms)");
            StatusRuntimeException late = assertThrows(
                    StatusRuntimeException.class,
                    () -> stub.withDeadlineAfter(100, TimeUnit.MILLISECONDS).embed(request));
            assertEquals(Status.Code.DEADLINE_EXCEEDED, late.getStatus().getCode());
        }
        assertEquals(before, model().samplesRun(), "refused calls ran nothing");
        assertEquals(8, stub.embed(request).getResults(0).getFeaturesCount(), "with room again the call is served");
    }

    @Test
    void manyConcurrentLargeImagesShareTheBudgetAndAllSucceed() throws Exception {
        // The hostile case, scaled to a test: 12 concurrent calls of 1.5 M-pixel PNGs against a
        // 2 M-pixel budget, so at most one image is decoded at a time and none fails.
        var stub = start(
                TestServer.batching(8, 64), TestServer.limits(8, 1_500_000, 2_000_000, Duration.ofSeconds(30), 16));
        byte[] big = TestServer.flatPng(1500, 1000);
        PixelBudget budget = server.server.pipeline().budget();
        java.util.concurrent.atomic.AtomicLong peak = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicBoolean watching = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread watcher = new Thread(() -> {
            while (watching.get()) {
                peak.accumulateAndGet(budget.held(), Math::max);
                Thread.onSpinWait();
            }
        });
        watcher.start();
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            List<Future<EmbedResponse>> calls = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                calls.add(pool.submit(() -> stub.embed(EmbedRequest.newBuilder()
                        .addImages(ByteString.copyFrom(big))
                        .build())));
            }
            float[] first = null;
            for (Future<EmbedResponse> f : calls) {
                EmbedResponse r = f.get(50, TimeUnit.SECONDS);
                assertEquals("", r.getResults(0).getError());
                float[] got = new float[8];
                for (int k = 0; k < 8; k++) {
                    got[k] = r.getResults(0).getFeatures(k);
                }
                if (first == null) {
                    first = got;
                }
                assertTrue(Arrays.equals(first, got), "every call got the same, correct features");
            }
        } finally {
            pool.shutdownNow();
            watching.set(false);
            watcher.join();
        }
        assertEquals(1_500_000, peak.get(), "one image's pixels at a time, never more than the budget");
        assertEquals(0, budget.held());
    }

    @Test
    void callsBeyondTheConcurrencyLimitAreRefusedAtOnce() throws Exception {
        var stub =
                start(TestServer.batching(8, 64), TestServer.limits(8, 100_000, 100_000, Duration.ofSeconds(600), 1));
        PixelBudget budget = server.server.pipeline().budget();
        EmbedRequest request = EmbedRequest.newBuilder()
                .addImages(ByteString.copyFrom(TestServer.png(16, 16, 2)))
                .build();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<EmbedResponse> waiting;
            try (PixelBudget.Reservation all = budget.reserve(100_000, 0)) {
                waiting = pool.submit(() -> stub.embed(request));
                Await.until("the first call started", () -> server.server.callsInFlight() == 1);
                StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> stub.embed(request));
                assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
                assertTrue(
                        e.getStatus().getDescription().startsWith(Limits.MAX_CONCURRENT_CALLS + ": "),
                        e.getStatus().getDescription());
                // Refused at once: the running call still waits for the budget this test holds.
                assertFalse(waiting.isDone(), "the refusal did not wait for the running call");
            }
            assertEquals("", waiting.get(60, TimeUnit.SECONDS).getResults(0).getError(), "the running call finished");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void asManyClosedLoopCallersAsTheLimitAreNeverRefused() throws Exception {
        // Each caller starts its next call the moment the last one returns; with as many callers as the
        // limit allows, a slot freed only after the answer reached the client would refuse some of them.
        int callers = 4;
        var stub = start(
                TestServer.batching(8, 64), TestServer.limits(8, 100_000, 100_000, Duration.ofSeconds(20), callers));
        EmbedRequest request = EmbedRequest.newBuilder()
                .addImages(ByteString.copyFrom(TestServer.png(16, 16, 3)))
                .build();
        java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger served = new java.util.concurrent.atomic.AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<?>> loops = new ArrayList<>();
            for (int c = 0; c < callers; c++) {
                loops.add(pool.submit(() -> {
                    for (int i = 0; i < 250; i++) {
                        try {
                            assertEquals("", stub.embed(request).getResults(0).getError());
                            served.incrementAndGet();
                        } catch (StatusRuntimeException e) {
                            assertEquals(
                                    Status.Code.RESOURCE_EXHAUSTED,
                                    e.getStatus().getCode(),
                                    e.toString());
                            refused.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : loops) {
                f.get(50, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(0, refused.get(), "refusals among " + (callers * 250) + " closed-loop calls");
        assertEquals(callers * 250, served.get());
        assertEquals(0, server.server.callsInFlight(), "every slot was returned");
    }

    @Test
    void aFullBatchingQueueAnswersResourceExhaustedNamingIt() throws Exception {
        start(TestServer.batching(1, 2), TestServer.limits(512, 100_000, 100_000, Duration.ofSeconds(5), 8));
        int n = 512;
        ByteBuffer raw = ByteBuffer.allocate(n * 3 * 16 * 16 * 4).order(ByteOrder.LITTLE_ENDIAN);
        var stub = GRPCInferenceServiceGrpc.newBlockingStub(server.channel);
        StatusRuntimeException e = assertThrows(
                StatusRuntimeException.class,
                () -> stub.modelInfer(ModelInferRequest.newBuilder()
                        .setModelName("m")
                        .addInputs(InferInputTensor.newBuilder()
                                .setName("images")
                                .setDatatype("FP32")
                                .addShape(n)
                                .addShape(3)
                                .addShape(16)
                                .addShape(16))
                        .addRawInputContents(ByteString.copyFrom(raw.array()))
                        .build()));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
        assertTrue(
                e.getStatus().getDescription().startsWith(Limits.QUEUE_CAPACITY + ": "),
                e.getStatus().getDescription());
    }

    @Test
    void limitsThatCouldNeverBeMetAreRejectedAtConfiguration() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> TestServer.limits(8, 2_000_000, 1_000_000, Duration.ZERO, 1));
        assertTrue(e.getMessage().contains("maxPixelsPerImage"));
    }
}
