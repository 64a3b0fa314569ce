package io.byol4j.grpc;

import io.byol4j.grpc.v1.FeatureServiceGrpc;
import io.byol4j.sdk.encoder.Encoder;
import io.grpc.BindableService;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * A gRPC server that serves one {@link Encoder} through {@code byol4j.v1.FeatureService}, with the
 * standard health service ({@code grpc.health.v1.Health}) and server reflection. {@link #close()} drains
 * in-flight calls for up to the grace period, then stops; the encoder stays owned by the caller.
 */
public final class FeatureServer implements AutoCloseable {

    /** Images accepted in one Embed call unless configured otherwise. */
    public static final int DEFAULT_MAX_IMAGES_PER_REQUEST = 256;

    private final Server server;
    private final HealthStatusManager health;
    private final long graceSeconds;

    private FeatureServer(Server server, HealthStatusManager health, long graceSeconds) {
        this.server = server;
        this.health = health;
        this.graceSeconds = graceSeconds;
    }

    /** Starts serving on {@code port} (0 picks a free port) on all interfaces. */
    public static FeatureServer start(Encoder encoder, int port, int maxImagesPerRequest) throws IOException {
        ServerBuilder<?> builder = Grpc.newServerBuilderForPort(port, InsecureServerCredentials.create())
                .maxInboundMessageSize(64 * 1024 * 1024);
        return start(builder, encoder, maxImagesPerRequest);
    }

    /** Starts serving with a caller-supplied builder, e.g. an in-process one for tests. */
    public static FeatureServer start(ServerBuilder<?> builder, Encoder encoder, int maxImagesPerRequest)
            throws IOException {
        HealthStatusManager health = new HealthStatusManager();
        BindableService features = new FeatureServiceImpl(encoder, maxImagesPerRequest);
        Server server = builder
                .addService(features)
                .addService(health.getHealthService())
                .addService(ProtoReflectionServiceV1.newInstance())
                .build()
                .start();
        health.setStatus("", ServingStatus.SERVING);
        health.setStatus(FeatureServiceGrpc.SERVICE_NAME, ServingStatus.SERVING);
        return new FeatureServer(server, health, 10);
    }

    /** The port the server listens on (-1 for in-process servers). */
    public int port() {
        return server.getPort();
    }

    /** Blocks until the server terminates. */
    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    /** Marks the server NOT_SERVING, drains in-flight calls for the grace period, then stops. */
    @Override
    public void close() throws InterruptedException {
        health.enterTerminalState();
        server.shutdown();
        if (!server.awaitTermination(graceSeconds, TimeUnit.SECONDS)) {
            server.shutdownNow();
            server.awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
