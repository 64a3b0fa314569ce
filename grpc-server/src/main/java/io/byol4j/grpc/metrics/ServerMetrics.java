package io.byol4j.grpc.metrics;

/**
 * What the server reports about its work, per model. The serving core calls these methods; this
 * class turns them into Prometheus metrics. CONTRACT SKELETON: the method set is fixed, the bodies are
 * being implemented (Prometheus Java client) — until then every call is a no-op.
 */
public final class ServerMetrics {

    private ServerMetrics() {}

    /** Metrics recorded into a fresh registry of their own (one per server). */
    public static ServerMetrics create() {
        return new ServerMetrics();
    }

    /** A call started ({@code method} is the gRPC method's full name, e.g. {@code inference.GRPCInferenceService/ModelInfer}). */
    public void callStarted(String model, String method) {}

    /** A call ended with {@code outcome} (a gRPC status code name such as {@code OK} or {@code RESOURCE_EXHAUSTED}). */
    public void callFinished(String model, String method, String outcome, long totalNanos) {}

    /** A limit refused work; {@code limit} names it (e.g. {@code max_images_per_request}). */
    public void refused(String model, String limit) {}

    /** One batch went through the model: its size, how long its oldest item waited, how long the run took. */
    public void batchRun(String model, int batchSize, long queueNanos, long computeNanos) {}

    /** Images turned into outputs (successes only). */
    public void imagesInferred(String model, int count) {}

    /** Items waiting in the model's batching queue right now. */
    public void queueDepth(String model, int depth) {}

    /** Decoded pixels currently held by calls in flight, across all models. */
    public void pixelsInFlight(long pixels) {}
}
