package io.byol4j.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.ByteString;
import io.byol4j.grpc.limits.PixelBudget;
import io.byol4j.grpc.model.ServedModel;
import io.byol4j.grpc.testing.Await;
import io.byol4j.grpc.v1.EmbedRequest;
import io.byol4j.grpc.v1.EmbedResponse;
import io.byol4j.grpc.v1.FeatureServiceGrpc;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A call whose deadline passes, or that its client cancels, stops its work: the model runs no more of it.
 *
 * <p>No timing is assumed. Each call carries {@value #BEFORE_WALL} small images, then a "wall" image that
 * declares the whole decoding budget, then {@value #AFTER_WALL} more small images. The test holds one
 * budget unit, so the small images pass and the call stops at the wall until the test lets go. The
 * deadline passes (or the client cancels) while the call waits there; afterwards the test frees the budget
 * and proves that neither the wall nor any image after it was ever run.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DeadlineAndCancellationTest {

    private static final int BEFORE_WALL = 5;
    private static final int AFTER_WALL = 20;
    private static final int MAX_BATCH = 4;
    private static final long BUDGET = 4_000_000;

    @TempDir
    Path tmp;

    private TestServer server;
    private ServedModel model;
    private PixelBudget budget;
    private EmbedRequest walled;
    private EmbedRequest small;

    @BeforeEach
    void start() throws Exception {
        // The budget wait is far longer than any deadline here: only the deadline or a cancellation ends it.
        server = TestServer.start(
                TestServer.repository(TestServer.plainModel(tmp, "m.onnx"), TestServer.batching(MAX_BATCH, 1024)),
                TestServer.limits(64, BUDGET, BUDGET, Duration.ofSeconds(600), 8));
        model = server.server.models().find("m", "");
        budget = server.server.pipeline().budget();
        EmbedRequest.Builder b = EmbedRequest.newBuilder();
        for (int i = 0; i < BEFORE_WALL; i++) {
            b.addImages(ByteString.copyFrom(TestServer.png(24, 24, i)));
        }
        b.addImages(ByteString.copyFrom(TestServer.flatPng(2000, 2000))); // 4 M pixels: the whole budget
        for (int i = 0; i < AFTER_WALL; i++) {
            b.addImages(ByteString.copyFrom(TestServer.png(24, 24, 100 + i)));
        }
        walled = b.build();
        small = EmbedRequest.newBuilder()
                .addImages(ByteString.copyFrom(TestServer.png(24, 24, 7)))
                .build();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void aPassedDeadlineStopsTheCallAtTheNextImage() throws Exception {
        long ran = runAgainstTheWall(
                "DEADLINE_EXCEEDED",
                stub -> stub.withDeadlineAfter(3, TimeUnit.SECONDS).embed(walled),
                null);
        assertTrue(ran <= BEFORE_WALL, "the model ran " + ran + " images of the call; nothing after the wall may run");
    }

    @Test
    void aCancelledCallStopsItsWork() throws Exception {
        Context.CancellableContext ctx = Context.current().withCancellation();
        long ran = runAgainstTheWall("CANCELLED", stub -> ctx.call(() -> stub.embed(walled)), () -> {
            // Cancel only once every image before the wall has run: the call is then at the wall.
            Await.until("the images before the wall ran", () -> model.samplesRun() >= before + BEFORE_WALL);
            ctx.cancel(null);
        });
        assertEquals(BEFORE_WALL, ran, "the images before the wall ran; the wall and the rest never did");
    }

    @Test
    void anUnhurriedCallRunsEveryImage() {
        long start = model.samplesRun();
        EmbedResponse r = FeatureServiceGrpc.newBlockingStub(server.channel)
                .withDeadlineAfter(60, TimeUnit.SECONDS)
                .embed(walled);
        assertEquals(BEFORE_WALL + 1 + AFTER_WALL, r.getResultsCount());
        assertEquals("", r.getResults(BEFORE_WALL).getError(), "with the budget free the wall image is served");
        assertEquals(start + BEFORE_WALL + 1 + AFTER_WALL, model.samplesRun());
    }

    private long before;

    /** Something the test does while the call waits at the wall. */
    private interface WhileWaiting {
        void run() throws Exception;
    }

    /** A call made through the future stub; returns what the client got. */
    private interface Caller {
        Object call(FeatureServiceGrpc.FeatureServiceFutureStub stub) throws Exception;
    }

    /**
     * Runs {@code caller}'s call against the wall, expects it to end with {@code outcome}, then frees the
     * budget and returns how many images of the call the model ran once the server is done with it.
     */
    private long runAgainstTheWall(String outcome, Caller caller, WhileWaiting whileWaiting) throws Exception {
        before = model.samplesRun();
        long finishedBefore = server.finished(outcome);
        try (PixelBudget.Reservation hold = budget.reserve(1, 0)) {
            Object answer = caller.call(FeatureServiceGrpc.newFutureStub(server.channel));
            if (whileWaiting != null) {
                whileWaiting.run();
            }
            ExecutionException e = assertThrows(
                    ExecutionException.class, () -> ((ListenableFuture<?>) answer).get(60, TimeUnit.SECONDS));
            StatusRuntimeException status = assertInstanceOf(StatusRuntimeException.class, e.getCause());
            assertEquals(outcome, status.getStatus().getCode().name());
            // The server answers the call itself once its handler has stopped (not only the client's view).
            Await.until(
                    "the server finished the call with " + outcome, () -> server.finished(outcome) > finishedBefore);
        }
        // The budget is free again: were the call still working, it would now decode the wall and go on.
        // A later call settles the batcher (one worker, first come first served): once it is answered,
        // every sample queued before it has run or was withdrawn.
        Function<FeatureServiceGrpc.FeatureServiceBlockingStub, EmbedResponse> settle = s -> s.embed(small);
        assertEquals(
                "",
                settle.apply(FeatureServiceGrpc.newBlockingStub(server.channel).withDeadlineAfter(60, TimeUnit.SECONDS))
                        .getResults(0)
                        .getError());
        assertEquals(0, budget.held(), "every reservation was returned");
        assertEquals(Status.Code.valueOf(outcome).name(), outcome);
        return model.samplesRun() - before - 1;
    }
}
