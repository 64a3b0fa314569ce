package io.byol4j.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import inference.GRPCInferenceServiceGrpc;
import inference.ModelInferRequest;
import inference.ModelInferRequest.InferInputTensor;
import inference.ModelInferResponse;
import io.byol4j.grpc.limits.Limits;
import io.byol4j.grpc.security.TlsSettings;
import io.byol4j.grpc.v1.EmbedRequest;
import io.byol4j.grpc.v1.FeatureServiceGrpc;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The server on a real loopback socket: both services, the message limit, bind rules, auth and TLS wiring. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SocketServerTest {

    private static final Metadata.Key<String> AUTH = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    @TempDir
    Path tmp;

    private InferenceServer start(Limits limits, ServerInterceptor auth) throws IOException {
        return InferenceServer.builder(
                        TestServer.repository(TestServer.headModel(tmp, "head.onnx"), TestServer.batching(8, 64)))
                .address("127.0.0.1", 0)
                .limits(limits)
                .auth(auth)
                .start();
    }

    private static ManagedChannel channel(InferenceServer server) {
        return Grpc.newChannelBuilderForAddress("127.0.0.1", server.port(), InsecureChannelCredentials.create())
                .build();
    }

    @Test
    void bothServicesAnswerOverTcpAndTheMessageLimitHolds() throws Exception {
        Limits limits = new Limits(64 * 1024, 16, 1_000_000, 1_000_000, Duration.ofSeconds(5), 8);
        InferenceServer server = start(limits, null);
        ManagedChannel channel = channel(server);
        java.util.List<java.util.logging.LogRecord> traces = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler catcher = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                if (record.getThrown() != null) {
                    traces.add(record);
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        java.util.logging.Logger grpcLogger = java.util.logging.Logger.getLogger("io.grpc");
        grpcLogger.addHandler(catcher);
        try {
            assertTrue(server.plaintext());
            assertTrue(server.port() > 0);
            byte[] png = TestServer.png(20, 20, 1);
            ByteBuffer raw = ByteBuffer.allocate(png.length + 4)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .putInt(png.length)
                    .put(png);
            ModelInferResponse r = GRPCInferenceServiceGrpc.newBlockingStub(channel)
                    .modelInfer(ModelInferRequest.newBuilder()
                            .setModelName("head")
                            .setId("tcp")
                            .addInputs(InferInputTensor.newBuilder()
                                    .setName("encoded_images")
                                    .setDatatype("BYTES")
                                    .addShape(1))
                            .addRawInputContents(ByteString.copyFrom(raw.array()))
                            .build());
            assertEquals("tcp", r.getId());
            assertEquals(2, r.getRawOutputContentsCount());
            assertEquals(8 * 4, r.getRawOutputContents(0).size());
            var features = FeatureServiceGrpc.newBlockingStub(channel);
            assertEquals(
                    8,
                    features.embed(EmbedRequest.newBuilder()
                                    .addImages(ByteString.copyFrom(png))
                                    .build())
                            .getResults(0)
                            .getFeaturesCount());
            StatusRuntimeException tooBig = assertThrows(
                    StatusRuntimeException.class,
                    () -> features.embed(EmbedRequest.newBuilder()
                            .addImages(ByteString.copyFrom(new byte[100_000]))
                            .build()));
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, tooBig.getStatus().getCode());
            assertTrue(
                    tooBig.getStatus().getDescription().contains("65536"),
                    tooBig.getStatus().getDescription());
            assertEquals(
                    java.util.List.of(),
                    traces.stream().map(java.util.logging.LogRecord::getMessage).toList(),
                    "an oversize request logs one line, not a stack trace");
        } finally {
            grpcLogger.removeHandler(catcher);
            channel.shutdownNow();
            server.close();
        }
    }

    @Test
    void theAuthInterceptorIsConsultedForEveryCall() throws Exception {
        AtomicInteger consulted = new AtomicInteger();
        ServerInterceptor auth = new ServerInterceptor() {
            @Override
            public <Q, A> ServerCall.Listener<Q> interceptCall(
                    ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
                consulted.incrementAndGet();
                boolean health = call.getMethodDescriptor().getServiceName().equals(HealthGrpc.SERVICE_NAME);
                if (!health && !"Bearer right".equals(headers.get(AUTH))) {
                    call.close(Status.UNAUTHENTICATED.withDescription("no valid token"), new Metadata());
                    return new ServerCall.Listener<>() {};
                }
                return next.startCall(call, headers);
            }
        };
        InferenceServer server = start(Limits.defaults(), auth);
        ManagedChannel channel = channel(server);
        try {
            EmbedRequest request = EmbedRequest.newBuilder()
                    .addImages(ByteString.copyFrom(TestServer.png(8, 8, 1)))
                    .build();
            StatusRuntimeException e = assertThrows(
                    StatusRuntimeException.class,
                    () -> FeatureServiceGrpc.newBlockingStub(channel).embed(request));
            assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
            Metadata headers = new Metadata();
            headers.put(AUTH, "Bearer right");
            assertEquals(
                    8,
                    FeatureServiceGrpc.newBlockingStub(channel)
                            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                            .embed(request)
                            .getResults(0)
                            .getFeaturesCount());
            assertEquals(
                    ServingStatus.SERVING,
                    HealthGrpc.newBlockingStub(channel)
                            .check(HealthCheckRequest.getDefaultInstance())
                            .getStatus());
            assertEquals(3, consulted.get());
        } finally {
            channel.shutdownNow();
            server.close();
        }
    }

    @Test
    void plainTextOnANonLoopbackAddressIsRefusedUnlessAllowed() throws Exception {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> InferenceServer.builder(
                                TestServer.repository(TestServer.plainModel(tmp, "m.onnx"), TestServer.batching(4, 64)))
                        .address("0.0.0.0", 0)
                        .listen());
        assertTrue(e.getMessage().contains("--allow-plaintext-remote"), e.getMessage());
    }

    @Test
    void tlsSettingsAreAskedForTheServerCredentials() throws Exception {
        // Wiring only: the TLS behaviour is TlsSettings' own (tested with it). Missing files must stop
        // the server from starting rather than fall back to plain text.
        TlsSettings tls = new TlsSettings(tmp.resolve("missing-cert.pem"), tmp.resolve("missing-key.pem"), null, false);
        Exception e = assertThrows(
                Exception.class,
                () -> InferenceServer.builder(
                                TestServer.repository(TestServer.plainModel(tmp, "m.onnx"), TestServer.batching(4, 64)))
                        .address("127.0.0.1", 0)
                        .tls(tls)
                        .listen());
        assertTrue(e instanceof IOException || e instanceof UnsupportedOperationException, e.toString());
    }
}
