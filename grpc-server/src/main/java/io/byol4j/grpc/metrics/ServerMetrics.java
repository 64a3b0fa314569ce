package io.byol4j.grpc.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the server reports about its work, per model, as Prometheus metrics (Prometheus Java client 1.x). The
 * serving core calls these methods; {@link MetricsEndpoint} serves them. Every instance records into a registry of
 * its own, so several servers in one JVM do not mix their numbers.
 *
 * <p>Metrics (label {@code model} is the served model's name; empty for calls that name no model, such as
 * server-level or refused-before-routing calls):
 * <ul>
 *   <li>{@code byol4j_requests_total{model,method,outcome}}: finished calls by gRPC status code name;</li>
 *   <li>{@code byol4j_requests_in_flight{model,method}}: calls started and not yet finished;</li>
 *   <li>{@code byol4j_request_duration_seconds{model,method}}: total call latency (histogram);</li>
 *   <li>{@code byol4j_images_inferred_total{model}}: images turned into outputs;</li>
 *   <li>{@code byol4j_batch_size{model}}: images per model run (histogram, buckets 1 ... 512);</li>
 *   <li>{@code byol4j_batch_queue_seconds{model}}, {@code byol4j_batch_compute_seconds{model}}: how long a batch's
 *       oldest item waited, how long the model run took (histograms);</li>
 *   <li>{@code byol4j_queue_depth{model}}: items waiting in the batching queue;</li>
 *   <li>{@code byol4j_image_decode_seconds{model}}: decoding and preprocessing one image (histogram, buckets from
 *       50 µs);</li>
 *   <li>{@code byol4j_call_stage_seconds{method,stage}}: where an inference call's time goes on the server (histogram,
 *       buckets from 50 µs), one observation per call and stage: {@code parse} (request bytes to message),
 *       {@code decode} (all of the call's images), {@code model} (waiting for the results: queueing plus the model
 *       run), {@code respond} (serialising the response and handing it to the transport);</li>
 *   <li>{@code byol4j_pixels_in_flight}: decoded pixels held by calls in flight, all models;</li>
 *   <li>{@code byol4j_refusals_total{model,limit}}: work refused, by the limit that refused it;</li>
 *   <li>{@code byol4j_model_device_info{model,version,device}}: one series (value 1) per loaded model version, naming
 *       the device it actually runs on ({@code cpu} or {@code gpu:N}); it goes when the version is closed.</li>
 * </ul>
 * Latency histograms have buckets from 1 ms to 10 s. All methods are thread-safe, cheap and never throw for any
 * label value (null becomes the empty string).
 */
public final class ServerMetrics {

