package io.byol4j.sdkbench.serve;

import io.byol4j.grpc.InferenceServer;
import io.byol4j.grpc.limits.Limits;
import io.byol4j.grpc.metrics.ServerMetrics;
import io.byol4j.grpc.model.ModelOptions;
import io.byol4j.grpc.model.ModelRepository;
import io.byol4j.grpc.model.ServedModel;
import io.byol4j.sdk.encoder.BatcherOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/** The byol4j {@link InferenceServer} on a real loopback socket, with or without dynamic batching. */
final class ServerUnderTest implements AutoCloseable {

    private final InferenceServer server;
    private final String description;

    private ServerUnderTest(InferenceServer server, String description) {
        this.server = server;
        this.description = description;
    }

    /**
     * Starts a server over {@code model}; without {@code batching} each call runs alone. Limits are the defaults
     * except {@code max_concurrent_calls}, which is {@code o.maxConcurrentCalls()}.
     */
    static ServerUnderTest start(Path model, boolean batching, LoadOptions o) throws IOException {
        BatcherOptions batcher = ServeLoad.batcherOptions(o);
        Limits d = Limits.defaults();
        Limits limits = new Limits(
                d.maxMessageBytes(),
                d.maxImagesPerRequest(),
                d.maxPixelsPerImage(),
                d.maxPixelsInFlight(),
                d.maxBudgetWait(),
                o.maxConcurrentCalls());
        ServerMetrics metrics = ServerMetrics.create();
        InferenceServer server = InferenceServer.builder(ModelRepository.ofFile(
                        model, null, new ModelOptions(batching ? 0 : o.unbatchedThreads(), batching, batcher), metrics))
                .address("127.0.0.1", 0)
                .limits(limits)
                .metrics(metrics)
                .grace(Duration.ofSeconds(10))
                .start();
        String description = batching
                ? String.format(
                        Locale.ROOT,
                        "dynamic batching (max batch %d, max delay %.1f ms, queue %d, %d worker)",
                        batcher.maxBatchSize(),
                        batcher.maxQueueDelay().toNanos() / 1e6,
                        batcher.queueCapacity(),
                        batcher.workers())
                : "no batching (each image runs alone on its call's thread; ONNX Runtime intra-op threads "
                        + (o.unbatchedThreads() == 0 ? "default" : Integer.toString(o.unbatchedThreads())) + ")";
        return new ServerUnderTest(server, description);
    }

    int port() {
        return server.port();
    }

    /** Images waiting in the server's batching queues right now. */
    long queueDepth() {
        long n = 0;
        for (ServedModel m : server.models().models()) {
            n += m.queued();
        }
        return n;
    }

    String description() {
        return description;
    }

    @Override
    public void close() throws InterruptedException {
        server.close();
    }
}
