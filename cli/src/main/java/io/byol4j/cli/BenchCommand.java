package io.byol4j.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import io.byol4j.sdk.data.Dataset;
import io.byol4j.sdk.data.Datasets;
import io.byol4j.sdk.io.AtomicFiles;
import io.byol4j.trainer.config.TrainConfig;
import io.byol4j.trainer.device.DeviceSelector;
import io.byol4j.trainer.memory.MallocTuning;
import io.byol4j.trainer.network.ByolNetwork;
import io.byol4j.trainer.optim.Optimizer;
import io.byol4j.trainer.schedule.LrSchedule;
import io.byol4j.trainer.schedule.TauSchedule;
import io.byol4j.trainer.train.ByolTrainer;
import io.byol4j.trainer.train.TrainResult;
import io.byol4j.trainer.train.TrainingStep;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code byol4j bench}: BYOL training throughput (images/s) per preset, on synthetic data at the preset's
 * image size. For every preset, in the same JVM and interleaved round by round:
 *
 * <ul>
 *   <li><b>byol4j step</b>: the trainer's own {@link TrainingStep} (online and target forward of both views,
 *       symmetric loss, backward, optimiser update, EMA update) on pre-made batches, so it isolates compute;
 *   <li><b>full pipeline</b>: a real {@link ByolTrainer} run of the same number of steps on a synthetic
 *       dataset, data loading and augmentation on its background threads included;
 *   <li><b>pytorch</b> (with {@code --pytorch PYTHON}): {@code bench/pytorch/byol_step.py}, the same model
 *       and step in plain PyTorch eager mode with the same batch and thread count, kept running in a
 *       subprocess between its rounds.
 * </ul>
 *
 * <p>Reports the median of the rounds and the median of the per-round ratios; writes {@code bench.csv},
 * {@code bench.json} and {@code bench-config.json} into the output folder.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "BYOL training throughput per preset: the trainer's step alone, the full pipeline,"
                + " and optionally plain PyTorch eager on the same model.")
final class BenchCommand implements Callable<Integer> {

    /**
     * Configuration of one benchmark run.
     *
     * @param out output folder
     * @param presets shipped presets to measure
     * @param warmupSteps untimed steps of the byol4j step (and of PyTorch) before the rounds
     * @param steps timed steps per round and measurement (lowered per preset by {@code maxSeconds})
     * @param rounds interleaved rounds; medians are over rounds
     * @param threads libtorch intra-op threads, {@code null} for the engine's default
     * @param maxSeconds target seconds per round and measurement: a preset whose warm step is slow runs
     *     {@code max(1, floor(maxSeconds / stepSeconds))} steps per round instead of {@code steps}, where
     *     {@code stepSeconds} is the median warm-up step after the first; 0 always runs {@code steps};
     *     warm-up also stops once it has taken this long
     * @param imageSize image side instead of the preset's, {@code null} for the preset's
     * @param batchSize batch instead of the preset's, {@code null} for the preset's
     * @param pytorch python executable for the PyTorch baseline, {@code null} for none
     * @param pytorchScript path of {@code byol_step.py}, {@code null} to look for it in the source tree
     * @param seed seed of the weights and of the synthetic data
     */
    record BenchConfig(String out, List<String> presets, int warmupSteps, int steps, int rounds, Integer threads,
            double maxSeconds, Integer imageSize, Integer batchSize, String pytorch, String pytorchScript,
            long seed) {}

    static final BenchConfig DEFAULTS = new BenchConfig(null, List.of("cpu-tiny", "cpu-small"), 5, 20, 2,
            null, 10.0, null, null, null, null, 42L);

    /** Where the PyTorch script lives in the source tree. */
    static final String SCRIPT = "bench/pytorch/byol_step.py";

    @Option(names = "--config", description = "JSON file with the bench configuration.")
    Path configFile;

    @Option(names = "--force", description = "Replace the content of a non-empty --out folder (kept if bench fails).")
    boolean force;

    @Option(names = "--out", description = "Output folder (default: a new folder runs/bench/<date>-<time>).")
    String out;

    @Option(names = "--presets", split = ",", description = "Presets to measure (default cpu-tiny,cpu-small).")
    List<String> presets;

    @Option(names = "--warmup-steps", description = "Untimed steps before the rounds (default 5).")
    Integer warmupSteps;

