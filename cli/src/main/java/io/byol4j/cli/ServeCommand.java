package io.byol4j.cli;

import io.byol4j.grpc.InferenceServer;
import io.byol4j.grpc.limits.Limits;
import io.byol4j.grpc.metrics.MetricsEndpoint;
import io.byol4j.grpc.metrics.ServerMetrics;
import io.byol4j.grpc.model.ModelOptions;
import io.byol4j.grpc.model.ModelRepository;
import io.byol4j.grpc.model.ServedModel;
import io.byol4j.grpc.model.VersionPolicy;
import io.byol4j.grpc.security.BearerTokenAuth;
import io.byol4j.grpc.security.TlsSettings;
import io.byol4j.sdk.encoder.BatcherOptions;
import io.byol4j.sdk.internal.DeviceRequest;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code byol4j serve}: serves exported models over gRPC (KServe v2 / Open Inference Protocol and
 * FeatureService on one port, health, reflection) until SIGTERM or SIGINT, then drains and exits 0.
 */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Serve exported encoders over gRPC: the KServe v2 / Open Inference Protocol service",
            "(inference.GRPCInferenceService), byol4j.v1.FeatureService, grpc.health.v1 and reflection, on one port.",
            "SIGTERM drains: health goes NOT_SERVING, new calls are refused, calls in flight get --grace-seconds."
        })
final class ServeCommand implements Callable<Integer> {

    /**
     * Configuration of one serve run (defaults sized for a 2-core machine).
     *
     * @param model one .onnx file to serve (or use modelRepository)
     * @param name the model's name; default the file name without .onnx
     * @param modelRepository directory of models, DIR/name/version/model.onnx
     * @param versionPolicy versions of each repository model to serve: latest (= latest:1), latest:N, all or
     *     specific:V1,V2,... (a model's folder may override it with a version_policy file)
     * @param pollSeconds check the repository for new versions every N seconds (0 = only on request)
     * @param host address to bind; plain text is allowed on loopback only unless allowPlaintextRemote
     * @param port TCP port (0 picks a free one)
     * @param allowPlaintextRemote allow plain text on a non-loopback address
     * @param tlsCert PEM certificate chain (with tlsKey: serve TLS)
     * @param tlsKey PEM private key (PKCS#8)
     * @param tlsClientCa PEM CA bundle to verify client certificates with
     * @param tlsRequireClientCert require a client certificate (with tlsClientCa)
     * @param tokens file of bearer tokens, one per line (calls other than health need one)
     * @param metricsPort Prometheus /metrics port (-1 = off)
     * @param metricsHost address of the metrics endpoint
     * @param device where every model version runs: cpu (the default), gpu or gpu:N (CUDA device 0 or N, required:
     *     the server refuses to start without it) or auto (CUDA device 0 when usable, else the CPU with one warning)
     * @param threads ONNX Runtime intra-op threads (0 = runtime default)
     * @param batching batch concurrent requests (false = every request runs alone)
     * @param maxBatchSize most samples in one model run
     * @param maxQueueDelayMs longest wait for a batch to fill (0: each batch takes what queued while the model ran the
     *     previous one; measured as fast or faster than 2 ms at every concurrency, see docs/results/serve)
     * @param queueCapacity most samples waiting per model; more are refused (RESOURCE_EXHAUSTED)
     * @param batchWorkers threads running batches per model
     * @param maxMessageBytes largest request message
     * @param maxImagesPerRequest most images (or tensor samples) per call
     * @param maxPixelsPerImage most pixels one image may declare (checked before decoding)
     * @param maxPixelsInFlight decoded pixels held by all calls at once (about 16 bytes of memory each)
     * @param maxBudgetWaitMs longest wait for room in that budget before RESOURCE_EXHAUSTED
     * @param maxConcurrentCalls inference calls at once; more are refused (RESOURCE_EXHAUSTED)
     * @param maxCallsPerConnection calls one connection may have open at once (0 = half of maxConcurrentCalls);
     *     a client's further calls wait for a free stream
     * @param graceSeconds time calls in flight get to finish on shutdown
     */
    record ServeConfig(
            String model,
            String name,
            String modelRepository,
            String versionPolicy,
            int pollSeconds,
            String host,
            int port,
            boolean allowPlaintextRemote,
            String tlsCert,
            String tlsKey,
            String tlsClientCa,
            boolean tlsRequireClientCert,
            String tokens,
            int metricsPort,
            String metricsHost,
            String device,
            int threads,
            boolean batching,
            int maxBatchSize,
            int maxQueueDelayMs,
            int queueCapacity,
            int batchWorkers,
            int maxMessageBytes,
            int maxImagesPerRequest,
            long maxPixelsPerImage,
            long maxPixelsInFlight,
            long maxBudgetWaitMs,
            int maxConcurrentCalls,
            int maxCallsPerConnection,
            int graceSeconds) {

        /** The limits this configuration sets. */
        Limits limits() {
            return new Limits(
                    maxMessageBytes,
                    maxImagesPerRequest,
                    maxPixelsPerImage,
                    maxPixelsInFlight,
                    Duration.ofMillis(maxBudgetWaitMs),
                    maxConcurrentCalls);
        }

        /** How each model runs. */
        ModelOptions modelOptions() {
            return new ModelOptions(
                    threads,
                    batching,
                    BatcherOptions.builder()
                            .maxBatchSize(maxBatchSize)
                            .maxQueueDelay(Duration.ofMillis(maxQueueDelayMs))
                            .queueCapacity(queueCapacity)
                            .workers(batchWorkers)
                            .build(),
                    false,
                    DeviceRequest.parse(device));
        }
    }

