package io.byol4j.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.byol4j.grpc.model.ServedModel;
import io.byol4j.grpc.v1.EmbedRequest;
import io.byol4j.grpc.v1.EmbedResponse;
import io.byol4j.grpc.v1.FeatureServiceGrpc;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A call whose deadline passes, or that its client cancels, stops its work: the model runs no more of it. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DeadlineAndCancellationTest {

    private static final int IMAGES = 150;
    private static final int MAX_BATCH = 4;

    @TempDir
    Path tmp;

    private TestServer server;
    private ServedModel model;
    private EmbedRequest slow;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(
                TestServer.repository(TestServer.plainModel(tmp, "m.onnx"), TestServer.batching(MAX_BATCH, 1024)),
                TestServer.limits(IMAGES, 1_000_000, 4_000_000, Duration.ofSeconds(5), 8));
        model = server.server.models().find("m", "");
        // 150 noisy 300x300 PNGs: milliseconds of decoding each, about a second in all.
        EmbedRequest.Builder b = EmbedRequest.newBuilder();
        ByteString image = ByteString.copyFrom(TestServer.png(300, 300, 9));
        for (int i = 0; i < IMAGES; i++) {
            b.addImages(image);
        }
        slow = b.build();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void aPassedDeadlineStopsTheCallAtTheNextImage() throws Exception {
        long before = model.samplesRun();
        long t0 = System.nanoTime();
        StatusRuntimeException e = assertThrows(
                StatusRuntimeException.class,
                () -> FeatureServiceGrpc.newBlockingStub(server.channel)
                        .withDeadlineAfter(150, TimeUnit.MILLISECONDS)
                        .embed(slow));
        long atDeadline = model.samplesRun() - before;
        assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
        long ran = settledRuns() - before;
        assertTrue(ran < IMAGES, "the model ran " + ran + " of " + IMAGES + " images; the rest were dropped");
        assertTrue(
                ran - atDeadline <= MAX_BATCH + 1,
                "after the deadline the model ran " + (ran - atDeadline)
                        + " more images: at most the batch in progress and the image being decoded");
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(3));
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.server.callsInFlight() > 0) {
            assertTrue(System.nanoTime() < end, "the expired call's handler never ended");
            Thread.sleep(10);
        }
    }

    @Test
    void aCancelledCallStopsItsWork() throws Exception {
        long before = model.samplesRun();
        Context.CancellableContext ctx = Context.current().withCancellation();
        Thread canceller = new Thread(() -> {
            try {
                while (model.samplesRun() < before + 5) {
                    Thread.sleep(1);
                }
            } catch (InterruptedException e) {
                return;
            }
            ctx.cancel(null);
        });
        canceller.start();
        StatusRuntimeException e = assertThrows(
                StatusRuntimeException.class,
                () -> ctx.call(
                        () -> FeatureServiceGrpc.newBlockingStub(server.channel).embed(slow)));
        long atCancel = model.samplesRun() - before;
        assertEquals(Status.Code.CANCELLED, e.getStatus().getCode());
        canceller.join();
        long ran = settledRuns() - before;
        assertTrue(ran >= 5 && ran < IMAGES, "the model ran " + ran + " of " + IMAGES + " images");
        assertTrue(
                ran - atCancel <= MAX_BATCH + 1,
                "after the cancellation the model ran " + (ran - atCancel) + " more images");
    }

    @Test
    void anUnhurriedCallRunsEveryImage() {
        long before = model.samplesRun();
        EmbedResponse r = FeatureServiceGrpc.newBlockingStub(server.channel)
                .withDeadlineAfter(60, TimeUnit.SECONDS)
                .embed(slow);
        assertEquals(IMAGES, r.getResultsCount());
        assertEquals(before + IMAGES, model.samplesRun());
    }

    /** The run count once the server has stopped working on the call. */
    private long settledRuns() throws InterruptedException {
        long last = -1;
        long now = model.samplesRun();
        while (now != last) {
            last = now;
            Thread.sleep(300);
            now = model.samplesRun();
        }
        return now;
    }
}
