package io.byol4j.sdkbench;

import io.byol4j.sdk.internal.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every byol4j benchmark in one JMH run on one exported model and reports the ratios that matter:
 * SDK encoder vs. raw ONNX Runtime, DJL vs. raw, end to end from JPEG vs. raw inference, and the share of
 * each stage. Writes JMH's JSON ({@code jmh-results.json}) and the throughputs and ratios, from the mean
 * and from the best measurement iteration ({@code ratios.json}), into the output folder.
 *
 * <pre>
 * java -cp 'sdk-bench/target/byol4j-sdk-bench-0.1.0-SNAPSHOT.jar:sdk-sdk-bench/target/lib/*' io.byol4j.sdkbench.BenchMain \
 *     [--warmup 2] [--iterations 3] [--time 2] [--forks 1] [--out sdk-bench/target/results] [--model FILE.onnx]
 *     [--include REGEX]
 * </pre>
 */
public final class BenchMain {

    private static final String INFERENCE = InferenceBench.class.getName() + ".";
    private static final String PIPELINE = PipelineBench.class.getName() + ".";

    /** Command-line settings. */
    record Settings(int warmup, int iterations, int seconds, int forks, Path out, Path model, String include) {

        static Settings parse(String[] args) {
            int warmup = 2;
            int iterations = 3;
            int seconds = 2;
            int forks = 1;
            Path out = Path.of("sdk-bench", "target", "results");
            Path model = null;
            String include = "io\\.byol4j\\.sdkbench\\..*";
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                if (flag.equals("--help") || flag.equals("-h")) {
                    throw new IllegalArgumentException("usage: BenchMain [--warmup N] [--iterations N] [--time SECONDS]"
                            + " [--forks N] [--out DIR] [--model FILE.onnx] [--include REGEX]");
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(flag + " needs a value");
                }
                String value = args[++i];
                switch (flag) {
                    case "--warmup" -> warmup = count(flag, value, 0);
                    case "--iterations" -> iterations = count(flag, value, 1);
                    case "--time" -> seconds = count(flag, value, 1);
                    case "--forks" -> forks = count(flag, value, 1);
                    case "--out" -> out = Path.of(value);
                    case "--model" -> model = Path.of(value);
                    case "--include" -> include = value;
                    default ->
                        throw new IllegalArgumentException("unknown option " + flag
                                + "; known: --warmup --iterations --time --forks --out --model --include");
                }
            }
            return new Settings(warmup, iterations, seconds, forks, out, model, include);
        }

