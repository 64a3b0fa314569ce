package io.byol4j.sdkbench.serve;

import io.byol4j.grpc.client.Embedding;
import io.byol4j.grpc.client.FeatureClient;
import io.byol4j.grpc.model.ModelOptions;
import io.byol4j.sdk.encoder.BatcherOptions;
import io.byol4j.sdk.encoder.DynamicBatcher;
import io.byol4j.sdk.encoder.Encoder;
import io.byol4j.sdk.encoder.EncoderOptions;
import io.byol4j.sdk.encoder.ImageEmbedding;
import io.byol4j.sdk.image.ImageDecoder;
import io.byol4j.sdkbench.BenchData;
import io.byol4j.sdkbench.BenchModel;
import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Load benchmark of the gRPC server, side by side in one run: single-image {@code Embed} calls over a real loopback
 * socket at each concurrency, to a server with dynamic batching and to one without, against the same callers
 * in-process (each decodes its image and waits on the SDK's {@link DynamicBatcher} with the server's batching
 * options), plus one thread calling {@link Encoder#embedEncoded} on full batches; then an open-loop overload run.
 * Before the rounds each mode is warmed up to steady state ({@link SteadyState}: a server is a long-running
 * process, so its JIT-compiled cost is the one to measure). The rounds interleave the modes so that a shared
 * machine's drift hits all of them alike; ratios are taken per round. Each served cell also yields a {@link StageProfile} (the server's stage histograms, scraped from its
 * metrics endpoint, against the client's latency, plus CPU time per call), and {@link OrtCeiling} bounds what the
 * model allows. Prints one table, the profiles, the ceiling, the ratios and the overload verdicts.
 *
 * <pre>
 * ./mvnw -B -q -pl sdk-bench -am package -DskipTests
 * java -cp 'sdk-bench/target/byol4j-sdk-bench-0.1.0-SNAPSHOT.jar:sdk-bench/target/lib/*' io.byol4j.sdkbench.serve.ServeLoad \
 *     [--model FILE.onnx | --preset cifar10] [--server-process true] [--rounds 3] [--concurrency 1,4,16,64] ...
 * </pre>
 *
 * The servers run in this JVM or, with {@code --server-process true}, each in a child JVM of its own; every served
 * call goes through {@link FeatureClient}, one HTTP/2 connection per server shared by all callers.
 */
public final class ServeLoad {

    private ServeLoad() {}

    public static void main(String[] args) throws Exception {
        LoadOptions options;
        try {
            options = LoadOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(LoadOptions.USAGE);
            System.exit(2);
            return;
        }
        Report report = run(options, System.out::println);
        System.exit(report.overloadHeld() ? 0 : 1);
    }

    /**
     * Everything one run measured.
     *
     * @param cells every cell's rounds merged, keyed by {@link #key}
     * @param ratios per-round throughput ratios, keyed {@code on/off@c} and {@code on/sdk@c}
     * @param overload the overload run, or null when it did not run
     * @param overloadHeld whether the overload verdicts all held (true when it did not run)
     * @param warmups each mode's warm-up to steady state, in order (empty when it was skipped)
     */
    record Report(
            List<SteadyState.Result> warmups,
            Map<String, LoadResult> cells,
            Map<String, List<Double>> ratios,
            Map<String, StageProfile> profiles,
            List<OrtCeiling.Point> ceiling,
            Overload.Result overload,
            boolean overloadHeld) {}

    static final String SDK = "sdk";
    static final String SDK_BATCHER = "sdk batcher";
    static final String OFF = "batching off";
    static final String ON = "batching on";

    /** Runs the whole benchmark, printing progress and results through {@code out}. */
    static Report run(LoadOptions o, Consumer<String> out) throws Exception {
        out.accept("serve-load: " + o);
        out.accept(String.format(
                Locale.ROOT,
                "machine: %d cores, Java %s, %s %s",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"),
                System.getProperty("os.name"),
                System.getProperty("os.arch")));
        out.accept("load average at start: " + loadAverage());
        Path model = o.model() != null
                ? o.model()
                : BenchModel.export(Files.createTempDirectory("byol4j-serve-load"), o.preset());
        List<byte[]> images = BenchData.jpegs(BenchData.images(o.imagePool(), BenchModel.SIZE, 23));
        Map<String, List<LoadResult>> runs = new LinkedHashMap<>();
        Map<String, List<Double>> ratios = new LinkedHashMap<>();
        Map<String, ServerUnderTest> servers = new LinkedHashMap<>();
        Map<String, FeatureClient> clients = new LinkedHashMap<>();
        Map<String, StageProfile> profiles = new LinkedHashMap<>();
        List<OrtCeiling.Point> ceiling = List.of();
        Overload.Result overload = null;
        boolean held = true;
        List<SteadyState.Result> warmups = new ArrayList<>();
        Map<Integer, List<Double>> inProcessCpu = new LinkedHashMap<>();
        try (Encoder encoder = Encoder.open(
                        model,
                        new ModelOptions(
                                        0,
                                        true,
                                        batcherOptions(o),
                                        o.spinning(),
                                        io.byol4j.sdk.internal.DeviceRequest.parse(o.device()))
                                .encoderOptions(EncoderOptions.DEFAULT_BATCH_SIZE));
                DynamicBatcher batcher = DynamicBatcher.start(encoder, batcherOptions(o))) {
            out.accept("model: " + model + " (" + encoder.embeddingDim() + "-d); in-process reference on "
                    + (encoder.device() == EncoderOptions.Device.CUDA
                            ? "gpu:" + encoder.options().deviceId()
                            : "cpu")
                    + " (--device " + o.device() + ")");
            if (!o.ceiling().isZero()) {
                ceiling = OrtCeiling.measure(model, o.ceiling(), List.of(16, o.maxBatch()));
                ceiling.forEach(p -> out.accept(OrtCeiling.line(p)));
            }
            for (String mode : List.of(OFF, ON)) {
                ServerUnderTest server = o.serverProcess()
                        ? ServerUnderTest.spawn(model, mode.equals(ON), o)
                        : ServerUnderTest.start(model, mode.equals(ON), o);
                servers.put(mode, server);
                clients.put(
                        mode,
                        FeatureClient.builder("127.0.0.1", server.port())
                                .deadline(Duration.ofSeconds(30))
                                .build());
                out.accept("server, " + mode + ": " + server.description() + ", 127.0.0.1:" + server.port());
            }
            if (!o.steadyMax().isZero()) {
                warmups.addAll(warmUp(batcher, encoder, images, servers, clients, o, out));
            }
            for (int round = 1; round <= o.rounds(); round++) {
                out.accept("round " + round + "/" + o.rounds() + ", load average " + loadAverage());
                LoadResult sdk = inProcess(encoder, images, o);
                runs.computeIfAbsent(key(SDK, 1), k -> new ArrayList<>()).add(sdk);
                out.accept(line(sdk));
                for (int c : o.concurrency()) {
                    Map<String, LoadResult> now = new LinkedHashMap<>();
                    LongAdder localImages = new LongAdder();
                    double localCpu =
                            ProcStatus.cpuSeconds(ProcessHandle.current().pid());
                    LoadResult local =
                            inProcessBatcher(batcher, encoder, images, c, o.warmup(), o.measure(), localImages);
                    double localCpuMs =
                            (ProcStatus.cpuSeconds(ProcessHandle.current().pid()) - localCpu)
                                    * 1000
                                    / Math.max(1, localImages.sum());
                    inProcessCpu.computeIfAbsent(c, k -> new ArrayList<>()).add(localCpuMs);
                    runs.computeIfAbsent(key(SDK_BATCHER, c), k -> new ArrayList<>())
                            .add(local);
                    out.accept(line(local) + String.format(Locale.ROOT, "  CPU %.3f ms/image", localCpuMs));
                    for (var e : clients.entrySet()) {
                        ServerUnderTest server = servers.get(e.getKey());
                        MetricsScrape before = MetricsScrape.of(server.metricsPort());
                        double serverCpu = server.cpuSeconds();
                        double clientCpu =
                                ProcStatus.cpuSeconds(ProcessHandle.current().pid());
                        LoadResult r =
                                served(e.getValue(), images, "served, " + e.getKey(), c, o.warmup(), o.measure());
                        StageProfile profile = StageProfile.between(
                                before,
                                MetricsScrape.of(server.metricsPort()),
                                r,
                                server.cpuSeconds() - serverCpu,
                                ProcStatus.cpuSeconds(ProcessHandle.current().pid()) - clientCpu);
                        profiles.merge(key(e.getKey(), c), profile, StageProfile::plus);
                        now.put(e.getKey(), r);
                        runs.computeIfAbsent(key(e.getKey(), c), k -> new ArrayList<>())
                                .add(r);
                        out.accept(line(r));
                        out.accept("    profile: " + profile.describe());
                    }
                    if (now.containsKey(ON)) {
                        double on = now.get(ON).throughput();
                        ratios.computeIfAbsent("on/sdk@" + c, k -> new ArrayList<>())
                                .add(on / local.throughput());
                        if (now.containsKey(OFF)) {
                            ratios.computeIfAbsent("on/off@" + c, k -> new ArrayList<>())
                                    .add(on / now.get(OFF).throughput());
                        }
                    }
                }
            }
            Map<String, LoadResult> cells = new LinkedHashMap<>();
            runs.forEach((k, v) -> cells.put(k, LoadResult.merge(v)));
            printSummary(cells, ratios, o, out);
            printProfiles(profiles, ceiling, o, out);
            printTargets(ratios, ceiling, profiles, inProcessCpu, out);
            if (!o.overload().isZero()) {
                ServerUnderTest server = servers.get(ON);
                FeatureClient client = clients.get(ON);
                double rate = o.overloadFactor()
                        * cells.get(key(ON, o.overloadBaseConcurrency())).throughput();
                out.accept(String.format(
                        Locale.ROOT,
                        "overload, %s: %.0f calls/s (%.0fx the throughput at " + "concurrency %d) for %.0f s",
                        ON,
                        rate,
                        o.overloadFactor(),
                        o.overloadBaseConcurrency(),
                        o.overload().toMillis() / 1000.0));
                overload = Overload.run(
                        rate,
                        o.overload(),
                        o.maxOutstanding(),
                        i -> client.embedAsync(List.of(images.get((int) (i % images.size())))),
                        server);
                held = printOverload(overload, o, out);
            }
            return new Report(warmups, cells, ratios, profiles, ceiling, overload, held);
        } finally {
            for (FeatureClient c : clients.values()) {
                c.close();
            }
            for (ServerUnderTest s : servers.values()) {
                s.close();
            }
            out.accept("load average at end: " + loadAverage());
        }
    }

    /**
     * Warms the in-process reference and each server to steady state ({@link SteadyState}) at the highest
     * concurrency, one after the other, and prints each warm-up's windows.
     */
    private static List<SteadyState.Result> warmUp(
            DynamicBatcher batcher,
            Encoder encoder,
            List<byte[]> images,
            Map<String, ServerUnderTest> servers,
            Map<String, FeatureClient> clients,
            LoadOptions o,
            Consumer<String> out)
            throws Exception {
        int c = o.concurrency().stream().mapToInt(Integer::intValue).max().orElse(1);
        out.accept(String.format(
                Locale.ROOT,
                "warming up to steady state at concurrency %d: windows of %.1f s until the last %d agree within %.0f%%"
                        + " (the server process's CPU ms per call for a child JVM, else images/s), at most %.0f s"
                        + " per mode; each window: images/s [CPU ms per call]",
                c,
                o.steadyWindow().toMillis() / 1000.0,
                SteadyState.WINDOWS,
                o.steadyTolerance() * 100,
                o.steadyMax().toMillis() / 1000.0));
        List<SteadyState.Result> results = new ArrayList<>();
        results.add(SteadyState.warm(
                "in-process DynamicBatcher", o.steadyWindow(), o.steadyMax(), o.steadyTolerance(), w -> {
                    LoadResult r = inProcessBatcher(batcher, encoder, images, c, Duration.ZERO, w, new LongAdder());
                    return new SteadyState.Window(r.throughput(), Double.NaN);
                }));
        out.accept(results.get(results.size() - 1).describe());
        for (var e : clients.entrySet()) {
            ServerUnderTest server = servers.get(e.getKey());
            results.add(SteadyState.warm(
                    "served, " + e.getKey(), o.steadyWindow(), o.steadyMax(), o.steadyTolerance(), w -> {
                        double cpu = server.cpuSeconds();
                        LoadResult r = served(e.getValue(), images, "warm-up", c, Duration.ZERO, w);
                        double used = server.cpuSeconds() - cpu;
                        return new SteadyState.Window(r.throughput(), used * 1000 / Math.max(1, r.calls()));
                    }));
            out.accept(results.get(results.size() - 1).describe());
        }
        return results;
    }

    /** The system load average over the last 1, 5 and 15 minutes ({@code /proc/loadavg}), or "unknown". */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static void printProfiles(
            Map<String, StageProfile> profiles, List<OrtCeiling.Point> ceiling, LoadOptions o, Consumer<String> out) {
        out.accept("Per-call profile of the served single-image calls (means over all rounds, ms per call; the"
                + " server's stage histograms, the rest is transport, event loops, hand-offs and the client):");
        out.accept("| server | concurrency | decode | model wait | other handler | parse + respond | rest"
                + " (transport, client) | client latency | mean batch | model ms/image | server CPU/call |"
                + " client CPU/call |");
        out.accept("|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (int c : o.concurrency()) {
            for (String mode : List.of(OFF, ON)) {
                StageProfile p = profiles.get(key(mode, c));
                if (p != null) {
                    out.accept("| " + mode + " | " + c + " | " + p.row() + " |");
                }
            }
        }
        if (!ceiling.isEmpty()) {
            out.accept("");
            out.accept("ONNX Runtime ceiling (session.run on a prepared tensor, nothing else):");
            ceiling.forEach(p -> out.accept(OrtCeiling.line(p)));
            double bestSingle = bestImagesPerSecond(ceiling, true);
            double bestBatched = bestImagesPerSecond(ceiling, false);
            out.accept(String.format(
                    Locale.ROOT,
                    "  batching can give at most %.2fx over the best batch-1 configuration (%.1f vs %.1f images/s)",
                    bestBatched / bestSingle,
                    bestBatched,
                    bestSingle));
        }
        out.accept("");
    }

    /** The issue's targets at concurrency 16 (when it ran): the medians of the per-round ratios against them. */
    private static void printTargets(
            Map<String, List<Double>> ratios,
            List<OrtCeiling.Point> ceiling,
            Map<String, StageProfile> profiles,
            Map<Integer, List<Double>> inProcessCpu,
            Consumer<String> out) {
        int c = 16;
        List<Double> served = ratios.get("on/sdk@" + c);
        List<Double> batching = ratios.get("on/off@" + c);
        if (served == null || batching == null) {
            return;
        }
        StageProfile on = profiles.get(key(ON, c));
        List<Double> localCpu = inProcessCpu.get(c);
        if (on != null && localCpu != null && !Double.isNaN(on.serverCpuMillis())) {
            // With every core busy, throughput is the cores' CPU time over the CPU time one image costs: the
            // in-process caller pays decode + model, a served call pays the server's and the client's share.
            double local = median(localCpu);
            double call = on.serverCpuMillis() + on.clientCpuMillis();
            out.accept(String.format(
                    Locale.ROOT,
                    "CPU per image at concurrency %d: in-process %.3f ms; served %.3f ms (server %.3f + client %.3f):"
                            + " on a saturated machine served / in-process can reach about %.2fx",
                    c,
                    local,
                    call,
                    on.serverCpuMillis(),
                    on.clientCpuMillis(),
                    local / call));
        }
        out.accept(String.format(
                Locale.ROOT,
                "target at concurrency %d: served (batching) >= 0.8x in-process DynamicBatcher: %.2fx (%s)",
                c,
                median(served),
                median(served) >= 0.8 ? "met" : "NOT met"));
        out.accept(String.format(
                Locale.ROOT,
                "target at concurrency %d: batching >= 2x the unbatched server: %.2fx (%s)%s",
                c,
                median(batching),
                median(batching) >= 2 ? "met" : "NOT met",
                ceiling.isEmpty()
                        ? ""
                        : String.format(
                                Locale.ROOT,
                                "; the ORT ceiling allows batching at most %.2fx on this machine",
                                ceilingRatio(ceiling))));
        out.accept("");
    }

    /** Best batched over best batch-1 images/s of the ORT ceiling. */
    static double ceilingRatio(List<OrtCeiling.Point> ceiling) {
        return bestImagesPerSecond(ceiling, false) / bestImagesPerSecond(ceiling, true);
    }

    /** The highest images/s of the ceiling's batch-1 points, or of its batched points; NaN when there are none. */
    private static double bestImagesPerSecond(List<OrtCeiling.Point> ceiling, boolean batchOne) {
        return ceiling.stream()
                .filter(p -> (p.batch() == 1) == batchOne)
                .mapToDouble(OrtCeiling.Point::imagesPerSecond)
                .max()
                .orElse(Double.NaN);
    }

    static String key(String mode, int concurrency) {
        return mode + "@" + concurrency;
    }

    private static LoadResult inProcess(Encoder encoder, List<byte[]> images, LoadOptions o) throws Exception {
        int b = o.maxBatch();
        return ClosedLoop.run(
                "in-process SDK, batch " + b,
                1,
                o.warmup(),
                o.measure(),
                (thread, seq) -> {
                    List<byte[]> batch = new ArrayList<>(b);
                    for (int i = 0; i < b; i++) {
                        batch.add(images.get((int) ((seq * b + i) % images.size())));
                    }
                    int ok = 0;
                    for (ImageEmbedding r : encoder.embedEncoded(batch)) {
                        if (!r.ok()) {
                            throw new IllegalStateException("IMAGE_ERROR");
                        }
                        ok++;
                    }
                    return ok;
                },
                e -> e.getMessage());
    }

    /** The batching options of the batching server and of the in-process batcher. */
    static BatcherOptions batcherOptions(LoadOptions o) {
        return BatcherOptions.builder()
                .maxBatchSize(o.maxBatch())
                .maxQueueDelay(o.maxDelay())
                .queueCapacity(o.queueCapacity())
                .workers(o.workers())
                .build();
    }

    /** The same callers in-process: each decodes its image and waits for the SDK's DynamicBatcher. */
    private static LoadResult inProcessBatcher(
            DynamicBatcher batcher,
            Encoder encoder,
            List<byte[]> images,
            int concurrency,
            Duration warmup,
            Duration measure,
            LongAdder calls)
            throws Exception {
        ImageDecoder decoder = new ImageDecoder();
        int channels = encoder.contract().channels();
        int stride = Math.max(1, images.size() / concurrency);
        return ClosedLoop.run(
                "in-process SDK, DynamicBatcher",
                concurrency,
                warmup,
                measure,
                (thread, seq) -> {
                    byte[] image = images.get((int) (((long) thread * stride + seq) % images.size()));
                    batcher.submit(decoder.decode(image, channels), Duration.ofSeconds(30))
                            .get();
                    calls.increment();
                    return 1;
                },
                e -> e.getClass().getSimpleName());
    }

    private static LoadResult served(
            FeatureClient client, List<byte[]> images, String label, int concurrency, Duration warmup, Duration measure)
            throws Exception {
        int stride = Math.max(1, images.size() / concurrency);
        return ClosedLoop.run(
                label,
                concurrency,
                warmup,
                measure,
                (thread, seq) -> {
                    Embedding e = client.embed(images.get((int) (((long) thread * stride + seq) % images.size())));
                    if (!e.ok()) {
                        throw new IllegalStateException("IMAGE_ERROR");
                    }
                    return 1;
                },
                e -> e instanceof IllegalStateException
                        ? e.getMessage()
                        : Status.fromThrowable(e).getCode().name());
    }

    private static String line(LoadResult r) {
        return String.format(
                Locale.ROOT,
                "%-28s c=%-3d %9.1f images/s  p50 %8.2f ms  p99 %8.2f ms  calls %7d%s",
                r.label(),
                r.concurrency(),
                r.throughput(),
                r.latencyMillis(0.50),
                r.latencyMillis(0.99),
                r.calls(),
                r.failed() == 0 ? "" : "  FAILED " + r.failures());
    }

    private static boolean printOverload(Overload.Result r, LoadOptions o, Consumer<String> out) {
        for (Overload.Sample s : r.samples()) {
            out.accept(String.format(
                    Locale.ROOT,
                    "  t=%3ds sent %8d ok %7d refused %8d in flight %6d queue %5d " + "server RSS %7.1f MB threads %4d",
                    s.second(),
                    s.sent(),
                    s.ok(),
                    s.refused(),
                    s.outstanding(),
                    s.queueDepth(),
                    s.rssMb(),
                    s.threads()));
        }
        List<Overload.Sample> samples = r.samples();
        double rssFirst = samples.isEmpty()
                ? Double.NaN
                : samples.get(Math.min(samples.size() - 1, 4)).rssMb();
        double rssLast =
                samples.isEmpty() ? Double.NaN : samples.get(samples.size() - 1).rssMb();
        double rssMax =
                samples.stream().mapToDouble(Overload.Sample::rssMb).max().orElse(Double.NaN);
        boolean refusalsClean = r.otherFailures() == 0;
        boolean noneLost = r.lost() == 0;
        boolean queueBounded = r.maxQueueDepth() <= o.queueCapacity();
        boolean rssFlat = rssLast <= rssFirst * 1.10 + 32;
        out.accept(String.format(
                Locale.ROOT,
                "overload result: %d sent in %.1f s (%.0f/s offered, %d sends skipped "
                        + "at the client's %d-call cap), outcomes %s, lost %d",
                r.sent(),
                r.seconds(),
                r.sent() / r.seconds(),
                r.skipped(),
                o.maxOutstanding(),
                r.outcomes(),
                r.lost()));
        out.accept("  failures by reason: " + r.failureReasons());
        out.accept(String.format(
                Locale.ROOT,
                "  every refusal RESOURCE_EXHAUSTED: %s (%d other failures)",
                yes(refusalsClean),
                r.otherFailures()));
        out.accept(String.format(
                Locale.ROOT,
                "  no accepted call lost: %s (%d answered OK: goodput %.1f OK calls/s)",
                yes(noneLost),
                r.count("OK"),
                r.count("OK") / r.seconds()));
        if (!samples.isEmpty()) {
            out.accept(String.format(
                    Locale.ROOT,
                    "  server threads: %d at 1 s, %d max, %d at the end; calls in flight at the client max %d",
                    samples.get(0).threads(),
                    samples.stream().mapToInt(Overload.Sample::threads).max().orElse(-1),
                    samples.get(samples.size() - 1).threads(),
                    r.maxOutstanding()));
        }
        out.accept(String.format(
                Locale.ROOT,
                "  queue bounded: %s (max depth sampled %s, bound %d)",
                r.maxQueueDepth() < 0 ? "not reported by this server" : yes(queueBounded),
                r.maxQueueDepth() < 0 ? "n/a" : String.valueOf((long) r.maxQueueDepth()),
                o.queueCapacity()));
        out.accept(String.format(
                Locale.ROOT,
                "  resident memory flat: %s (RSS at 5 s %.1f MB, max %.1f MB, end %.1f MB)",
                yes(rssFlat),
                rssFirst,
                rssMax,
                rssLast));
        return refusalsClean && noneLost && (r.maxQueueDepth() < 0 || queueBounded) && rssFlat;
    }

    private static void printSummary(
            Map<String, LoadResult> cells, Map<String, List<Double>> ratios, LoadOptions o, Consumer<String> out) {
        LoadResult sdk = cells.get(key(SDK, 1));
        out.accept("");
        out.accept(String.format(
                Locale.ROOT,
                "in-process SDK (Encoder.embedEncoded, batch %d, one thread): %.1f " + "images/s over %d rounds",
                o.maxBatch(),
                sdk.throughput(),
                o.rounds()));
        out.accept("| concurrency | in-process DynamicBatcher: images/s, p50, p99 | served, batching off | "
                + "served, batching on | on / off (median; per round) | on / in-process batcher (median; per round) |");
        out.accept("|---|---|---|---|---|---|");
        for (int c : o.concurrency()) {
            out.accept(String.format(
                    Locale.ROOT,
                    "| %d | %s | %s | %s | %s | %s |",
                    c,
                    cell(cells.get(key(SDK_BATCHER, c))),
                    cell(cells.get(key(OFF, c))),
                    cell(cells.get(key(ON, c))),
                    ratio(ratios.get("on/off@" + c)),
                    ratio(ratios.get("on/sdk@" + c))));
        }
        out.accept("");
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String ratio(List<Double> perRound) {
        if (perRound == null || perRound.isEmpty()) {
            return "n/a";
        }
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%.2fx;", median(perRound)));
        for (double r : perRound) {
            sb.append(String.format(Locale.ROOT, " %.2f", r));
        }
        return sb.toString();
    }

    private static String cell(LoadResult r) {
        if (r == null) {
            return "n/a";
        }
        return String.format(
                Locale.ROOT,
                "%.1f, %.2f ms, %.2f ms%s",
                r.throughput(),
                r.latencyMillis(0.5),
                r.latencyMillis(0.99),
                r.failed() == 0 ? "" : " (" + r.failed() + " failed)");
    }

    private static String yes(boolean b) {
        return b ? "yes" : "NO";
    }
}