    /** Latency buckets in seconds: 1 ms to 10 s, about three per decade. */
    static final double[] LATENCY_BUCKETS = {0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10};
    /** Stage buckets in seconds: 50 µs to 10 s (a small image decodes in well under a millisecond). */
    static final double[] STAGE_BUCKETS = {
        0.00005, 0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10
    };
    /** Stage names of {@code byol4j_call_stage_seconds}. */
    public static final String STAGE_PARSE = "parse";
    /** Decoding and preprocessing all of a call's images. */
    public static final String STAGE_DECODE = "decode";
    /** Waiting for the model's results (queueing plus the run). */
    public static final String STAGE_MODEL = "model";
    /** Serialising the response and handing it to the transport. */
    public static final String STAGE_RESPOND = "respond";
    /** Batch-size buckets: powers of two. */
    static final double[] BATCH_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512};

    private static final double NANOS_PER_SECOND = 1e9;

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests = Counter.builder()
            .name("byol4j_requests_total")
            .help("Finished calls by model, gRPC method and outcome (gRPC status code)")
            .labelNames("model", "method", "outcome")
            .register(registry);
    private final Gauge inFlight = Gauge.builder()
            .name("byol4j_requests_in_flight")
            .help("Calls started and not yet finished")
            .labelNames("model", "method")
            .register(registry);
    private final Histogram requestSeconds = latency(
            "byol4j_request_duration_seconds",
            "Total call latency, from start to the last response",
            "model",
            "method");
    private final Counter images = Counter.builder()
            .name("byol4j_images_inferred_total")
            .help("Images turned into outputs (successes only)")
            .labelNames("model")
            .register(registry);
    private final Histogram batchSize = Histogram.builder()
            .name("byol4j_batch_size")
            .help("Images per model run")
            .classicOnly()
            .classicUpperBounds(BATCH_BUCKETS)
            .labelNames("model")
            .register(registry);
    private final Histogram queueSeconds =
            latency("byol4j_batch_queue_seconds", "How long the oldest item of a batch waited in the queue", "model");
    private final Histogram computeSeconds =
            latency("byol4j_batch_compute_seconds", "How long one model run took", "model");
    private final Gauge queueDepth = Gauge.builder()
            .name("byol4j_queue_depth")
            .help("Items waiting in the model's batching queue")
            .labelNames("model")
            .register(registry);
    private final Histogram decodeSeconds = Histogram.builder()
            .name("byol4j_image_decode_seconds")
            .help("Decoding and preprocessing one image (seconds)")
            .classicOnly()
            .classicUpperBounds(STAGE_BUCKETS)
            .labelNames("model")
            .register(registry);
    private final Histogram stageSeconds = Histogram.builder()
            .name("byol4j_call_stage_seconds")
            .help("Time of one inference call in one stage on the server: parse, decode, model, respond (seconds)")
            .classicOnly()
            .classicUpperBounds(STAGE_BUCKETS)
            .labelNames("method", "stage")
            .register(registry);
    private final Gauge pixels = Gauge.builder()
            .name("byol4j_pixels_in_flight")
            .help("Decoded pixels held by calls in flight, across all models")
            .register(registry);
    private final Counter refusals = Counter.builder()
            .name("byol4j_refusals_total")
            .help("Work refused, by the limit that refused it")
            .labelNames("model", "limit")
            .register(registry);

    private final Info deviceInfo = Info.builder()
            .name("byol4j_model_device")
            .help("The device a loaded model version runs on (cpu or gpu:N)")
            .labelNames("model", "version", "device")
            .register(registry);
    /** Loaded copies per device-info series: a reload opens the new copy before the old one closes. */
    private final Map<List<String>, Integer> deviceCopies = new HashMap<>();

    private ServerMetrics() {}

    /** Metrics recorded into a fresh registry of their own (one per server). */
    public static ServerMetrics create() {
        return new ServerMetrics();
    }

    /** The registry these metrics live in (for an endpoint, or to add metrics of one's own). */
    public PrometheusRegistry registry() {
        return registry;
    }

    /** A call started ({@code method} is the gRPC method's full name, e.g. {@code inference.GRPCInferenceService/ModelInfer}). */
    public void callStarted(String model, String method) {
        inFlight.labelValues(label(model), label(method)).inc();
    }

    /** A call ended with {@code outcome} (a gRPC status code name such as {@code OK} or {@code RESOURCE_EXHAUSTED}). */
    public void callFinished(String model, String method, String outcome, long totalNanos) {
        inFlight.labelValues(label(model), label(method)).dec();
        requests.labelValues(label(model), label(method), label(outcome)).inc();
        requestSeconds.labelValues(label(model), label(method)).observe(totalNanos / NANOS_PER_SECOND);
    }

    /** A limit refused work; {@code limit} names it (e.g. {@code max_images_per_request}). */
    public void refused(String model, String limit) {
        refusals.labelValues(label(model), label(limit)).inc();
    }

    /** One batch went through the model: its size, how long its oldest item waited, how long the run took. */
    public void batchRun(String model, int batchSize, long queueNanos, long computeNanos) {
        String m = label(model);
        this.batchSize.labelValues(m).observe(batchSize);
        queueSeconds.labelValues(m).observe(queueNanos / NANOS_PER_SECOND);
        computeSeconds.labelValues(m).observe(computeNanos / NANOS_PER_SECOND);
    }

    /** One image of {@code model} was decoded and preprocessed in {@code nanos}. */
    public void imageDecoded(String model, long nanos) {
        decodeSeconds.labelValues(label(model)).observe(nanos / NANOS_PER_SECOND);
    }

    /** One call of {@code method} spent {@code nanos} in {@code stage} (one of the {@code STAGE_} names). */
    public void callStage(String method, String stage, long nanos) {
        stageSeconds.labelValues(label(method), label(stage)).observe(nanos / NANOS_PER_SECOND);
    }

    /** Images turned into outputs (successes only). */
    public void imagesInferred(String model, int count) {
        images.labelValues(label(model)).inc(count);
    }

    /** Items waiting in the model's batching queue right now. */
    public void queueDepth(String model, int depth) {
        queueDepth.labelValues(label(model)).set(depth);
    }

    /** Decoded pixels currently held by calls in flight, across all models. */
    public void pixelsInFlight(long pixels) {
        this.pixels.set((double) pixels); // a gauge is a double; pixel counts stay far below 2^53
    }

    /** A copy of {@code model} version {@code version} was loaded on {@code device} ({@code cpu} or {@code gpu:N}). */
    public synchronized void modelLoaded(String model, String version, String device) {
        List<String> labels = List.of(label(model), label(version), label(device));
        if (deviceCopies.merge(labels, 1, Integer::sum) == 1) {
            deviceInfo.addLabelValues(labels.toArray(String[]::new));
        }
    }

    /** A copy {@link #modelLoaded} reported was closed; the series goes with the last copy. */
    public synchronized void modelClosed(String model, String version, String device) {
        List<String> labels = List.of(label(model), label(version), label(device));
        Integer left = deviceCopies.computeIfPresent(labels, (k, n) -> n > 1 ? n - 1 : null);
        if (left == null) {
            deviceInfo.remove(labels.toArray(String[]::new));
        }
    }

    private Histogram latency(String name, String help, String... labels) {
        return Histogram.builder()
                .name(name)
                .help(help + " (seconds)")
                .classicOnly()
                .classicUpperBounds(LATENCY_BUCKETS)
                .labelNames(labels)
                .register(registry);
    }

    private static String label(String value) {
        return value == null ? "" : value;
    }
}