    @Option(names = "--steps", description = "Timed steps per round and measurement (default 20).")
    Integer steps;

    @Option(names = "--rounds", description = "Interleaved rounds; results are medians over rounds (default 2).")
    Integer rounds;

    @Option(names = "--threads", description = "libtorch intra-op threads (default: the engine's default).")
    Integer threads;

    @Option(names = "--max-seconds", description = "Seconds per round and measurement a preset may take;"
            + " slower presets run fewer steps (default 10, 0: always --steps).")
    Double maxSeconds;

    @Option(names = "--image-size", description = "Image side instead of the preset's.")
    Integer imageSize;

    @Option(names = "--batch-size", description = "Batch instead of the preset's.")
    Integer batchSize;

    @Option(names = "--pytorch", description = "python3 with torch: also time " + SCRIPT + " (plain PyTorch).")
    String pytorch;

    @Option(names = "--pytorch-script", description = "Path of byol_step.py (default: found in the source tree).")
    String pytorchScript;

    @Option(names = "--seed", description = "Seed of the weights and the synthetic data (default 42).")
    Long seed;

    /** One round of one preset; {@code pytorch} is null when the baseline did not run. */
    record Round(int round, double byol4jStep, double pipeline, double pipelineDataWait, Double pytorch) {}

    /** Everything measured for one preset. Ratios are medians of the per-round ratios. */
    record PresetResult(String preset, String encoder, int batch, int imageSize, String optimizer, String device,
            int warmupSteps, int stepsPerRound, List<Round> rounds, double byol4jStep, double pipeline,
            double pipelineDataWait, double pipelineOverStep, Double pytorch, Double byol4jOverPytorch,
            String pytorchNote) {}

    /** The whole report, as written to {@code bench.json}. */
    record Report(BenchConfig config, String engine, int threads, String ompWaitPolicy, String malloc,
            Map<String, Object> pytorch, List<PresetResult> presets) {}

    @Override
    public Integer call() throws Exception {
        Map<String, Object> flags = new LinkedHashMap<>();
        flags.put("out", out);
        flags.put("presets", presets);
        flags.put("warmupSteps", warmupSteps);
        flags.put("steps", steps);
        flags.put("rounds", rounds);
        flags.put("threads", threads);
        flags.put("maxSeconds", maxSeconds);
        flags.put("imageSize", imageSize);
        flags.put("batchSize", batchSize);
        flags.put("pytorch", pytorch);
        flags.put("pytorchScript", pytorchScript);
        flags.put("seed", seed);
        BenchConfig cfg = CommandConfigs.resolve(BenchConfig.class, DEFAULTS, configFile, flags);
        if (cfg.out() == null) {
            Path fresh = Outputs.newRunFolder(Path.of("runs", "bench"), java.time.LocalDateTime.now());
            System.out.println("bench: writing to the new folder " + fresh);
            cfg = new BenchConfig(fresh.toString(), cfg.presets(), cfg.warmupSteps(), cfg.steps(), cfg.rounds(),
                    cfg.threads(), cfg.maxSeconds(), cfg.imageSize(), cfg.batchSize(), cfg.pytorch(),
                    cfg.pytorchScript(), cfg.seed());
        }
        validate(cfg);
        Path root = Path.of(cfg.out());
        Outputs.refuseNonEmptyFolder("bench", root, force, "");
        CommandConfigs.print(System.out, "bench", cfg);
        Outputs.FolderReplacement replacement = Outputs.replaceFolder(root, System.out);
        try {
            run(cfg, System.out);
        } catch (Exception | Error e) {
            replacement.rollBack(e);
            throw e;
        }
        replacement.commit();
        return 0;
    }

