package io.byol4j.sdkbench.serve;

import io.byol4j.grpc.InferenceServer;
import io.byol4j.grpc.limits.Limits;
import io.byol4j.grpc.metrics.MetricsEndpoint;
import io.byol4j.grpc.metrics.ServerMetrics;
import io.byol4j.grpc.model.ModelOptions;
import io.byol4j.grpc.model.ModelRepository;
import io.byol4j.grpc.model.ServedModel;
import io.byol4j.sdk.encoder.BatcherOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The byol4j {@link InferenceServer} on a real loopback socket, with or without dynamic batching, and its Prometheus
 * endpoint: either in this JVM ({@link #start}) or alone in a child JVM ({@link #spawn}, see {@link ServeChild}).
 */
final class ServerUnderTest implements AutoCloseable, Overload.Probe {

    /** Heap of a child server JVM: fixed and pre-touched, so that its resident memory means something. */
    static final List<String> CHILD_JVM_OPTIONS = List.of("-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch");

    private final int port;
    private final int metricsPort;
    private final long pid;
    private final String description;
    private final LongSupplier queueDepth;
    private final AutoCloseable stop;

    private ServerUnderTest(
            int port, int metricsPort, long pid, String description, LongSupplier queueDepth, AutoCloseable stop) {
        this.port = port;
        this.metricsPort = metricsPort;
        this.pid = pid;
        this.description = description;
        this.queueDepth = queueDepth;
        this.stop = stop;
    }

    /**
     * Starts a server over {@code model} in this JVM; without {@code batching} each call runs alone. Limits are the
     * defaults except {@code max_concurrent_calls}, which is {@code o.maxConcurrentCalls()}, also allowed on one
     * connection (the benchmark's callers share one).
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
                        model,
                        null,
                        new ModelOptions(
                                batching ? 0 : o.unbatchedThreads(),
                                batching,
                                batcher,
                                o.spinning(),
                                io.byol4j.sdk.internal.DeviceRequest.parse(o.device())),
                        metrics))
                .address("127.0.0.1", 0)
                .limits(limits)
                // the benchmark's callers share one connection: let it carry every call the server admits
                .maxCallsPerConnection(o.maxConcurrentCalls())
                .metrics(metrics)
                .grace(Duration.ofSeconds(10))
                .start();
        MetricsEndpoint endpoint;
        try {
            endpoint = MetricsEndpoint.start(metrics, "127.0.0.1", 0);
        } catch (IOException e) {
            try {
                server.close();
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            throw e;
        }
        String description = batching
                ? String.format(
                                Locale.ROOT,
                                "dynamic batching (max batch %d, max delay %.1f ms, queue %d, %d worker)",
                                batcher.maxBatchSize(),
                                batcher.maxQueueDelay().toNanos() / 1e6,
                                batcher.queueCapacity(),
                                batcher.workers())
                        + (o.spinning() ? ", intra-op spinning" : ", no intra-op spinning")
                : "no batching (each image runs alone on its call's thread; ONNX Runtime intra-op threads "
                        + (o.unbatchedThreads() == 0 ? "default" : Integer.toString(o.unbatchedThreads())) + ")";
        description += "; device " + server.models().resolveDevice();
        LongSupplier depth = () -> {
            long n = 0;
            for (ServedModel m : server.models().models()) {
                n += m.queued();
            }
            return n;
        };
        return new ServerUnderTest(
                server.port(), endpoint.port(), ProcessHandle.current().pid(), description, depth, () -> {
                    try {
                        server.close();
                    } finally {
                        endpoint.close();
                    }
                });
    }

    /**
     * Starts the same server in a child JVM ({@link ServeChild}, this JVM's class path, {@link #CHILD_JVM_OPTIONS})
     * and waits until it is serving. The child's log goes to this process's standard error; it stops when
     * {@link #close()} closes its standard input (or when this process dies).
     *
     * @throws IOException when the child cannot start or ends before it reports being ready
     */
    static ServerUnderTest spawn(Path model, boolean batching, LoadOptions o) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(CHILD_JVM_OPTIONS);
        if (o.jfrDir() != null) {
            Path recording =
                    o.jfrDir().toAbsolutePath().resolve("server-batching-" + (batching ? "on" : "off") + ".jfr");
            command.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=" + recording);
        }
        command.add(ServeChild.class.getName());
        command.add("--batching");
        command.add(Boolean.toString(batching));
        command.add("--model");
        command.add(model.toString());
        command.addAll(o.serverFlags());
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        // The class path goes through the environment: ONNX Runtime's Java binding crashes on a process command
        // line longer than about 4,000 bytes (README, Deployment).
        pb.environment().put("CLASSPATH", System.getProperty("java.class.path"));
        Process child = pb.start();
        BufferedReader lines =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String ready = null;
        String line;
        while ((line = lines.readLine()) != null) {
            if (line.startsWith(ServeChild.READY)) {
                ready = line;
                break;
            }
        }
        if (ready == null) {
            child.destroy();
            throw new IOException("the server child JVM ended before it was ready (exit " + waitFor(child)
                    + "; its log is above): " + String.join(" ", command));
        }
        Thread drain = new Thread(
                () -> {
                    try {
                        while (lines.readLine() != null) {
                            // the child prints nothing after READY; keep its pipe from filling anyway
                        }
                    } catch (IOException e) {
                        // the child ended
                    }
                },
                "server-child-stdout");
        drain.setDaemon(true);
        drain.start();
        String[] f = ready.substring(ServeChild.READY.length()).trim().split(" ", 3);
        int port = Integer.parseInt(f[0]);
        int metricsPort = Integer.parseInt(f[1]);
        String description = f[2] + ", child JVM pid " + child.pid() + " " + String.join(" ", CHILD_JVM_OPTIONS);
        LongSupplier depth = () -> {
            try {
                return (long) MetricsScrape.of(metricsPort).sum("byol4j_queue_depth");
            } catch (IOException e) {
                return -1;
            }
        };
        return new ServerUnderTest(port, metricsPort, child.pid(), description, depth, () -> {
            child.getOutputStream().close();
            if (!child.waitFor(30, TimeUnit.SECONDS)) {
                child.destroyForcibly();
                throw new IOException("the server child JVM did not stop within 30 s of its stdin closing");
            }
        });
    }

    private static String waitFor(Process p) {
        try {
            return p.waitFor(10, TimeUnit.SECONDS) ? Integer.toString(p.exitValue()) : "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    int port() {
        return port;
    }

    /** The port of the server's Prometheus endpoint. */
    int metricsPort() {
        return metricsPort;
    }

    /** Images waiting in the server's batching queues right now (-1 when it cannot be read). */
    @Override
    public long queueDepth() {
        return queueDepth.getAsLong();
    }

    /** Resident memory and threads of the process the server runs in (this JVM, or its child JVM). */
    @Override
    public ProcStatus status() throws IOException {
        return ProcStatus.of(pid);
    }

    /** CPU seconds the server's own process has used, or NaN when the server shares this JVM. */
    double cpuSeconds() throws IOException {
        return pid == ProcessHandle.current().pid() ? Double.NaN : ProcStatus.cpuSeconds(pid);
    }

    String description() {
        return description;
    }

    @Override
    public void close() throws Exception {
        stop.close();
    }
}
