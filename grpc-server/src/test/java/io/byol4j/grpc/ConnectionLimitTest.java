package io.byol4j.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.ByteString;
import inference.GRPCInferenceServiceGrpc;
import inference.ServerLiveRequest;
import io.byol4j.grpc.limits.Limits;
import io.byol4j.grpc.limits.PixelBudget;
import io.byol4j.grpc.metrics.ServerMetrics;
import io.byol4j.grpc.model.ModelRepository;
import io.byol4j.grpc.testing.Await;
import io.byol4j.grpc.v1.EmbedRequest;
import io.byol4j.grpc.v1.EmbedResponse;
import io.byol4j.grpc.v1.FeatureServiceGrpc;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Over a real socket: one connection that opens many streams cannot take every inference slot, so a
 * second client still gets served. Calls are held in the decoding budget (taken by the test), so what is
 * observed is which calls the server admitted, never how fast.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConnectionLimitTest {

    private static final int MAX_CALLS = 4;
    private static final int HOSTILE_CALLS = 50;

    @TempDir
    Path tmp;

    private InferenceServer server(int perConnection) throws Exception {
        Limits limits = TestServer.limits(8, 100_000, 100_000, Duration.ofSeconds(600), MAX_CALLS);
        return InferenceServer.builder(ModelRepository.ofFile(
                        TestServer.plainModel(tmp, "m.onnx"), null, TestServer.batching(4, 64), ServerMetrics.create()))
                .address("127.0.0.1", 0)
                .limits(limits)
                .maxCallsPerConnection(perConnection)
                .grace(Duration.ofSeconds(60))
                .start();
    }

    private static ManagedChannel connect(InferenceServer server) {
        ManagedChannel channel = Grpc.newChannelBuilderForAddress(
                        "127.0.0.1", server.port(), InsecureChannelCredentials.create())
                .build();
        // One call first, so that the connection is up and has the server's HTTP/2 settings.
        GRPCInferenceServiceGrpc.newBlockingStub(channel).serverLive(ServerLiveRequest.getDefaultInstance());
        return channel;
    }

    private static final EmbedRequest REQUEST = EmbedRequest.newBuilder()
            .addImages(ByteString.copyFrom(TestServer.png(16, 16, 3)))
            .build();

    @Test
    void oneConnectionCannotTakeEverySlot() throws Exception {
        try (InferenceServer server = server(0)) {
            int perConnection =
                    InferenceServer.Builder.callsPerConnection(server.pipeline().limits(), 0);
            assertEquals(2, perConnection, "the default: half of max_concurrent_calls");
            ManagedChannel hostile = connect(server);
            ManagedChannel other = connect(server);
            List<ListenableFuture<EmbedResponse>> flood = new ArrayList<>();
            try {
                ListenableFuture<EmbedResponse> served;
                try (PixelBudget.Reservation hold = server.pipeline().budget().reserve(100_000, 0)) {
                    var hostileStub = FeatureServiceGrpc.newFutureStub(hostile);
                    for (int i = 0; i < HOSTILE_CALLS; i++) {
                        flood.add(hostileStub.embed(REQUEST));
                    }
                    Await.until("the flooding connection's calls are admitted", () -> server.callsInFlight() == 2);
                    served = FeatureServiceGrpc.newFutureStub(other).embed(REQUEST);
                    Await.until("the other connection's call is admitted", () -> server.callsInFlight() == 3);
                    assertFalse(served.isDone(), "admitted and waiting for the budget, not refused");
                    assertEquals(3, server.callsInFlight(), "the flood still holds only its 2 streams");
                }
                assertEquals("", served.get(60, TimeUnit.SECONDS).getResults(0).getError());
                for (ListenableFuture<EmbedResponse> f : flood) {
                    assertEquals("", f.get(60, TimeUnit.SECONDS).getResults(0).getError(), "queued, then served");
                }
            } finally {
                hostile.shutdownNow();
                other.shutdownNow();
            }
        }
    }

    @Test
    void withoutThePerConnectionLimitTheFloodStarvesOthers() throws Exception {
        try (InferenceServer server = server(MAX_CALLS)) {
            ManagedChannel hostile = connect(server);
            ManagedChannel other = connect(server);
            try {
                try (PixelBudget.Reservation hold = server.pipeline().budget().reserve(100_000, 0)) {
                    var hostileStub = FeatureServiceGrpc.newFutureStub(hostile);
                    for (int i = 0; i < HOSTILE_CALLS; i++) {
                        hostileStub.embed(REQUEST);
                    }
                    Await.until("the flood holds every slot", () -> server.callsInFlight() == MAX_CALLS);
                    ExecutionException e = assertThrows(
                            ExecutionException.class,
                            () -> FeatureServiceGrpc.newFutureStub(other)
                                    .embed(REQUEST)
                                    .get(60, TimeUnit.SECONDS));
                    StatusRuntimeException status = assertInstanceOf(StatusRuntimeException.class, e.getCause());
                    assertEquals(
                            Status.Code.RESOURCE_EXHAUSTED, status.getStatus().getCode());
                    assertTrue(status.getStatus().getDescription().startsWith(Limits.MAX_CONCURRENT_CALLS));
                }
            } finally {
                hostile.shutdownNow();
                other.shutdownNow();
            }
        }
    }
}