    static Report run(BenchConfig cfg, PrintStream out) throws IOException, InterruptedException {
        validate(cfg);
        Path root = Path.of(cfg.out());
        CommandConfigs.save(root, "bench", cfg);
        Files.deleteIfExists(root.resolve("pipeline.log"));
        List<TrainConfig> trainConfigs = new ArrayList<>();
        for (String preset : cfg.presets()) {
            trainConfigs.add(trainConfig(cfg, preset));
        }
        Engine engine = Engine.getEngine("PyTorch");
        if (cfg.threads() != null) {
            JniUtils.setNumThreads(cfg.threads());
        }
        int threadsUsed = JniUtils.getNumThreads();
        String omp = System.getenv("OMP_WAIT_POLICY");
        String engineName = engine.getEngineName() + " " + engine.getVersion();
        out.printf(Locale.ROOT, "engine %s, %d intra-op threads, OMP_WAIT_POLICY=%s%n", engineName, threadsUsed,
                omp == null ? "(unset)" : omp);
        if (omp == null || !omp.equalsIgnoreCase("PASSIVE")) {
            out.println("note: OMP_WAIT_POLICY is not PASSIVE; spinning OpenMP threads distort timings on a busy"
                    + " machine (the ./byol4j launcher sets it)");
        }
        // As the trainer does (TrainingSession), so that the step measured is the step that trains.
        String malloc = MallocTuning.apply().detail();
        out.println(malloc);

        Baseline baseline = Baseline.locate(cfg, out);
        Map<String, Object> pytorchInfo = new LinkedHashMap<>();
        pytorchInfo.put("python", cfg.pytorch());
        pytorchInfo.put("script", baseline.script == null ? null : baseline.script.toString());
        warmUpPipeline(trainConfigs.get(0), root, out);
        List<PresetResult> results = new ArrayList<>();
        for (int i = 0; i < cfg.presets().size(); i++) {
            results.add(measure(cfg, cfg.presets().get(i), trainConfigs.get(i), threadsUsed, baseline, pytorchInfo,
                    root, out));
        }
        baseline.note().ifPresent(n -> pytorchInfo.put("note", n));
        deleteTree(root.resolve(".pipeline"));

        Report report = new Report(cfg, engineName, threadsUsed, omp, malloc, pytorchInfo, results);
        printTable(out, report);
        writeCsv(root.resolve("bench.csv"), results);
        CommandConfigs.saveJson(root.resolve("bench.json"), report);
        out.println("files: " + root.resolve("bench.csv") + ", " + root.resolve("bench.json") + ", "
                + root.resolve("bench-config.json"));
        return report;
    }

    private static void validate(BenchConfig cfg) {
        if (cfg.presets() == null || cfg.presets().isEmpty()) {
            throw new CliException("--presets needs at least one preset; known: " + TrainConfig.PRESETS);
        }
        if (cfg.warmupSteps() < 1) {
            throw new CliException("--warmup-steps must be at least 1, got " + cfg.warmupSteps());
        }
        if (cfg.steps() < 1) {
            throw new CliException("--steps must be at least 1, got " + cfg.steps());
        }
        if (cfg.rounds() < 1) {
            throw new CliException("--rounds must be at least 1, got " + cfg.rounds());
        }
        if (cfg.threads() != null && cfg.threads() < 1) {
            throw new CliException("--threads must be at least 1, got " + cfg.threads());
        }
        if (!(cfg.maxSeconds() >= 0) || Double.isInfinite(cfg.maxSeconds())) {
            throw new CliException("--max-seconds must be 0 or positive, got " + cfg.maxSeconds());
        }
    }

    /** The preset with the bench's overrides; no monitor, no periodic checkpoints. */
    static TrainConfig trainConfig(BenchConfig cfg, String preset) {
        Map<String, String> overrides = new LinkedHashMap<>();
        if (cfg.imageSize() != null) {
            overrides.put("imageSize", cfg.imageSize().toString());
        }
        if (cfg.batchSize() != null) {
            overrides.put("batchSize", cfg.batchSize().toString());
        }
        overrides.put("seed", Long.toString(cfg.seed()));
        overrides.put("monitor.knnEveryEpochs", "0");
        overrides.put("checkpointEverySteps", "0");
        return TrainConfig.preset(preset).withOverrides(overrides);
    }

