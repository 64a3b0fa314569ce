package io.byol4j.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import inference.GRPCInferenceServiceGrpc;
import inference.ServerReadyRequest;
import io.byol4j.grpc.limits.PixelBudget;
import io.byol4j.grpc.model.ServedModel;
import io.byol4j.grpc.testing.Await;
import io.byol4j.grpc.v1.EmbedRequest;
import io.byol4j.grpc.v1.EmbedResponse;
import io.byol4j.grpc.v1.FeatureServiceGrpc;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Health transitions, reflection, malformed messages and graceful shutdown with calls in flight. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LifecycleTest {

    @TempDir
    Path tmp;

    private static ServingStatus health(ManagedChannel channel, String service) {
        return HealthGrpc.newBlockingStub(channel)
                .check(HealthCheckRequest.newBuilder().setService(service).build())
                .getStatus();
    }

    @Test
    void healthIsNotServingUntilTheModelsAreLoadedAndWarmedUp() throws Exception {
        try (TestServer s = TestServer.listen(
                TestServer.repository(TestServer.plainModel(tmp, "m.onnx"), TestServer.batching(4, 64)),
                io.byol4j.grpc.limits.Limits.defaults())) {
            for (String service : List.of("", "inference.GRPCInferenceService", "byol4j.v1.FeatureService")) {
                assertEquals(ServingStatus.NOT_SERVING, health(s.channel, service), service);
            }
            var kserve = GRPCInferenceServiceGrpc.newBlockingStub(s.channel);
            assertFalse(
                    kserve.serverReady(ServerReadyRequest.getDefaultInstance()).getReady());
            StatusRuntimeException e = assertThrows(
                    StatusRuntimeException.class,
                    () -> FeatureServiceGrpc.newBlockingStub(s.channel)
                            .embed(EmbedRequest.newBuilder()
                                    .addImages(ByteString.copyFrom(TestServer.png(8, 8, 1)))
                                    .build()));
            assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode(), "no model is served yet");
            s.server.loadModels();
            ServedModel m = s.server.models().find("m", "");
            assertEquals(1, m.samplesRun(), "warmed up with one batch");
            for (String service : List.of("", "inference.GRPCInferenceService", "byol4j.v1.FeatureService")) {
                assertEquals(ServingStatus.SERVING, health(s.channel, service), service);
            }
            assertTrue(
                    kserve.serverReady(ServerReadyRequest.getDefaultInstance()).getReady());
        }
    }

    @Test
    void reflectionListsBothServices() throws Exception {
        try (TestServer s = TestServer.start(
                TestServer.repository(TestServer.plainModel(tmp, "m.onnx"), TestServer.batching(4, 64)),
                io.byol4j.grpc.limits.Limits.defaults())) {
            CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
            StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(s.channel)
                    .serverReflectionInfo(new StreamObserver<>() {
                        @Override
                        public void onNext(ServerReflectionResponse value) {
                            answer.complete(value);
                        }

                        @Override
                        public void onError(Throwable t) {
                            answer.completeExceptionally(t);
                        }

                        @Override
                        public void onCompleted() {}
                    });
            requests.onNext(
                    ServerReflectionRequest.newBuilder().setListServices("").build());
            List<String> names = new ArrayList<>();
            answer.get(10, TimeUnit.SECONDS)
                    .getListServicesResponse()
                    .getServiceList()
                    .forEach(svc -> names.add(svc.getName()));
            requests.onCompleted();
            assertTrue(names.contains("inference.GRPCInferenceService"), names.toString());
            assertTrue(names.contains("byol4j.v1.FeatureService"), names.toString());
            assertTrue(names.contains("grpc.health.v1.Health"), names.toString());
        }
    }

    @Test
    void aMalformedMessageIsInvalidArgumentWithoutASevereStackTrace() throws Exception {
        List<LogRecord> severe = new ArrayList<>();
        Handler catcher = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.SEVERE.intValue()) {
                    severe.add(record);
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger grpcLogger = Logger.getLogger("io.grpc");
        grpcLogger.addHandler(catcher);
        try (TestServer s = TestServer.start(
                TestServer.repository(TestServer.plainModel(tmp, "m.onnx"), TestServer.batching(4, 64)),
                io.byol4j.grpc.limits.Limits.defaults())) {
            MethodDescriptor.Marshaller<byte[]> bytes = new MethodDescriptor.Marshaller<>() {
                @Override
                public InputStream stream(byte[] value) {
                    return new ByteArrayInputStream(value);
                }

                @Override
                public byte[] parse(InputStream stream) {
                    try {
                        return stream.readAllBytes();
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            };
            for (String method :
                    List.of("byol4j.v1.FeatureService/Embed", "inference.GRPCInferenceService/ModelInfer")) {
                MethodDescriptor<byte[], byte[]> raw = MethodDescriptor.<byte[], byte[]>newBuilder()
                        .setType(MethodDescriptor.MethodType.UNARY)
                        .setFullMethodName(method)
                        .setRequestMarshaller(bytes)
                        .setResponseMarshaller(bytes)
                        .build();
                ClientCall<byte[], byte[]> call = s.channel.newCall(raw, CallOptions.DEFAULT);
                StatusRuntimeException e = assertThrows(
                        StatusRuntimeException.class,
                        () -> ClientCalls.blockingUnaryCall(call, new byte[] {(byte) 0xff, (byte) 0xff, 0x01, 0x02}));
                assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), method + ": " + e.getStatus());
                assertTrue(e.getStatus().getDescription().startsWith("malformed request message"));
            }
            // The server still works afterwards.
            EmbedResponse ok = FeatureServiceGrpc.newBlockingStub(s.channel)
                    .embed(EmbedRequest.newBuilder()
                            .addImages(ByteString.copyFrom(TestServer.png(8, 8, 1)))
                            .build());
            assertEquals(8, ok.getResults(0).getFeaturesCount());
        } finally {
            grpcLogger.removeHandler(catcher);
        }
        assertEquals(List.of(), severe.stream().map(LogRecord::getMessage).toList());
    }

    @Test
    void shutdownGoesNotServingRefusesNewCallsAndLetsCallsInFlightFinish() throws Exception {
        TestServer s = TestServer.start(
                TestServer.repository(TestServer.plainModel(tmp, "m.onnx"), TestServer.batching(4, 64)),
                TestServer.limits(8, 100_000, 100_000, Duration.ofSeconds(600), 8));
        ServedModel model = s.server.models().find("m", "");
        PixelBudget budget = s.server.pipeline().budget();
        EmbedRequest request = EmbedRequest.newBuilder()
                .addImages(ByteString.copyFrom(TestServer.png(16, 16, 5)))
                .build();
        // The health watch is a stream that only its client ends; the server's drain waits for it like for any
        // call, so the watcher closes it once it has seen NOT_SERVING (as a load balancer stops watching).
        Context.CancellableContext watching = Context.current().withCancellation();
        var watch = watching.call(() -> HealthGrpc.newBlockingStub(s.channel)
                .watch(HealthCheckRequest.newBuilder().setService("").build()));
        assertEquals(ServingStatus.SERVING, watch.next().getStatus());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<EmbedResponse>> inFlight = new ArrayList<>();
            Future<?> closing;
            try (PixelBudget.Reservation hold = budget.reserve(100_000, 0)) {
                for (int i = 0; i < 3; i++) {
                    inFlight.add(pool.submit(
                            () -> FeatureServiceGrpc.newBlockingStub(s.channel).embed(request)));
                }
                Await.until("3 calls in flight", () -> s.server.callsInFlight() == 3);
                closing = pool.submit(() -> {
                    s.server.close();
                    return null;
                });
                assertEquals(ServingStatus.NOT_SERVING, watch.next().getStatus(), "draining is NOT_SERVING");
                watching.cancel(null);
                StatusRuntimeException refused = assertThrows(
                        StatusRuntimeException.class,
                        () -> FeatureServiceGrpc.newBlockingStub(s.channel).embed(request));
                assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode());
                assertFalse(closing.isDone(), "close waits for the calls in flight");
            }
            for (Future<EmbedResponse> f : inFlight) {
                assertEquals("", f.get(60, TimeUnit.SECONDS).getResults(0).getError(), "in-flight call finished");
            }
            closing.get(60, TimeUnit.SECONDS);
            assertTrue(model.isClosed(), "the model was closed after its last call");
        } finally {
            pool.shutdownNow();
            s.channel.shutdownNow();
        }
    }
}