    private static final Limits DEFAULT_LIMITS = Limits.defaults();

    static final ServeConfig DEFAULTS = new ServeConfig(
            null,
            null,
            null,
            VersionPolicy.LATEST.toString(),
            0,
            "127.0.0.1",
            50051,
            false,
            null,
            null,
            null,
            false,
            null,
            -1,
            "127.0.0.1",
            ModelOptions.DEFAULT_DEVICE.toString(),
            0,
            true,
            32,
            0,
            512,
            1,
            DEFAULT_LIMITS.maxMessageBytes(),
            DEFAULT_LIMITS.maxImagesPerRequest(),
            DEFAULT_LIMITS.maxPixelsPerImage(),
            DEFAULT_LIMITS.maxPixelsInFlight(),
            DEFAULT_LIMITS.maxBudgetWait().toMillis(),
            DEFAULT_LIMITS.maxConcurrentCalls(),
            0,
            10);

    @Option(names = "--config", description = "JSON file with the serve configuration (keys as printed at start).")
    Path configFile;

    @Option(names = "--model", description = "The exported .onnx model to serve.")
    String model;

    @Option(names = "--name", description = "Name of the --model (default: its file name without .onnx).")
    String name;

    @Option(names = "--model-repository", description = "Directory of models: DIR/<name>/<version>/model.onnx.")
    String modelRepository;

    @Option(
            names = "--version-policy",
            description = "Versions of each repository model to serve: latest (default, = latest:1), latest:N, all,"
                    + " specific:1,3. A model folder's version_policy file overrides it for that model.")
    String versionPolicy;

    @Option(names = "--poll-seconds", description = "Check the repository for new versions every N s (0 = off).")
    Integer pollSeconds;

    @Option(names = "--host", description = "Address to bind (default 127.0.0.1).")
    String host;

    @Option(names = "--port", description = "TCP port (default 50051; 0 picks a free one).")
    Integer port;

    @Option(names = "--allow-plaintext-remote", description = "Allow plain text on a non-loopback address.")
    Boolean allowPlaintextRemote;

    @Option(names = "--tls-cert", description = "PEM certificate chain: serve TLS (with --tls-key).")
    String tlsCert;

    @Option(names = "--tls-key", description = "PEM private key (PKCS#8).")
    String tlsKey;

    @Option(names = "--tls-client-ca", description = "PEM CA bundle to verify client certificates with.")
    String tlsClientCa;

    @Option(names = "--tls-require-client-cert", description = "Require a client certificate (with --tls-client-ca).")
    Boolean tlsRequireClientCert;

    @Option(names = "--tokens", description = "File of bearer tokens, one per line; calls other than health need one.")
    String tokens;

    @Option(names = "--metrics-port", description = "Serve Prometheus metrics on this port (default off).")
    Integer metricsPort;

    @Option(names = "--metrics-host", description = "Address of the metrics endpoint (default 127.0.0.1).")
    String metricsHost;

    @Option(
            names = "--device",
            converter = DeviceFlag.class,
            description = "Where every model version runs: cpu (the default), gpu or gpu:N (CUDA device 0 or N;"
                    + " required: the server refuses to start when it cannot be used), auto (CUDA device 0 when"
                    + " this ONNX Runtime build has CUDA and it loads, else the CPU with one warning); cuda and"
                    + " cuda:N mean gpu and gpu:N.")
    String device;