    private static PresetResult measure(BenchConfig cfg, String preset, TrainConfig tc, int threads,
            Baseline baseline, Map<String, Object> pytorchInfo, Path root, PrintStream out)
            throws IOException, InterruptedException {
        out.printf(Locale.ROOT, "== %s: %s, batch %d, %dx%d, %s%n", preset, tc.encoder().displayName(),
                tc.batchSize(), tc.imageSize(), tc.imageSize(), tc.optimizer().type());
        Device device = DeviceSelector.system().select(tc.device()).get(0);
        long scheduleLength = (long) cfg.warmupSteps() + (long) cfg.rounds() * cfg.steps();
        LrSchedule lr = new LrSchedule(tc.peakLr(), cfg.warmupSteps(), scheduleLength);
        TauSchedule tau = new TauSchedule(tc.tauBase(), scheduleLength);
        int floats = tc.batchSize() * tc.channels() * tc.imageSize() * tc.imageSize();
        Random random = new Random(tc.seed());
        float[] view1 = gaussian(random, floats);
        float[] view2 = gaussian(random, floats);
        List<Round> rounds = new ArrayList<>();
        int warmupUsed;
        int stepsUsed;
        String pytorchNote = null;
        try (ByolNetwork net = ByolNetwork.create(tc, device);
                Optimizer opt = Optimizer.create(tc.optimizer(),
                        net.trainableParameters(tc.optimizer().excludeBiasAndNorm()), net.manager())) {
            TrainingStep trainingStep = new TrainingStep(net, opt, tc);
            long[] k = {0};
            long warmStart = System.nanoTime();
            List<Double> warmSteps = new ArrayList<>();
            while (warmSteps.size() < cfg.warmupSteps()) {
                long t0 = System.nanoTime();
                step(trainingStep, view1, view2, lr, tau, k);
                warmSteps.add((System.nanoTime() - t0) / 1e9);
                if (cfg.maxSeconds() > 0 && (System.nanoTime() - warmStart) / 1e9 >= cfg.maxSeconds()) {
                    break;
                }
            }
            warmupUsed = warmSteps.size();
            double stepSeconds = median(warmSteps.subList(warmupUsed > 1 ? 1 : 0, warmupUsed).stream()
                    .mapToDouble(Double::doubleValue).toArray());
            stepsUsed = cfg.steps();
            if (cfg.maxSeconds() > 0) {
                stepsUsed = (int) Math.max(1, Math.min(cfg.steps(), Math.floor(cfg.maxSeconds() / stepSeconds)));
            }
            out.printf(Locale.ROOT, "warm-up: %d steps (first %.2f s, then median %.2f s); %d timed steps per"
                    + " round%n", warmupUsed, warmSteps.get(0), stepSeconds, stepsUsed);

            Path configJson = root.resolve("bench-" + preset + ".json");
            AtomicFiles.writeString(configJson, tc.toJson() + System.lineSeparator());
            PyTorchServer server = baseline.start(preset, configJson, threads, warmupUsed, cfg.warmupSteps(),
                    scheduleLength, tc.seed(), root, pytorchInfo, out);
            try {
                for (int r = 1; r <= cfg.rounds(); r++) {
                    long t0 = System.nanoTime();
                    for (int s = 0; s < stepsUsed; s++) {
                        step(trainingStep, view1, view2, lr, tau, k);
                    }
                    double stepRate = (double) stepsUsed * tc.batchSize() / ((System.nanoTime() - t0) / 1e9);
                    TrainResult pipeline = pipeline(tc, preset, r, stepsUsed, root);
                    Double torchRate = null;
                    if (server != null) {
                        try {
                            torchRate = server.run(stepsUsed);
                        } catch (IOException e) {
                            pytorchNote = "the PyTorch baseline stopped: " + e.getMessage();
                            out.println("note: " + pytorchNote + "; continuing without it");
                            server.close();
                            server = null;
                        }
                    }
                    rounds.add(new Round(r, stepRate, pipeline.imagesPerSecond(), pipeline.dataWaitShare(),
                            torchRate));
                    out.printf(Locale.ROOT, "round %d: byol4j step %.1f img/s, full pipeline %.1f img/s"
                                    + " (data wait %.0f%%)%s%n", r, stepRate, pipeline.imagesPerSecond(),
                            100 * pipeline.dataWaitShare(),
                            torchRate == null ? "" : String.format(Locale.ROOT, ", pytorch %.1f img/s", torchRate));
                }
            } finally {
                if (server != null) {
                    server.close();
                }
            }
        }
        if (pytorchNote == null && rounds.stream().anyMatch(r -> r.pytorch() == null)) {
            pytorchNote = baseline.note().orElse("not measured");
        }
        boolean torchAll = rounds.stream().allMatch(r -> r.pytorch() != null);
        double stepMedian = median(rounds.stream().mapToDouble(Round::byol4jStep).toArray());
        double pipeMedian = median(rounds.stream().mapToDouble(Round::pipeline).toArray());
        double waitMedian = median(rounds.stream().mapToDouble(Round::pipelineDataWait).toArray());
        double pipeRatio = median(rounds.stream().mapToDouble(r -> r.pipeline() / r.byol4jStep()).toArray());
        Double torchMedian = torchAll ? median(rounds.stream().mapToDouble(Round::pytorch).toArray()) : null;
        Double torchRatio = torchAll
                ? median(rounds.stream().mapToDouble(r -> r.byol4jStep() / r.pytorch()).toArray()) : null;
        return new PresetResult(preset, tc.encoder().displayName(), tc.batchSize(), tc.imageSize(),
                tc.optimizer().type(), device.toString(), warmupUsed, stepsUsed, List.copyOf(rounds), stepMedian,
                pipeMedian, waitMedian, pipeRatio, torchMedian, torchRatio, torchAll ? null : pytorchNote);
    }