        private static int count(String flag, String value, int min) {
            try {
                int n = Integer.parseInt(value);
                if (n < min) {
                    throw new IllegalArgumentException(flag + " must be at least " + min + ", got " + n);
                }
                return n;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + " needs a whole number, got '" + value + "'");
            }
        }
    }

    private BenchMain() {}

    public static void main(String[] args) throws IOException, RunnerException {
        Settings settings;
        try {
            settings = Settings.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Files.createDirectories(settings.out());
        Path model = settings.model() != null
                ? settings.model()
                : BenchModel.export(settings.out().resolve("model"));
        Path jmhJson = settings.out().resolve("jmh-results.json");
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(settings.include())
                .forks(settings.forks())
                .warmupIterations(settings.warmup())
                .warmupTime(TimeValue.seconds(settings.seconds()))
                .measurementIterations(settings.iterations())
                .measurementTime(TimeValue.seconds(settings.seconds()))
                .threads(1)
                .param(BenchModel.PARAM, model.toAbsolutePath().toString())
                .jvmArgsAppend(
                        "-Dai.djl.offline=true",
                        "-Djava.awt.headless=true",
                        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
                .resultFormat(ResultFormatType.JSON)
                .result(jmhJson.toString());
        Collection<RunResult> results = new Runner(options.build()).run();

        Map<String, Double> means = new LinkedHashMap<>();
        Map<String, Double> bests = new LinkedHashMap<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            means.put(name, r.getPrimaryResult().getScore());
            bests.put(name, best(r));
        }
        Map<String, Double> meanRatios = ratios(means);
        Map<String, Double> bestRatios = ratios(bests);
        print(means, bests, meanRatios, bestRatios);
        Map<String, Map<String, Double>> json = new LinkedHashMap<>();
        json.put("imagesPerSecond.mean", means);
        json.put("imagesPerSecond.best", bests);
        json.put("ratios.mean", meanRatios);
        json.put("ratios.best", bestRatios);
        writeJson(settings.out().resolve("ratios.json"), json);
        System.out.println(
                "JMH results: " + jmhJson + ", ratios: " + settings.out().resolve("ratios.json"));
    }

    /** The ratios and stage shares that can be computed from the benchmarks that ran. */
    static Map<String, Double> ratios(Map<String, Double> scores) {
        Map<String, Double> out = new LinkedHashMap<>();
        Double raw = scores.get(INFERENCE + "rawOrtSession");
        if (raw != null) {
            ratio(out, "encoderEmbedFloats/raw", scores.get(INFERENCE + "encoderEmbedFloats"), raw);
            ratio(out, "encoderEmbedImages/raw", scores.get(INFERENCE + "encoderEmbedImages"), raw);
            ratio(out, "djlPredictor/raw", scores.get(INFERENCE + "djlPredictor"), raw);
            ratio(out, "pipelineInfer/raw", scores.get(PIPELINE + "infer"), raw);
            ratio(out, "endToEndSequential/raw", scores.get(PIPELINE + "endToEndSequential"), raw);
            ratio(out, "endToEndPipelined/raw", scores.get(PIPELINE + "endToEndPipelined"), raw);
        }
        Double infer = scores.get(PIPELINE + "infer");
        if (infer != null) {
            // The same comparison against the inference stage measured next to it, in the same class.
            ratio(out, "endToEndSequential/infer", scores.get(PIPELINE + "endToEndSequential"), infer);
            ratio(out, "endToEndPipelined/infer", scores.get(PIPELINE + "endToEndPipelined"), infer);
        }
        Double decode = scores.get(PIPELINE + "decode");
        Double preprocess = scores.get(PIPELINE + "preprocess");
        if (decode != null && preprocess != null && infer != null) {
            double total = 1 / decode + 1 / preprocess + 1 / infer;
            out.put("share.decode", (1 / decode) / total);
            out.put("share.preprocess", (1 / preprocess) / total);
            out.put("share.infer", (1 / infer) / total);
            out.put("stagesSum.imagesPerSecond", 1 / total);
        }
        return out;
    }

    private static void ratio(Map<String, Double> out, String name, Double numerator, double denominator) {
        if (numerator != null) {
            out.put(name, numerator / denominator);
        }
    }

    /**
     * The best measurement iteration. Other processes on a shared machine only ever slow a benchmark
     * down, so the fastest iteration is the least disturbed estimate; ratios are reported from both.
     */
    private static double best(RunResult result) {
        double best = Double.NaN;
        for (BenchmarkResult fork : result.getBenchmarkResults()) {
            for (IterationResult iteration : fork.getIterationResults()) {
                double score = iteration.getPrimaryResult().getScore();
                best = Double.isNaN(best) ? score : Math.max(best, score);
            }
        }
        return best;
    }

    private static void print(
            Map<String, Double> means,
            Map<String, Double> bests,
            Map<String, Double> meanRatios,
            Map<String, Double> bestRatios) {
        System.out.println();
        System.out.println("== byol4j benchmarks (images/s, batch " + BenchModel.BATCH + ", " + BenchModel.SIZE + "x"
                + BenchModel.SIZE + " RGB, " + Runtime.getRuntime().availableProcessors() + " CPUs)");
        System.out.printf(Locale.ROOT, "  %-42s %12s %12s%n", "benchmark", "mean", "best");
        means.forEach((name, mean) -> System.out.printf(
                Locale.ROOT,
                "  %-42s %12.1f %12.1f%n",
                name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1),
                mean,
                bests.get(name)));
        System.out.println("== ratios and stage shares (from the means, from the best iterations)");
        meanRatios.forEach((name, value) ->
                System.out.printf(Locale.ROOT, "  %-42s %12.3f %12.3f%n", name, value, bestRatios.get(name)));
    }

    private static void writeJson(Path target, Map<String, Map<String, Double>> sections) throws IOException {
        StringBuilder json = new StringBuilder("{\n");
        int s = 0;
        for (Map.Entry<String, Map<String, Double>> section : sections.entrySet()) {
            json.append("  \"").append(section.getKey()).append("\": {\n");
            int i = 0;
            for (Map.Entry<String, Double> e : section.getValue().entrySet()) {
                json.append("    \"")
                        .append(e.getKey())
                        .append("\": ")
                        .append(String.format(Locale.ROOT, "%.6f", e.getValue()))
                        .append(++i < section.getValue().size() ? ",\n" : "\n");
            }
            json.append("  }").append(++s < sections.size() ? ",\n" : "\n");
        }
        json.append("}\n");
        AtomicFiles.writeString(target, json.toString());
    }
}