    @Option(names = "--threads", description = "ONNX Runtime intra-op threads (0 = runtime default).")
    Integer threads;

    @Option(names = "--batching", negatable = true, description = "Batch concurrent requests (default on).")
    Boolean batching;

    @Option(names = "--max-batch-size", description = "Most samples per model run (default 32).")
    Integer maxBatchSize;

    @Option(
            names = "--max-queue-delay-ms",
            description = "Longest wait for a batch to fill (default 0: a batch takes what queued while the last ran).")
    Integer maxQueueDelayMs;

    @Option(names = "--queue-capacity", description = "Most samples waiting per model (default 512).")
    Integer queueCapacity;

    @Option(names = "--batch-workers", description = "Threads running batches per model (default 1).")
    Integer batchWorkers;

    @Option(names = "--max-message-bytes", description = "Largest request message (default 64 MiB).")
    Integer maxMessageBytes;

    @Option(names = "--max-images-per-request", description = "Most images per call (default 256).")
    Integer maxImagesPerRequest;

    @Option(names = "--max-pixels-per-image", description = "Most pixels an image may declare (default 50000000).")
    Long maxPixelsPerImage;

    @Option(names = "--max-pixels-in-flight", description = "Decoded pixels held at once (default 100000000).")
    Long maxPixelsInFlight;

    @Option(names = "--max-budget-wait-ms", description = "Longest wait for decoding room (default 5000).")
    Long maxBudgetWaitMs;

    @Option(names = "--max-concurrent-calls", description = "Inference calls at once (default 64).")
    Integer maxConcurrentCalls;

    @Option(
            names = "--max-calls-per-connection",
            description = "Calls one connection may have open at once (default 0 = half of --max-concurrent-calls);"
                    + " a client's further calls wait for a free stream.")
    Integer maxCallsPerConnection;

    @Option(names = "--grace-seconds", description = "Time calls in flight get on shutdown (default 10).")
    Integer graceSeconds;