    private static void step(TrainingStep trainingStep, float[] view1, float[] view2, LrSchedule lr, TauSchedule tau,
            long[] k) {
        TrainingStep.Result result = trainingStep.run(view1, view2, lr.at(k[0]), tau.at(k[0]));
        if (!result.applied()) {
            throw new IllegalStateException("the benchmark step diverged at step " + (k[0] + 1) + " (loss "
                    + result.loss() + ")");
        }
        k[0]++;
    }

    /** One real training run of {@code steps} steps (one epoch) on a synthetic dataset; progress goes to a log. */
    private static TrainResult pipeline(TrainConfig tc, String preset, int round, int steps, Path root)
            throws IOException {
        Path runDir = root.resolve(".pipeline").resolve(preset + "-round" + round);
        deleteTree(runDir);
        String spec = "synthetic:size=" + (long) steps * tc.batchSize() + ",seed=" + tc.seed() + ",image="
                + tc.imageSize();
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("dataset", spec);
        overrides.put("steps", Integer.toString(steps));
        overrides.put("outputDir", runDir.toString());
        overrides.put("logEverySteps", Integer.toString(Math.max(1, steps)));
        TrainConfig run = tc.withOverrides(overrides);
        Dataset dataset = Datasets.open(spec, tc.channels());
        Files.createDirectories(root);
        try (PrintStream log = new PrintStream(Files.newOutputStream(root.resolve("pipeline.log"),
                StandardOpenOption.CREATE, StandardOpenOption.APPEND), true, StandardCharsets.UTF_8)) {
            log.printf(Locale.ROOT, "== %s round %d%n", preset, round);
            return new ByolTrainer().run(run, dataset, false, log);
        } finally {
            deleteTree(runDir);
        }
    }

    /**
     * One untimed two-step trainer run of the first preset at a batch of at most 16, so that one-time JVM
     * costs (class loading, the first chart rendering, JIT of the loader and augmentations) stay out of the
     * timed pipeline rounds.
     */
    private static void warmUpPipeline(TrainConfig first, Path root, PrintStream out) throws IOException {
        long t0 = System.nanoTime();
        TrainConfig small = first.withOverrides(Map.of("batchSize", Integer.toString(Math.min(16,
                first.batchSize()))));
        pipeline(small, "jvm-warmup", 0, 2, root);
        out.printf(Locale.ROOT, "pipeline warm-up (untimed 2-step run, batch %d): %.1f s%n", small.batchSize(),
                (System.nanoTime() - t0) / 1e9);
    }

