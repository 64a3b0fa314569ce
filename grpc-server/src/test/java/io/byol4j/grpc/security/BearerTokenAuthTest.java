package io.byol4j.grpc.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.byol4j.grpc.InferenceServer;
import io.byol4j.grpc.metrics.MetricsEndpoint;
import io.byol4j.grpc.metrics.ServerMetrics;
import io.byol4j.grpc.testing.PrometheusScrape;
import io.byol4j.grpc.testing.TestServers;
import io.byol4j.grpc.v1.FeatureServiceGrpc;
import io.byol4j.grpc.v1.GetModelInfoRequest;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BearerTokenAuthTest {

    private static final String TOKEN_A = "s3cr3t-token-A_0123456789";
    private static final String TOKEN_B = "another.token~B";

    @TempDir
    Path dir;

    private InferenceServer server;
    private ManagedChannel channel;

    private Path tokenFile(String content) throws IOException {
        Path f = dir.resolve("tokens");
        Files.writeString(f, content);
        return f;
    }

    private void serve(BearerTokenAuth auth) throws Exception {
        String name = InProcessServerBuilder.generateName();
        server = TestServers.over(InProcessServerBuilder.forName(name), TestServers.tinyModel(dir), auth);
        channel = InProcessChannelBuilder.forName(name).build();
    }

    @AfterEach
    void stop() throws Exception {
        if (channel != null) {
            channel.shutdownNow();
            server.close();
        }
    }

    private Channel withAuthorization(String value) {
        Metadata h = new Metadata();
        h.put(BearerTokenAuth.AUTHORIZATION, value);
        return ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(h));
    }

    private static int modelInfo(Channel c) {
        return FeatureServiceGrpc.newBlockingStub(c)
                .getModelInfo(GetModelInfoRequest.getDefaultInstance())
                .getEmbeddingDim();
    }

    private static Status refusal(Channel c) {
        return assertThrows(StatusRuntimeException.class, () -> modelInfo(c)).getStatus();
    }

    @Test
    void missingWrongAndRightTokens() throws Exception {
        serve(BearerTokenAuth.fromFile(tokenFile("# service tokens\n\n" + TOKEN_A + "\n  " + TOKEN_B + "  \n")));

        Status missing = refusal(channel);
        assertEquals(Status.Code.UNAUTHENTICATED, missing.getCode());
        assertTrue(missing.getDescription().contains("missing 'authorization' metadata"), missing.getDescription());

        Status wrong = refusal(withAuthorization("Bearer " + TOKEN_A + "x"));
        assertEquals(Status.Code.UNAUTHENTICATED, wrong.getCode());
        assertTrue(wrong.getDescription().contains("not accepted"), wrong.getDescription());
        assertFalse(wrong.getDescription().contains(TOKEN_A), "a refusal never echoes a token");

        assertEquals(
                Status.Code.UNAUTHENTICATED,
                refusal(withAuthorization("Bearer " + TOKEN_A.substring(1))).getCode());
        assertEquals(
                Status.Code.UNAUTHENTICATED,
                refusal(withAuthorization("Bearer ")).getCode());
        assertEquals(
                Status.Code.UNAUTHENTICATED,
                refusal(withAuthorization("Bearer # service tokens")).getCode());

        Status basic = refusal(withAuthorization("Basic " + TOKEN_A));
        assertEquals(Status.Code.UNAUTHENTICATED, basic.getCode());
        assertTrue(basic.getDescription().contains("not a Bearer token"), basic.getDescription());

        assertEquals(8, modelInfo(withAuthorization("Bearer " + TOKEN_A)));
        assertEquals(8, modelInfo(withAuthorization("Bearer " + TOKEN_B)));
        assertEquals(8, modelInfo(withAuthorization("bearer " + TOKEN_B)), "the scheme is case-insensitive");
    }

    @Test
    void healthIsOpenWithoutAToken() throws Exception {
        serve(BearerTokenAuth.fromFile(tokenFile(TOKEN_A)));
        assertEquals(
                ServingStatus.SERVING,
                HealthGrpc.newBlockingStub(channel)
                        .check(HealthCheckRequest.newBuilder()
                                .setService(FeatureServiceGrpc.SERVICE_NAME)
                                .build())
                        .getStatus());
    }

    @Test
    void reflectionNeedsAToken() throws Exception {
        serve(BearerTokenAuth.fromFile(tokenFile(TOKEN_A)));
        CompletableFuture<ServerReflectionResponse> without = listServices(channel);
        Throwable e = assertThrows(Exception.class, () -> without.get(5, TimeUnit.SECONDS))
                .getCause();
        assertEquals(Status.Code.UNAUTHENTICATED, Status.fromThrowable(e).getCode());

        ServerReflectionResponse with =
                listServices(withAuthorization("Bearer " + TOKEN_A)).get(5, TimeUnit.SECONDS);
        assertTrue(with.getListServicesResponse().getServiceList().stream()
                .anyMatch(s -> s.getName().equals(FeatureServiceGrpc.SERVICE_NAME)));
    }

    private static CompletableFuture<ServerReflectionResponse> listServices(Channel c) {
        CompletableFuture<ServerReflectionResponse> out = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(c)
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse r) {
                        out.complete(r);
                    }

                    @Override
                    public void onError(Throwable t) {
                        out.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        out.completeExceptionally(new IllegalStateException("no response"));
                    }
                });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        requests.onCompleted();
        return out;
    }

    @Test
    void changedTokenFileTakesEffectAndABrokenOneKeepsTheOldTokens() throws Exception {
        Path file = tokenFile(TOKEN_A + "\n");
        serve(BearerTokenAuth.fromFile(file, 0));
        assertEquals(8, modelInfo(withAuthorization("Bearer " + TOKEN_A)));

        Files.writeString(file, TOKEN_B + "\n");
        assertEquals(
                Status.Code.UNAUTHENTICATED,
                refusal(withAuthorization("Bearer " + TOKEN_A)).getCode());
        assertEquals(8, modelInfo(withAuthorization("Bearer " + TOKEN_B)));

        Files.writeString(file, "# emptied by mistake\n");
        assertEquals(8, modelInfo(withAuthorization("Bearer " + TOKEN_B)), "an empty file keeps the previous tokens");
        Files.delete(file);
        assertEquals(8, modelInfo(withAuthorization("Bearer " + TOKEN_B)), "a deleted file keeps the previous tokens");
    }

    @Test
    void refusalsAreCountedInTheMetrics() throws Exception {
        ServerMetrics metrics = ServerMetrics.create();
        serve(BearerTokenAuth.fromFile(tokenFile(TOKEN_A)).reportingTo(metrics));
        refusal(channel);
        refusal(withAuthorization("Bearer nope"));
        modelInfo(withAuthorization("Bearer " + TOKEN_A));
        try (MetricsEndpoint endpoint = MetricsEndpoint.start(metrics, "127.0.0.1", 0)) {
            assertEquals(
                    2,
                    PrometheusScrape.get("127.0.0.1", endpoint.port())
                            .value("byol4j_refusals_total", "model", "", "limit", "auth"));
        }
    }

    @Test
    void badTokenFilesAreClearErrorsThatDoNotEchoTheSecret() throws Exception {
        Path missing = dir.resolve("absent");
        IOException m = assertThrows(IOException.class, () -> BearerTokenAuth.fromFile(missing));
        assertTrue(m.getMessage().contains("token file " + missing + ": file not found"), m.getMessage());

        IOException empty =
                assertThrows(IOException.class, () -> BearerTokenAuth.fromFile(tokenFile("# nothing yet\n\n")));
        assertTrue(empty.getMessage().contains("no tokens"), empty.getMessage());

        IOException spaced =
                assertThrows(IOException.class, () -> BearerTokenAuth.fromFile(tokenFile(TOKEN_A + "\nhalf secret\n")));
        assertTrue(spaced.getMessage().contains("line 2"), spaced.getMessage());
        assertFalse(spaced.getMessage().contains("secret"), spaced.getMessage());

        assertEquals(
                2,
                BearerTokenAuth.fromFile(tokenFile(TOKEN_A + "\r\n#x\r\n" + TOKEN_B + "\r\n"))
                        .tokenCount());
    }
}