    @Override
    public Integer call() throws Exception {
        ServeConfig cfg = resolve();
        PrintStream out = System.out;
        CommandConfigs.print(out, "serve", cfg);
        ServerMetrics metrics = ServerMetrics.create();
        ModelRepository models = cfg.model() != null
                ? ModelRepository.ofFile(Path.of(cfg.model()), cfg.name(), cfg.modelOptions(), metrics)
                : ModelRepository.ofDirectory(
                        Path.of(cfg.modelRepository()),
                        VersionPolicy.parse(cfg.versionPolicy()),
                        cfg.modelOptions(),
                        metrics);
        TlsSettings tls = cfg.tlsCert() == null
                ? null
                : new TlsSettings(
                        Path.of(cfg.tlsCert()),
                        Path.of(cfg.tlsKey()),
                        cfg.tlsClientCa() == null ? null : Path.of(cfg.tlsClientCa()),
                        cfg.tlsRequireClientCert());
        InferenceServer.Builder builder = InferenceServer.builder(models)
                .address(cfg.host(), cfg.port())
                .limits(cfg.limits())
                .metrics(metrics)
                .tls(tls)
                .allowPlaintextRemote(cfg.allowPlaintextRemote())
                .maxCallsPerConnection(cfg.maxCallsPerConnection())
                .grace(Duration.ofSeconds(cfg.graceSeconds()))
                .version(VersionProvider.version());
        if (cfg.tokens() != null) {
            builder.auth(BearerTokenAuth.fromFile(Path.of(cfg.tokens())).reportingTo(metrics));
        }
        InferenceServer server;
        try {
            server = builder.listen();
        } catch (IllegalArgumentException e) {
            models.close();
            throw new CliException(e.getMessage());
        } catch (java.io.IOException e) {
            models.close();
            throw e;
        }
        MetricsEndpoint metricsEndpoint = null;
        try {
            out.println("byol4j serve: " + deviceLine(models));
            out.println("byol4j serve: listening on " + cfg.host() + ":" + server.port() + " (NOT_SERVING until the"
                    + " models are loaded and warmed up)");
            server.loadModels();
            for (ServedModel m : models.models()) {
                out.println("byol4j serve: model '" + m.name() + "' version " + m.version() + " from " + m.file()
                        + ": inputs " + m.contract().inputName() + " FP32 [-1,"
                        + m.contract().channels() + ","
                        + m.contract().height() + "," + m.contract().width() + "] and encoded_images BYTES [-1];"
                        + " outputs "
                        + m.outputs().stream()
                                .map(o -> o.name() + " FP32 [-1," + o.width() + "]")
                                .toList()
                        + (m.batching() ? "; batching on" : "; batching off")
                        + "; device " + m.device());
            }
            if (cfg.pollSeconds() > 0) {
                models.startPolling(Duration.ofSeconds(cfg.pollSeconds()));
            }
            if (cfg.metricsPort() >= 0) {
                metricsEndpoint = MetricsEndpoint.start(metrics, cfg.metricsHost(), cfg.metricsPort());
                out.println("byol4j serve: Prometheus metrics on http://" + cfg.metricsHost() + ":"
                        + metricsEndpoint.port() + "/metrics");
            }
            // Before the SERVING line: a supervisor may send SIGTERM as soon as it reads it.
            ShutdownSignals.onTerminate(() -> {
                out.println("byol4j serve: draining (health NOT_SERVING, new calls refused, " + cfg.graceSeconds()
                        + " s grace)");
                try {
                    server.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            out.println("byol4j serve: SERVING on " + cfg.host() + ":" + server.port()
                    + " — inference.GRPCInferenceService (KServe v2), byol4j.v1.FeatureService, grpc.health.v1.Health,"
                    + " reflection; " + security(cfg, server));
            if (server.plaintext() && !InetAddress.getByName(cfg.host()).isLoopbackAddress()) {
                out.println("byol4j serve: WARNING: PLAIN TEXT ON A NON-LOOPBACK ADDRESS (" + cfg.host() + "):"
                        + " anyone on the network can read and send requests unencrypted");
            }
            out.flush();
            server.awaitTermination();
            out.println("byol4j serve: stopped");
            return 0;
        } catch (Exception e) {
            server.close();
            throw e;
        } finally {
            if (metricsEndpoint != null) {
                metricsEndpoint.close();
            }
        }
    }

    /** The start-up line saying which device was asked for and which one every model version uses. */
    static String deviceLine(ModelRepository models) throws java.io.IOException {
        DeviceRequest asked = models.requestedDevice();
        DeviceRequest used = models.resolveDevice();
        if (asked.kind() == DeviceRequest.Kind.AUTO && used.kind() == DeviceRequest.Kind.CPU) {
            return "device auto: no usable CUDA GPU, every model runs on the CPU (the warning above says why)";
        }
        return "device " + used + (asked.equals(used) ? "" : " (asked for " + asked + ")") + ": every model runs there";
    }

    private static String security(ServeConfig cfg, InferenceServer server) {
        String transport = server.plaintext()
                ? "plain text (no TLS)"
                : "TLS"
                        + (cfg.tlsClientCa() == null
                                ? ""
                                : cfg.tlsRequireClientCert()
                                        ? ", client certificates required"
                                        : ", client certificates verified when sent");
        String auth = cfg.tokens() == null
                ? "no authentication"
                : "bearer tokens from " + cfg.tokens() + " (health stays open)";
        return transport + ", " + auth;
    }

    private ServeConfig resolve() {
        ServeConfig cfg = CommandConfigs.resolve(ServeConfig.class, DEFAULTS, configFile, this);
        if ((cfg.model() == null) == (cfg.modelRepository() == null)) {
            throw new CliException("give exactly one of --model FILE and --model-repository DIR");
        }
        if ((cfg.tlsCert() == null) != (cfg.tlsKey() == null)) {
            throw new CliException("--tls-cert and --tls-key go together");
        }
        if (cfg.tlsCert() == null && (cfg.tlsClientCa() != null || cfg.tlsRequireClientCert())) {
            throw new CliException("--tls-client-ca and --tls-require-client-cert need --tls-cert and --tls-key");
        }
        try {
            cfg.limits();
            DeviceRequest.parse(cfg.device());
            cfg.modelOptions();
            VersionPolicy policy = VersionPolicy.parse(cfg.versionPolicy());
            if (cfg.model() != null && !policy.equals(VersionPolicy.LATEST)) {
                throw new IllegalArgumentException("versionPolicy " + policy + " applies to --model-repository; a"
                        + " --model file is served as version 1");
            }
            if (cfg.maxCallsPerConnection() < 0) {
                throw new IllegalArgumentException(
                        "maxCallsPerConnection must be >= 0, got " + cfg.maxCallsPerConnection());
            }
        } catch (IllegalArgumentException e) {
            throw new CliException("invalid serve configuration: " + e.getMessage());
        }
        return cfg;
    }
}
