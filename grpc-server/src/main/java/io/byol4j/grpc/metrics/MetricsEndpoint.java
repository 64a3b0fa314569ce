package io.byol4j.grpc.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.util.Objects;

/**
 * Prometheus scrape endpoint: {@code GET /metrics} answers the metrics of one {@link ServerMetrics} in the
 * Prometheus text format (or OpenMetrics / protobuf when the scraper asks for them), over plain HTTP on its own
 * host and port, served by the Prometheus Java client's HTTP server on its own daemon threads. {@code /-/healthy}
 * answers 200. It has no authentication: bind it to loopback or a private interface.
 */
public final class MetricsEndpoint implements AutoCloseable {

    private final HTTPServer server;

    private MetricsEndpoint(HTTPServer server) {
        this.server = server;
    }

    /**
     * Serves {@code metrics} on {@code host:port} (port 0 picks a free one).
     *
     * @throws IOException naming the address when it cannot be bound (in use, no such interface, no permission)
     */
    public static MetricsEndpoint start(ServerMetrics metrics, String host, int port) throws IOException {
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(host, "host");
        try {
            return new MetricsEndpoint(HTTPServer.builder()
                    .hostname(host)
                    .port(port)
                    .registry(metrics.registry())
                    .buildAndStart());
        } catch (IOException e) {
            throw new IOException("metrics endpoint: cannot listen on " + host + ":" + port + " (" + e + ")", e);
        }
    }

    /** The port it listens on. */
    public int port() {
        return server.getPort();
    }

    /** Stops listening; an in-flight scrape may be cut short. Idempotent. */
    @Override
    public void close() {
        server.close();
    }
}
