package io.byol4j.grpc;

import inference.GRPCInferenceServiceGrpc;
import io.byol4j.grpc.inference.InferencePipeline;
import io.byol4j.grpc.kserve.KServeInferenceService;
import io.byol4j.grpc.limits.CallLimiter;
import io.byol4j.grpc.limits.Limits;
import io.byol4j.grpc.limits.RefusalLog;
import io.byol4j.grpc.metrics.ServerMetrics;
import io.byol4j.grpc.model.ModelRepository;
import io.byol4j.grpc.security.TlsSettings;
import io.byol4j.grpc.v1.FeatureServiceGrpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The byol4j gRPC inference server: on one port, the KServe v2 / Open Inference Protocol service
 * ({@code inference.GRPCInferenceService}), {@code byol4j.v1.FeatureService}, standard health checking
 * ({@code grpc.health.v1.Health}) and server reflection, over the models of a {@link ModelRepository}.
 *
 * <p>Lifecycle: {@link Builder#listen()} binds and answers health with NOT_SERVING;
 * {@link #loadModels()} loads and warms up every model, then health turns SERVING ({@link Builder#start()}
 * does both). {@link #close()} drains: health turns NOT_SERVING, new calls are refused (UNAVAILABLE),
 * calls in flight get the grace period to finish, then the server stops and the repository is closed.
 *
 * <p>Limits ({@link Limits}): message size, images per request, pixels per image, decoded pixels in
 * flight, concurrent inference calls, plus the batching queue's capacity; each refusal names its limit.
 * Requests are batched across callers per model (see {@link io.byol4j.grpc.model.ModelOptions}).
 * Security: TLS when configured; bearer-token authentication as an interceptor; plain text only on a
 * loopback address unless explicitly allowed. Thread-safe.
 */
public final class InferenceServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InferenceServer.class);

    /** Health service names this server reports (besides the overall "" service). */
    public static final List<String> SERVICES =
            List.of(FeatureServiceGrpc.SERVICE_NAME, GRPCInferenceServiceGrpc.SERVICE_NAME);

    private final Server server;
    private final HealthStatusManager health;
    private final ModelRepository models;
    private final Duration grace;
    private final boolean plaintext;
    private final String host;
    private final CallLimiter limiter;
    private final InferencePipeline pipeline;
    private final Runnable oversizeRefusal;
    private final ExecutorService executor;
    /** True from the end of {@link #loadModels()} until {@link #close()}: inference is accepted. */
    private final AtomicBoolean ready;

    private volatile boolean draining;

    private InferenceServer(
            Server server,
            HealthStatusManager health,
            ModelRepository models,
            Duration grace,
            boolean plaintext,
            String host,
            CallLimiter limiter,
            InferencePipeline pipeline,
            Runnable oversizeRefusal,
            ExecutorService executor,
            AtomicBoolean ready) {
        this.server = server;
        this.health = health;
        this.models = models;
        this.grace = grace;
        this.plaintext = plaintext;
        this.host = host;
        this.limiter = limiter;
        this.pipeline = pipeline;
        this.oversizeRefusal = oversizeRefusal;
        this.executor = executor;
        this.ready = ready;
    }

    /** A builder for a server over {@code models} (the server owns and closes them). */
    public static Builder builder(ModelRepository models) {
        return new Builder(models);
    }

    /** Configures and starts an {@link InferenceServer}. */
    public static final class Builder {
        private final ModelRepository models;
        private String host = "127.0.0.1";
        private int port = 50051;
        private ServerBuilder<?> custom;
        private Limits limits = Limits.defaults();
        private TlsSettings tls;
        private ServerInterceptor auth;
        private ServerMetrics metrics = ServerMetrics.create();
        private boolean allowPlaintextRemote;
        private Duration grace = Duration.ofSeconds(10);
        private String version = "dev";
        private int maxCallsPerConnection;

        private Builder(ModelRepository models) {
            this.models = Objects.requireNonNull(models, "models");
        }

        /** Address and port to bind (port 0 picks a free one); default 127.0.0.1:50051. */
        public Builder address(String host, int port) {
            this.host = Objects.requireNonNull(host, "host");
            this.port = port;
            return this;
        }

        /** Serves through a caller-made builder (for example an in-process one in tests) instead of binding. */
        public Builder serverBuilder(ServerBuilder<?> builder) {
            this.custom = builder;
            return this;
        }

        /** The limits to enforce; default {@link Limits#defaults()}. */
        public Builder limits(Limits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** Serves over TLS with these settings; null (the default) serves plain text. */
        public Builder tls(TlsSettings tls) {
            this.tls = tls;
            return this;
        }

        /** Authenticates every call through {@code auth} (e.g. a {@code BearerTokenAuth}); null for none. */
        public Builder auth(ServerInterceptor auth) {
            this.auth = auth;
            return this;
        }

        /** Where calls, batches and refusals are reported; default a fresh {@link ServerMetrics}. */
        public Builder metrics(ServerMetrics metrics) {
            this.metrics = Objects.requireNonNull(metrics, "metrics");
            return this;
        }

        /** Allows plain text on a non-loopback address (default false: such a server refuses to start). */
        public Builder allowPlaintextRemote(boolean allow) {
            this.allowPlaintextRemote = allow;
            return this;
        }

        /** How long calls in flight may take to finish after {@link #close()}; default 10 s. */
        public Builder grace(Duration grace) {
            this.grace = Objects.requireNonNull(grace, "grace");
            return this;
        }

        /**
         * Most calls (HTTP/2 streams, of any method) one connection may have open at once; 0 (the default)
         * means half of {@code max_concurrent_calls}, rounded up, so that one connection can never hold every
         * inference slot. Clients queue the streams beyond it (gRPC clients wait for a free stream) and a
         * client that opens them anyway has them refused by HTTP/2 (REFUSED_STREAM). Only for servers that
         * bind a socket.
         */
        public Builder maxCallsPerConnection(int max) {
            if (max < 0) {
                throw new IllegalArgumentException("maxCallsPerConnection must be >= 0, got " + max);
            }
            this.maxCallsPerConnection = max;
            return this;
        }

        /** Version reported by ServerMetadata. */
        public Builder version(String version) {
            this.version = Objects.requireNonNull(version, "version");
            return this;
        }

        /**
         * Decides the models' device ({@link ModelRepository#resolveDevice()}), then binds and starts answering;
         * health is NOT_SERVING until {@link InferenceServer#loadModels()}.
         *
         * @throws IOException when a required GPU cannot be used (nothing is bound then), the port cannot be bound
         *     or the TLS files cannot be read
         * @throws IllegalArgumentException for plain text on a non-loopback address without permission
         */
        public InferenceServer listen() throws IOException {
            boolean plaintext = tls == null;
            ServerBuilder<?> builder = custom;
            if (builder == null) {
                boolean loopback = InetAddress.getByName(host).isLoopbackAddress();
                if (plaintext && !loopback && !allowPlaintextRemote) {
                    throw new IllegalArgumentException("refusing to serve plain text (no TLS, no encryption) on "
                            + host + ", which is not a loopback address: configure TLS, or allow plain text on a"
                            + " trusted network explicitly (--allow-plaintext-remote)");
                }
                ServerCredentials credentials = plaintext ? InsecureServerCredentials.create() : tls.credentials();
                builder = NettyServerBuilder.forAddress(new InetSocketAddress(host, port), credentials)
                        .maxConcurrentCallsPerConnection(callsPerConnection(limits, maxCallsPerConnection));
            }
            models.resolveDevice();
            InferencePipeline pipeline = new InferencePipeline(limits, metrics);
            HealthStatusManager health = new HealthStatusManager();
            health.setStatus("", ServingStatus.NOT_SERVING);
            SERVICES.forEach(s -> health.setStatus(s, ServingStatus.NOT_SERVING));
            CallLimiter limiter = new CallLimiter(
                    limits.maxConcurrentCalls(),
                    Set.of(
                            FeatureServiceGrpc.getEmbedMethod().getFullMethodName(),
                            GRPCInferenceServiceGrpc.getModelInferMethod().getFullMethodName()),
                    method -> {
                        metrics.refused("", Limits.MAX_CONCURRENT_CALLS);
                        metrics.callStarted("", method);
                        metrics.callFinished("", method, "RESOURCE_EXHAUSTED", 0);
                        RefusalLog.calls()
                                .refused(
                                        Limits.MAX_CONCURRENT_CALLS,
                                        () -> "call refused method="
                                                + method + " model=- status=RESOURCE_EXHAUSTED limit="
                                                + Limits.MAX_CONCURRENT_CALLS
                                                + " detail=\"" + limits.maxConcurrentCalls()
                                                + " inference calls are already running\"");
                    });
            AtomicBoolean ready = new AtomicBoolean();
            KServeInferenceService kserve = new KServeInferenceService(models, pipeline, metrics, ready::get, version);
            // Handler threads are bounded: calls beyond max_concurrent_calls are refused at once, so a pool
            // of that size plus room for health, metadata and refusals never leaves work waiting long.
            ExecutorService executor =
                    Executors.newFixedThreadPool(limits.maxConcurrentCalls() + 16, new HandlerThreads());
            builder.executor(executor)
                    .maxInboundMessageSize(limits.maxMessageBytes())
                    .addService(MalformedMessageGuard.guard(new FeatureServiceImpl(models, pipeline, metrics), metrics))
                    .addService(MalformedMessageGuard.guard(kserve, metrics))
                    .addService(health.getHealthService())
                    .addService(ProtoReflectionServiceV1.newInstance())
                    .intercept(limiter);
            if (auth != null) {
                builder.intercept(auth);
            }
            Server server;
            try {
                server = builder.build().start();
            } catch (IOException | RuntimeException e) {
                executor.shutdownNow();
                throw e;
            }
            Runnable oversize = () -> metrics.refused("", Limits.MAX_MESSAGE_BYTES);
            OversizeMessageLog.register(oversize);
            return new InferenceServer(
                    server, health, models, grace, plaintext, host, limiter, pipeline, oversize, executor, ready);
        }

        /** {@code configured}, or half of the server-wide call limit (rounded up) when it is 0. */
        static int callsPerConnection(Limits limits, int configured) {
            return configured > 0 ? configured : (limits.maxConcurrentCalls() + 1) / 2;
        }

        /** {@link #listen()}, then {@link InferenceServer#loadModels()}; on a load failure the server is closed. */
        public InferenceServer start() throws IOException {
            InferenceServer server = listen();
            try {
                server.loadModels();
                return server;
            } catch (IOException | RuntimeException e) {
                try {
                    server.close();
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
                throw e;
            }
        }
    }

    /** Names the server's handler threads; daemon threads, so they never keep the JVM alive. */
    private static final class HandlerThreads implements ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "byol4j-grpc-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }

    /**
     * Loads and warms up every model of the repository, then reports SERVING.
     *
     * @throws IOException when a model cannot be loaded (health stays NOT_SERVING)
     */
    public void loadModels() throws IOException {
        models.loadAll();
        synchronized (this) {
            if (!draining) {
                ready.set(true);
                health.setStatus("", ServingStatus.SERVING);
                SERVICES.forEach(s -> health.setStatus(s, ServingStatus.SERVING));
            }
        }
    }

    /** The repository of served models. */
    public ModelRepository models() {
        return models;
    }

    /** The bound port (-1 for in-process servers). */
    public int port() {
        return server.getPort();
    }

    /** The bound address. */
    public String host() {
        return host;
    }

    /** True when the server speaks plain text (no TLS). */
    public boolean plaintext() {
        return plaintext;
    }

    /** The pipeline shared by both services (its pixel budget), for tests. */
    InferencePipeline pipeline() {
        return pipeline;
    }

    /** Inference calls running now. */
    public int callsInFlight() {
        return limiter.running();
    }

    /** True after {@link #loadModels()} and before {@link #close()}. */
    public boolean isServing() {
        return ready.get();
    }

    /** Blocks until the server has terminated. */
    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    /**
     * Drains and stops: NOT_SERVING, new calls refused, calls in flight get the grace period, then any
     * left are cancelled; finally the models are closed (each after its last call). Idempotent.
     */
    @Override
    public void close() throws InterruptedException {
        synchronized (this) {
            if (draining) {
                server.awaitTermination();
                return;
            }
            draining = true;
            ready.set(false);
        }
        health.setStatus("", ServingStatus.NOT_SERVING);
        SERVICES.forEach(s -> health.setStatus(s, ServingStatus.NOT_SERVING));
        health.enterTerminalState();
        server.shutdown();
        try {
            if (!server.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn(
                        "{} calls still running after the grace period of {} ms; cancelling them",
                        limiter.running(),
                        grace.toMillis());
                server.shutdownNow();
                server.awaitTermination(5, TimeUnit.SECONDS);
            }
        } finally {
            OversizeMessageLog.unregister(oversizeRefusal);
            RefusalLog.calls().flush();
            executor.shutdown();
            models.close();
        }
    }
}
