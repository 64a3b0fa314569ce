package io.byol4j.grpc.metrics;

import java.io.IOException;

/**
 * Prometheus scrape endpoint ({@code GET /metrics}) over plain HTTP on its own port. CONTRACT SKELETON:
 * being implemented with the Prometheus Java client's HTTP server.
 */
public final class MetricsEndpoint implements AutoCloseable {

    private MetricsEndpoint() {}

    /** Serves {@code metrics} on {@code host:port} (port 0 picks a free one). */
    public static MetricsEndpoint start(ServerMetrics metrics, String host, int port) throws IOException {
        throw new UnsupportedOperationException("metrics endpoint is being implemented");
    }

    /** The port it listens on. */
    public int port() {
        return -1;
    }

    @Override
    public void close() {}
}
