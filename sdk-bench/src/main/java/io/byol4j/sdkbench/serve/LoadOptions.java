package io.byol4j.sdkbench.serve;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Settings of one {@link ServeLoad} run.
 *
 * @param model ONNX model to serve, or null to export {@code preset}'s initial weights first
 * @param preset trainer preset whose encoder (seeded initial weights) is exported when {@code model} is null:
 *     {@code cpu-tiny} (ResNet-10 w16, 32x32; the default) or e.g. {@code cifar10} (ResNet-18 w64, 32x32)
 * @param concurrency caller counts to run, in order
 * @param warmup unrecorded time before each measured window
 * @param measure length of each measured window
 * @param maxBatch the batching server's maximum batch size, and the in-process reference's batch size
 * @param maxDelay the batching server's maximum queue delay
 * @param queueCapacity the batching server's queue bound (images)
 * @param overload length of the overload run (zero skips it)
 * @param overloadFactor the overload run's offered rate as a multiple of the batched throughput measured at
 *     {@code overloadBaseConcurrency}
 * @param overloadBaseConcurrency which concurrency's batched throughput the overload rate is based on
 * @param maxOutstanding the overload client's cap on calls in flight
 * @param imagePool distinct JPEG images cycled through
 * @param maxConcurrentCalls the servers' {@code max_concurrent_calls} limit
 * @param workers batch worker threads of the batching server and the in-process batcher
 * @param unbatchedThreads ONNX Runtime intra-op threads of the unbatched server, whose concurrent calls each run
 *     the model at once (0 = the runtime's default, one per core: at concurrency 16 that is 16 runs of 2 threads
 *     on 2 cores); the batching server and the in-process reference keep the default
 * @param rounds how many times every cell runs; the rounds interleave the modes so that drift of a shared machine
 *     hits all of them alike, and ratios are taken per round
 * @param serverProcess true: each server runs in a child JVM of its own (started by {@link ServerUnderTest#spawn}),
 *     so that the load generator does not share the server's heap and threads, and resident memory and threads
 *     are the server process's own; false: the servers run in this JVM beside the client
 * @param ceiling length of each ONNX Runtime ceiling measurement ({@link OrtCeiling}); zero skips them
 * @param spinning whether ONNX Runtime's idle intra-op threads spin, in both servers and the in-process reference
 *     (false, the server's default, or true, the runtime's own default)
 * @param steadyMax cap on each mode's warm-up to steady state before the rounds ({@link SteadyState}); zero skips
 *     it (each cell then has only its {@code warmup})
 * @param steadyWindow length of one warm-up window
 * @param steadyTolerance how closely (a fraction of their median) the last warm-up windows must agree
 * @param jfrDir when not null, each server child JVM records a Java Flight Recording (profile settings) into
 *     {@code server-batching-on.jfr} / {@code server-batching-off.jfr} there
 * @param device where both servers and the in-process reference run their model ({@code cpu}, {@code auto},
 *     {@code gpu}, {@code gpu:N}; as {@code byol4j serve --device}); the ceiling runs on the CPU only, so a GPU run
 *     needs {@code --ceiling-seconds 0}
 */
record LoadOptions(
        Path model,
        int rounds,
        List<Integer> concurrency,
        Duration warmup,
        Duration measure,
        int maxBatch,
        Duration maxDelay,
        int queueCapacity,
        Duration overload,
        double overloadFactor,
        int overloadBaseConcurrency,
        int maxOutstanding,
        int imagePool,
        int maxConcurrentCalls,
        int workers,
        int unbatchedThreads,
        String preset,
        boolean serverProcess,
        Duration ceiling,
        boolean spinning,
        Duration steadyMax,
        Duration steadyWindow,
        double steadyTolerance,
        Path jfrDir,
        String device) {

    static final String USAGE = String.join(
            "\n",
            "usage: ServeLoad [--model FILE.onnx | --preset cpu-tiny|cifar10|...] [--rounds 3] [--concurrency 1,4,16,64] [--seconds 5] [--warmup 2]",
            "                 [--max-batch 32] [--max-delay-ms 0] [--queue 512] [--overload-seconds 60]",
            "                 [--overload-factor 10] [--overload-base 16] [--max-outstanding 2000]",
            "                 [--max-concurrent-calls 128] [--workers 1] [--unbatched-threads 1]",
            "                 [--server-process false] [--ceiling-seconds 3] [--spinning false]",
            "                 [--steady-max-seconds 60] [--steady-window-seconds 2] [--steady-tolerance 0.1]",
            "                 [--jfr DIR] [--device cpu|auto|gpu|gpu:N]");

    static LoadOptions defaults() {
        return new LoadOptions(
                null,
                3,
                List.of(1, 4, 16, 64),
                Duration.ofSeconds(2),
                Duration.ofSeconds(5),
                32,
                Duration.ZERO,
                512,
                Duration.ofSeconds(60),
                10,
                16,
                2_000,
                256,
                128,
                1,
                1,
                "cpu-tiny",
                false,
                Duration.ofSeconds(3),
                false,
                Duration.ofSeconds(60),
                Duration.ofSeconds(2),
                0.10,
                null,
                "cpu");
    }

    /** Defaults overridden by command-line flags; IllegalArgumentException names a bad flag or value. */
    static LoadOptions parse(String[] args) {
        LoadOptions d = defaults();
        Path model = d.model;
        int rounds = d.rounds;
        List<Integer> concurrency = d.concurrency;
        Duration warmup = d.warmup;
        Duration measure = d.measure;
        int maxBatch = d.maxBatch;
        Duration maxDelay = d.maxDelay;
        int queue = d.queueCapacity;
        Duration overload = d.overload;
        double factor = d.overloadFactor;
        int base = d.overloadBaseConcurrency;
        int maxOutstanding = d.maxOutstanding;
        int maxCalls = d.maxConcurrentCalls;
        int workers = d.workers;
        int unbatchedThreads = d.unbatchedThreads;
        String preset = d.preset;
        boolean serverProcess = d.serverProcess;
        Duration ceiling = d.ceiling;
        boolean spinning = d.spinning;
        Duration steadyMax = d.steadyMax;
        Duration steadyWindow = d.steadyWindow;
        double steadyTolerance = d.steadyTolerance;
        Path jfrDir = d.jfrDir;
        String device = d.device;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            String v = args[++i];
            try {
                switch (flag) {
                    case "--model" -> model = Path.of(v);
                    case "--rounds" -> rounds = positive(v);
                    case "--concurrency" -> concurrency = list(v);
                    case "--seconds" -> measure = seconds(v);
                    case "--warmup" -> warmup = seconds(v);
                    case "--max-batch" -> maxBatch = positive(v);
                    case "--max-delay-ms" -> maxDelay = Duration.ofNanos((long) (Double.parseDouble(v) * 1e6));
                    case "--queue" -> queue = positive(v);
                    case "--overload-seconds" -> overload = seconds(v);
                    case "--overload-factor" -> factor = Double.parseDouble(v);
                    case "--overload-base" -> base = positive(v);
                    case "--max-outstanding" -> maxOutstanding = positive(v);
                    case "--max-concurrent-calls" -> maxCalls = positive(v);
                    case "--workers" -> workers = positive(v);
                    case "--unbatched-threads" -> unbatchedThreads = nonNegative(v);
                    case "--preset" -> preset = v;
                    case "--server-process" -> serverProcess = bool(flag, v);
                    case "--ceiling-seconds" -> ceiling = seconds(v);
                    case "--spinning" -> spinning = bool(flag, v);
                    case "--steady-max-seconds" -> steadyMax = seconds(v);
                    case "--steady-window-seconds" -> steadyWindow = seconds(v);
                    case "--steady-tolerance" -> steadyTolerance = fraction(flag, v);
                    case "--jfr" -> jfrDir = Path.of(v);
                    case "--device" ->
                        device = io.byol4j.sdk.internal.DeviceRequest.parse(v).toString();
                    default -> throw new IllegalArgumentException("unknown flag " + flag);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + ": not a number: '" + v + "'");
            }
        }
        if (!io.byol4j.trainer.config.TrainConfig.PRESETS.contains(preset)) {
            throw new IllegalArgumentException("--preset: unknown preset '" + preset + "'; known presets: "
                    + io.byol4j.trainer.config.TrainConfig.PRESETS);
        }
        if (model != null && !preset.equals(d.preset)) {
            throw new IllegalArgumentException("--model and --preset both name the model to serve; give one");
        }
        if (!overload.isZero() && !concurrency.contains(base)) {
            throw new IllegalArgumentException(
                    "--overload-base " + base + " must be one of --concurrency " + concurrency);
        }
        if (!device.equals("cpu") && !ceiling.isZero()) {
            throw new IllegalArgumentException("--device " + device + ": the ONNX Runtime ceiling measures the CPU"
                    + " only; add --ceiling-seconds 0");
        }
        return new LoadOptions(
                model,
                rounds,
                concurrency,
                warmup,
                measure,
                maxBatch,
                maxDelay,
                queue,
                overload,
                factor,
                base,
                maxOutstanding,
                d.imagePool,
                maxCalls,
                workers,
                unbatchedThreads,
                preset,
                serverProcess,
                ceiling,
                spinning,
                steadyMax,
                steadyWindow,
                steadyTolerance,
                jfrDir,
                device);
    }

    /** The flags that configure a server, for a child JVM started by {@link ServerUnderTest#spawn}. */
    List<String> serverFlags() {
        return List.of(
                "--max-batch", Integer.toString(maxBatch),
                "--max-delay-ms", Double.toString(maxDelay.toNanos() / 1e6),
                "--queue", Integer.toString(queueCapacity),
                "--max-concurrent-calls", Integer.toString(maxConcurrentCalls),
                "--workers", Integer.toString(workers),
                "--unbatched-threads", Integer.toString(unbatchedThreads),
                "--spinning", Boolean.toString(spinning),
                "--device", device,
                "--ceiling-seconds", "0");
    }

    private static boolean bool(String flag, String v) {
        return switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(flag + ": expected true or false, got '" + v + "'");
        };
    }

    private static double fraction(String flag, String v) {
        double f = Double.parseDouble(v);
        if (!(f > 0 && f < 1)) {
            throw new IllegalArgumentException(flag + ": expected a fraction between 0 and 1, got " + v);
        }
        return f;
    }

    private static List<Integer> list(String v) {
        List<Integer> out = new ArrayList<>();
        for (String s : v.split(",")) {
            out.add(positive(s.trim()));
        }
        return List.copyOf(out);
    }

    private static Duration seconds(String v) {
        double s = Double.parseDouble(v);
        if (s < 0) {
            throw new IllegalArgumentException("a duration cannot be negative: " + v);
        }
        return Duration.ofNanos((long) (s * 1e9));
    }

    private static int nonNegative(String v) {
        int n = Integer.parseInt(v);
        if (n < 0) {
            throw new IllegalArgumentException("expected zero or a positive number, got " + v);
        }
        return n;
    }

    private static int positive(String v) {
        int n = Integer.parseInt(v);
        if (n <= 0) {
            throw new IllegalArgumentException("expected a positive number, got " + v);
        }
        return n;
    }

    @Override
    public String toString() {
        return "model=" + (model == null ? "(export preset " + preset + ")" : model) + " rounds=" + rounds
                + " concurrency=" + concurrency
                + " warmup=" + warmup.toMillis() / 1000.0 + "s measure=" + measure.toMillis() / 1000.0 + "s maxBatch="
                + maxBatch + " maxDelay=" + maxDelay.toNanos() / 1e6 + "ms queue=" + queueCapacity + " overload="
                + overload.toMillis() / 1000.0 + "s x" + overloadFactor + " (base: batched at concurrency "
                + overloadBaseConcurrency + ") maxOutstanding=" + maxOutstanding + " images=" + imagePool
                + " maxConcurrentCalls=" + maxConcurrentCalls + " workers=" + workers + " unbatchedThreads="
                + unbatchedThreads + " serverProcess=" + serverProcess + " ceiling=" + ceiling.toMillis() / 1000.0
                + "s spinning=" + spinning + " steadyMax=" + steadyMax.toMillis() / 1000.0 + "s steadyWindow="
                + steadyWindow.toMillis() / 1000.0 + "s steadyTolerance=" + steadyTolerance
                + (jfrDir == null ? "" : " jfr=" + jfrDir);
    }
}