    private static float[] gaussian(Random random, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) random.nextGaussian();
        }
        return a;
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    private static void printTable(PrintStream out, Report report) {
        boolean torch = report.presets().stream().anyMatch(p -> p.pytorch() != null);
        int rounds = report.config().rounds();
        out.println();
        out.printf(Locale.ROOT, "byol4j bench: BYOL training images/s, median of %d interleaved round%s; %s, %d"
                + " threads%n", rounds, rounds == 1 ? "" : "s", report.engine(), report.threads());
        String line = "+-----------+-------------------------+-------+------+-------+-------------+---------------"
                + "+-----------+---------------+" + (torch ? "-----------+----------------+" : "");
        out.println(line);
        out.println("| preset    | encoder                 | batch | size | steps | byol4j step | full pipeline "
                + "| data wait | pipeline/step |" + (torch ? " pytorch   | byol4j/pytorch |" : ""));
        out.println(line);
        for (PresetResult p : report.presets()) {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                    "| %-9s | %-23s | %5d | %4d | %5d | %11.1f | %13.1f | %8.0f%% | %12.2fx |", p.preset(),
                    p.encoder(), p.batch(), p.imageSize(), p.stepsPerRound(), p.byol4jStep(), p.pipeline(),
                    100 * p.pipelineDataWait(), p.pipelineOverStep()));
            if (torch) {
                sb.append(p.pytorch() == null ? String.format(Locale.ROOT, " %-9s | %-14s |", "-", "-")
                        : String.format(Locale.ROOT, " %9.1f | %13.2fx |", p.pytorch(), p.byol4jOverPytorch()));
            }
            out.println(sb);
        }
        out.println(line);
        out.println("steps: timed steps per round and measurement; ratios are medians of the per-round ratios");
        if (torch) {
            Object version = report.pytorch().get("torch");
            out.println("pytorch: plain PyTorch eager " + (version == null ? "" : version + " ")
                    + "(bench/pytorch/byol_step.py), same model, batch, step and threads, random tensors");
        }
        for (PresetResult p : report.presets()) {
            if (p.pytorchNote() != null && report.config().pytorch() != null) {
                out.println("note: " + p.preset() + ": no pytorch column: " + p.pytorchNote());
            }
        }
    }

    private static void writeCsv(Path file, List<PresetResult> results) throws IOException {
        StringBuilder sb = new StringBuilder("preset,encoder,batch,image_size,optimizer,device,warmup_steps,"
                + "steps_per_round,rounds,byol4j_step_images_per_s,pipeline_images_per_s,pipeline_data_wait,"
                + "pipeline_over_step,pytorch_images_per_s,byol4j_over_pytorch\n");
        for (PresetResult p : results) {
            sb.append(String.format(Locale.ROOT, "%s,%s,%d,%d,%s,%s,%d,%d,%d,%.3f,%.3f,%.4f,%.4f,%s,%s%n",
                    p.preset(), p.encoder(), p.batch(), p.imageSize(), p.optimizer(), p.device(), p.warmupSteps(),
                    p.stepsPerRound(), p.rounds().size(), p.byol4jStep(), p.pipeline(), p.pipelineDataWait(),
                    p.pipelineOverStep(), p.pytorch() == null ? "" : String.format(Locale.ROOT, "%.3f", p.pytorch()),
                    p.byol4jOverPytorch() == null ? ""
                            : String.format(Locale.ROOT, "%.4f", p.byol4jOverPytorch())));
        }
        AtomicFiles.writeString(file, sb.toString());
    }

    /** Deletes a scratch folder of the bench and everything in it, if present. */
    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The optional PyTorch baseline: where the script is, and why it is off when it is. */
    static final class Baseline {

        final String python;
        final Path script;
        private String disabled;

        private Baseline(String python, Path script, String disabled) {
            this.python = python;
            this.script = script;
            this.disabled = disabled;
        }

        static Baseline locate(BenchConfig cfg, PrintStream out) {
            if (cfg.pytorch() == null || cfg.pytorch().isBlank()) {
                return new Baseline(null, null, "not requested (--pytorch PYTHON)");
            }
            Path script = cfg.pytorchScript() != null ? Path.of(cfg.pytorchScript()) : findScript();
            if (script == null || !Files.isRegularFile(script)) {
                String reason = "the PyTorch script " + (script == null ? SCRIPT : script) + " is missing"
                        + (cfg.pytorchScript() == null ? " (give --pytorch-script PATH)" : "");
                out.println("note: " + reason + "; continuing without the pytorch column");
                return new Baseline(cfg.pytorch(), null, reason);
            }
            return new Baseline(cfg.pytorch(), script, null);
        }

        /** {@value #SCRIPT} under the working folder, else beside the cli module this class was loaded from. */
        private static Path findScript() {
            Path here = Path.of(SCRIPT);
            if (Files.isRegularFile(here)) {
                return here.toAbsolutePath();
            }
            try {
                Path code = Path.of(BenchCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                for (Path dir = code.getParent(); dir != null; dir = dir.getParent()) {
                    Path candidate = dir.resolve(SCRIPT);
                    if (Files.isRegularFile(candidate)) {
                        return candidate;
                    }
                }
            } catch (URISyntaxException | RuntimeException e) {
                return null;
            }
            return null;
        }

        Optional<String> note() {
            return Optional.ofNullable(disabled);
        }

        /** Starts and warms up the script for one preset, or returns null (after saying why) when it cannot. */
        PyTorchServer start(String preset, Path configJson, int threads, int warmup, int lrWarmup, long total,
                long seed, Path root, Map<String, Object> info, PrintStream out) throws InterruptedException {
            if (disabled != null) {
                return null;
            }
            Path log = root.resolve("pytorch-" + preset + ".log");
            List<String> command = List.of(python, script.toString(), "--serve", "--config", configJson.toString(),
                    "--name", preset, "--threads", Integer.toString(threads), "--warmup", Integer.toString(warmup),
                    "--lr-warmup-steps", Integer.toString(lrWarmup), "--total-steps", Long.toString(total),
                    "--seed", Long.toString(seed));
            try {
                PyTorchServer server = PyTorchServer.start(command, log);
                JsonNode ready = server.ready;
                info.put("torch", ready.path("torch").asText());
                info.put("blas", ready.path("blas").asText());
                info.put("threads", ready.path("threads").asInt());
                out.printf(Locale.ROOT, "pytorch %s ready: %d threads, warm-up %d steps in %.1f s%n",
                        ready.path("torch").asText(), ready.path("threads").asInt(), warmup,
                        ready.path("warmupSeconds").asDouble());
                return server;
            } catch (IOException e) {
                disabled = "cannot run the PyTorch baseline (" + python + " " + script + "): " + e.getMessage();
                out.println("note: " + disabled + "; continuing without the pytorch column");
                return null;
            }
        }
    }

    /** {@code byol_step.py --serve} in a subprocess: one JSON line per {@code run N} request. */
    static final class PyTorchServer implements AutoCloseable {

        private final Process process;
        private final BufferedReader reader;
        private final BufferedWriter writer;
        private final Path log;
        final JsonNode ready;

        private PyTorchServer(Process process, Path log) throws IOException {
            this.process = process;
            this.log = log;
            this.reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            this.writer = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
            this.ready = nextResult();
            if (!ready.path("ready").asBoolean()) {
                throw new IOException("unexpected first answer " + ready);
            }
        }

        static PyTorchServer start(List<String> command, Path log) throws IOException {
            Files.createDirectories(log.toAbsolutePath().getParent());
            ProcessBuilder pb = new ProcessBuilder(command).redirectError(log.toFile());
            pb.environment().putIfAbsent("OMP_WAIT_POLICY", "PASSIVE");
            Process process = pb.start();
            try {
                return new PyTorchServer(process, log);
            } catch (IOException | RuntimeException e) {
                process.destroy();
                throw e;
            }
        }

        /** Times {@code steps} steps in the subprocess; returns its images/s. */
        double run(int steps) throws IOException {
            writer.write("run " + steps + "\n");
            writer.flush();
            JsonNode result = nextResult();
            double rate = result.path("imagesPerSecond").asDouble(Double.NaN);
            if (!(rate > 0) || Double.isInfinite(rate)) {
                throw new IOException("unexpected answer " + result);
            }
            return rate;
        }

        private JsonNode nextResult() throws IOException {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("{")) {
                    JsonNode node = CommandConfigs.JSON.readTree(line);
                    if (node.has("error")) {
                        throw new IOException(node.get("error").asText());
                    }
                    return node;
                }
            }
            throw new IOException("the process ended" + exitText() + lastErrorLine());
        }

        private String exitText() {
            try {
                if (process.waitFor(5, TimeUnit.SECONDS)) {
                    return " with exit code " + process.exitValue();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "";
        }

        private String lastErrorLine() {
            try {
                List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                        .filter(l -> !l.isBlank()).toList();
                return lines.isEmpty() ? "" : ": " + lines.get(lines.size() - 1).strip() + " (log " + log + ")";
            } catch (IOException e) {
                return "";
            }
        }

        @Override
        public void close() {
            try {
                writer.write("quit\n");
                writer.flush();
            } catch (IOException ignored) {
                // the process is gone already
            }
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroy();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroy();
                Thread.currentThread().interrupt();
            }
        }
    }
}
