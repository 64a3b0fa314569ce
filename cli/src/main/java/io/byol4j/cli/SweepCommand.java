package io.byol4j.cli;

import io.byol4j.sdk.internal.Durations;
import io.byol4j.sdk.internal.io.AtomicFiles;
import io.byol4j.trainer.checkpoint.CheckpointState;
import io.byol4j.trainer.checkpoint.Checkpoints;
import io.byol4j.trainer.config.TrainConfig;
import io.byol4j.trainer.train.ByolTrainer;
import io.byol4j.trainer.train.TrainingDivergedException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code byol4j sweep}: trains and evaluates every cell of a grid of config settings for several seeds, in this
 * JVM with the code of {@code train} and {@code eval}, and writes one table ({@code sweep.csv}, {@code sweep.md})
 * and a plot ({@code sweep.png}) after every run.
 *
 * <p>Folder layout under {@code --out}: {@code runs/<cell>/seed-<n>/train} (the training run),
 * {@code .../eval} (the BYOL encoder's model, features and probes), {@code .../result.json} (written last: the
 * run is done), and {@code random-init/<key>/} (one evaluation per distinct random initialisation, shared by the
 * cells that start from identical weights). A sweep started again with the same setup skips finished runs,
 * resumes a training run from its last checkpoint and redoes an unfinished evaluation, so a killed sweep
 * continues where it stopped; new grid values or seeds extend it. A run whose training diverges is recorded in
 * its {@code diverged.json}, listed in the report, and skipped from then on; the sweep goes on.
 */
@Command(
        name = "sweep",
        mixinStandardHelpOptions = true,
        description = "Train + eval a grid of config settings over several seeds; mean and spread per cell in"
                + " sweep.csv / sweep.md, with random-init rows, and a plot sweep.png. Resumable.")
final class SweepCommand implements Callable<Integer> {

    /**
     * Configuration of one sweep.
     *
     * @param preset trainer preset the cells start from (unless {@code trainConfig})
     * @param trainConfig training config file the cells start from
     * @param set {@code key=value} overrides applied to every cell
     * @param grid {@code key=v1,v2,...} axes of the grid ({@link SweepGrid})
     * @param seeds training seeds; every cell runs once per seed
     * @param dataset pretraining dataset (default: {@code train})
     * @param train labeled dataset the probes are fitted on
     * @param test labeled dataset the probes are scored on
     * @param budgetMinutes training wall time allowed per run; runs over it are marked (0: no budget)
     * @param evalBatchSize images per inference batch of the evaluation
     */
    record SweepConfig(
            String preset,
            String trainConfig,
            List<String> set,
            List<String> grid,
            List<Long> seeds,
            String dataset,
            String train,
            String test,
            String out,
            double budgetMinutes,
            int evalBatchSize) {}

    static final SweepConfig DEFAULTS = new SweepConfig(
            null, null, List.of(), List.of(), List.of(1L, 2L, 3L), null, null, null, "runs/sweep", 0.0, 256);

    /** File in the sweep folder holding the resolved config every cell starts from. */
    static final String BASE_CONFIG = "base-train-config.json";

    static final String RESULT = "result.json";

    static final String DIVERGED = "diverged.json";

    /** A random initialisation's evaluation, shared between runs that start from identical weights. */
    record RandomInitRow(String key, long seed, double linear, double knn, String firstCell) {}

    @Option(names = "--config", description = "JSON file with the sweep configuration (as saved in sweep-config.json).")
    Path configFile;

    @Option(names = "--preset", description = "Preset every cell starts from (default cpu-tiny).")
    String preset;

    @Option(
            names = "--train-config",
            description = "Training config file every cell starts from (instead of --preset).")
    String trainConfig;

    @Option(names = "--set", description = "key=value applied to every cell, e.g. --set epochs=10 (repeatable).")
    List<String> set;

    @Option(
            names = "--grid",
            description = "key=v1,v2,... a varied config key (repeatable; cells are all"
                    + " combinations), e.g. --grid tauBase=0.97,0.99.")
    List<String> grid;

    @Option(names = "--seeds", split = ",", description = "Training seeds, e.g. 1,2,3 (default 1,2,3).")
    List<Long> seeds;

    @Option(names = "--dataset", description = "Pretraining dataset spec (default: the --train dataset).")
    String dataset;

    @Option(names = "--train", description = "Labeled dataset spec the probes are fitted on.")
    String train;

    @Option(names = "--test", description = "Labeled dataset spec the probes are scored on.")
    String test;

    @Option(names = "--out", description = "Sweep folder (default runs/sweep); reuse it to continue a sweep.")
    String out;

    @Option(names = "--budget-minutes", description = "Training minutes allowed per run; longer runs are marked.")
    Double budgetMinutes;

    @Option(names = "--batch-size", description = "Images per inference batch of the evaluation (default 256).")
    Integer evalBatchSize;

    @RunFlag
    @Option(
            names = "--dry-run",
            description = "Print the cells and seeds, what each would do (skip, resume,"
                    + " train), and stop: nothing is written.")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
        SweepConfig cfg = CommandConfigs.resolve(SweepConfig.class, DEFAULTS, configFile, this);
        CommandConfigs.print(System.out, "sweep", cfg);
        if (dryRun) {
            plan(cfg, System.out);
        } else {
            run(cfg, System.out);
        }
        return 0;
    }

    /**
     * Runs every cell and seed not finished yet and writes the report after each run.
     *
     * @return the results of every run of the grid, finished now or before
     * @throws CliException for a config that is incomplete or invalid for any cell (checked before training), or a
     *     sweep folder holding a sweep with another setup
     */
    static List<SweepReport.RunResult> run(SweepConfig cfg, PrintStream out) throws Exception {
        validate(cfg);
        Path root = Path.of(cfg.out());
        TrainConfig base = baseConfig(cfg);
        List<SweepGrid.Cell> cells = SweepGrid.parse(cfg.grid()).cells();
        Map<String, TrainConfig> configs = new LinkedHashMap<>();
        for (SweepGrid.Cell cell : cells) {
            for (long seed : cfg.seeds()) {
                configs.put(key(cell, seed), cellConfig(base, cell, seed, runRoot(root, cell, seed)));
            }
        }
        checkSameSetup(root, base);
        Files.createDirectories(root);
        CommandConfigs.save(root, "sweep", cfg);
        if (!Files.exists(root.resolve(BASE_CONFIG))) {
            AtomicFiles.writeString(root.resolve(BASE_CONFIG), base.toJson() + "\n");
        }

        String title = String.format(
                Locale.ROOT,
                "byol4j sweep: %s, %d cell(s) x %d seed(s), probes on %s",
                cfg.trainConfig() != null ? cfg.trainConfig() : "preset " + presetName(cfg),
                cells.size(),
                cfg.seeds().size(),
                cfg.test());
        List<SweepReport.RunResult> results = new ArrayList<>();
        List<SweepReport.DivergedRun> diverged = new ArrayList<>();
        int total = cells.size() * cfg.seeds().size();
        int index = 0;
        for (SweepGrid.Cell cell : cells) {
            for (long seed : cfg.seeds()) {
                index++;
                String heading =
                        String.format(Locale.ROOT, "== sweep run %d/%d: %s, seed %d", index, total, cell.label(), seed);
                Path runRoot = runRoot(root, cell, seed);
                Optional<SweepReport.DivergedRun> failedBefore = readDiverged(runRoot);
                if (failedBefore.isPresent()) {
                    out.println(heading + ": diverged before (delete " + runRoot.resolve(DIVERGED) + " to retry),"
                            + " skipped");
                    diverged.add(failedBefore.get());
                } else {
                    try {
                        SweepReport.RunResult r =
                                runOne(cfg, cell, seed, configs.get(key(cell, seed)), root, heading, out);
                        results.add(r);
                        if (cfg.budgetMinutes() > 0 && r.trainSeconds() / 60.0 > cfg.budgetMinutes()) {
                            out.printf(
                                    Locale.ROOT,
                                    "warning: %s seed %d trained %.1f min, over the budget of %.1f" + " min%n",
                                    cell.label(),
                                    seed,
                                    r.trainSeconds() / 60.0,
                                    cfg.budgetMinutes());
                        }
                    } catch (TrainingDivergedException e) {
                        SweepReport.DivergedRun d =
                                new SweepReport.DivergedRun(cell.id(), cell.settings(), seed, e.step(), e.getMessage());
                        CommandConfigs.saveJson(runRoot.resolve(DIVERGED), d);
                        out.println("warning: " + cell.label() + " seed " + seed + ": " + e.getMessage()
                                + " The sweep records it and goes on.");
                        diverged.add(d);
                    }
                }
                SweepReport.write(root, title, cells, results, diverged, cfg.budgetMinutes());
            }
        }
        out.println();
        out.print(Files.readString(root.resolve(SweepReport.SUMMARY_MD), StandardCharsets.UTF_8));
        out.println("files: " + root.resolve(SweepReport.SUMMARY_CSV) + ", " + root.resolve(SweepReport.SUMMARY_MD)
                + ", " + root.resolve(SweepReport.RUNS_CSV) + ", " + root.resolve(SweepReport.PLOT));
        return results;
    }

    /**
     * Prints every run of the sweep with what {@link #run} would do with it; validates the config for every cell
     * like {@link #run} and writes nothing.
     */
    static void plan(SweepConfig cfg, PrintStream out) throws IOException {
        validate(cfg);
        Path root = Path.of(cfg.out());
        TrainConfig base = baseConfig(cfg);
        List<SweepGrid.Cell> cells = SweepGrid.parse(cfg.grid()).cells();
        checkSameSetup(root, base);
        out.printf(
                Locale.ROOT,
                "%d cell(s) x %d seed(s) = %d runs into %s%n",
                cells.size(),
                cfg.seeds().size(),
                cells.size() * cfg.seeds().size(),
                root);
        for (SweepGrid.Cell cell : cells) {
            for (long seed : cfg.seeds()) {
                TrainConfig tc = cellConfig(base, cell, seed, runRoot(root, cell, seed));
                Path runRoot = runRoot(root, cell, seed);
                Path trainDir = runRoot.resolve("train");
                String status;
                if (Files.isRegularFile(runRoot.resolve(RESULT))) {
                    status = "finished, skip";
                } else if (Files.isRegularFile(runRoot.resolve(DIVERGED))) {
                    status = "diverged, skip";
                } else if (Checkpoints.latest(trainDir).isPresent()) {
                    CheckpointState state = Checkpoints.read(trainDir).state();
                    status = state.finished()
                            ? "trained, evaluate"
                            : "resume training at step " + state.step() + " of " + state.totalSteps();
                } else {
                    status = "train and evaluate";
                }
                out.printf(
                        Locale.ROOT,
                        "  %s, seed %d: %s (differs from the base config in %s)%n",
                        cell.label(),
                        seed,
                        status,
                        tc.differences(base));
            }
        }
    }

    private static Optional<SweepReport.DivergedRun> readDiverged(Path runRoot) throws IOException {
        Path f = runRoot.resolve(DIVERGED);
        return Files.isRegularFile(f)
                ? Optional.of(CommandConfigs.JSON.readValue(f.toFile(), SweepReport.DivergedRun.class))
                : Optional.empty();
    }

    private static void validate(SweepConfig cfg) {
        if (cfg.train() == null || cfg.test() == null) {
            throw new CliException("--train and --test (labeled datasets for the probes) are required");
        }
        if (cfg.preset() != null && cfg.trainConfig() != null) {
            throw new CliException("give either --preset or --train-config, not both");
        }
        if (cfg.seeds() == null || cfg.seeds().isEmpty()) {
            throw new CliException("--seeds needs at least one seed");
        }
        if (new HashSet<>(cfg.seeds()).size() != cfg.seeds().size()) {
            throw new CliException("--seeds lists a seed twice: " + cfg.seeds());
        }
        if (!(cfg.budgetMinutes() >= 0) || Double.isInfinite(cfg.budgetMinutes())) {
            throw new CliException("--budget-minutes must be 0 (none) or positive, got " + cfg.budgetMinutes());
        }
        if (cfg.evalBatchSize() < 1) {
            throw new CliException("--batch-size must be positive, got " + cfg.evalBatchSize());
        }
    }

    private static String presetName(SweepConfig cfg) {
        return cfg.preset() == null ? "cpu-tiny" : cfg.preset();
    }

    /** The preset or config file with {@code --set} and the pretraining dataset applied. */
    static TrainConfig baseConfig(SweepConfig cfg) {
        TrainConfig base = cfg.trainConfig() != null
                ? TrainConfig.fromJson(Path.of(cfg.trainConfig()))
                : TrainConfig.preset(presetName(cfg));
        Map<String, String> overrides = new LinkedHashMap<>();
        for (String s : cfg.set() == null ? List.<String>of() : cfg.set()) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new CliException("--set expects key=value, got '" + s + "'");
            }
            String key = s.substring(0, eq).trim();
            if (SweepGrid.RESERVED.contains(key)) {
                throw new CliException("--set cannot change '" + key + "': the sweep sets it");
            }
            overrides.put(key, s.substring(eq + 1).trim());
        }
        overrides.put("dataset", cfg.dataset() != null ? cfg.dataset() : cfg.train());
        return base.withOverrides(overrides);
    }

    private static TrainConfig cellConfig(TrainConfig base, SweepGrid.Cell cell, long seed, Path runRoot) {
        Map<String, String> overrides = new LinkedHashMap<>(cell.settings());
        overrides.put("seed", Long.toString(seed));
        overrides.put("outputDir", runRoot.resolve("train").toString());
        try {
            return base.withOverrides(overrides);
        } catch (IllegalArgumentException e) {
            throw new CliException("grid cell '" + cell.label() + "' is not a valid config: " + e.getMessage());
        }
    }

    private static String key(SweepGrid.Cell cell, long seed) {
        return cell.id() + "#" + seed;
    }

    static Path runRoot(Path root, SweepGrid.Cell cell, long seed) {
        return root.resolve("runs").resolve(cell.id()).resolve("seed-" + seed);
    }

    /** Refuses a folder whose earlier sweep started its cells from another config: its results would not compare. */
    private static void checkSameSetup(Path root, TrainConfig base) throws IOException {
        Path saved = root.resolve(BASE_CONFIG);
        if (!Files.isRegularFile(saved)) {
            return;
        }
        TrainConfig before = TrainConfig.fromJson(saved);
        List<String> changed = base.differences(before);
        if (!changed.isEmpty()) {
            throw new CliException(root + " holds a sweep whose cells start from another config (changed keys: "
                    + changed + "); its finished runs would not be comparable. Use another --out, or the same"
                    + " --preset/--train-config, --set and --dataset as before (saved in " + saved + ")");
        }
    }

    private static SweepReport.RunResult runOne(
            SweepConfig cfg, SweepGrid.Cell cell, long seed, TrainConfig tc, Path root, String heading, PrintStream out)
            throws Exception {
        Path runRoot = runRoot(root, cell, seed);
        Path resultFile = runRoot.resolve(RESULT);
        if (Files.isRegularFile(resultFile)) {
            out.println(heading + ": finished before, skipped");
            return CommandConfigs.JSON.readValue(resultFile.toFile(), SweepReport.RunResult.class);
        }
        out.println(heading);
        Path trainDir = runRoot.resolve("train");
        CheckpointState state = Checkpoints.latest(trainDir).isPresent()
                ? Checkpoints.read(trainDir).state()
                : null;
        if (state == null || !state.finished()) {
            new ByolTrainer().run(tc, state != null, out);
            state = Checkpoints.read(trainDir).state();
        } else {
            out.println("training finished before; evaluating");
        }

        long t0 = System.nanoTime();
        Path evalDir = runRoot.resolve("eval");
        AtomicFiles.deleteRecursively(evalDir);
        EvalCommand.EvalConfig evalCfg = new EvalCommand.EvalConfig(
                trainDir.toString(), cfg.train(), cfg.test(), evalDir.toString(), cfg.evalBatchSize(), seed);
        Map<String, Double> times = new LinkedHashMap<>();
        EvalCommand.Row byol = EvalCommand.evaluate("byol", trainDir, evalCfg, out, times);
        RandomInitRow random = randomInit(tc, evalCfg, cell, seed, root, evalDir, out, times);
        double evalSeconds = (System.nanoTime() - t0) / 1e9;

        SweepReport.RunResult r = new SweepReport.RunResult(
                cell.id(),
                cell.settings(),
                seed,
                byol.linear(),
                byol.knn(),
                random.linear(),
                random.knn(),
                random.key(),
                state.elapsedSeconds(),
                state.step(),
                state.lastLoss(),
                evalSeconds);
        CommandConfigs.saveJson(resultFile, r);
        out.printf(
                Locale.ROOT,
                "%s, seed %d: linear %.1f%% (random-init %.1f%%), kNN %.1f%% (random-init %.1f%%),"
                        + " training %s, evaluation %s%n",
                cell.label(),
                seed,
                100 * r.linear(),
                100 * r.randomLinear(),
                100 * r.knn(),
                100 * r.randomKnn(),
                Durations.seconds(r.trainSeconds()),
                Durations.seconds(evalSeconds));
        return r;
    }

    /**
     * The random initialisation of {@code tc}, evaluated once per distinct initial weights: the key is a hash of
     * the initial checkpoint's parameter files, the preprocessing and the probe seed.
     */
    private static RandomInitRow randomInit(
            TrainConfig tc,
            EvalCommand.EvalConfig evalCfg,
            SweepGrid.Cell cell,
            long seed,
            Path root,
            Path evalDir,
            PrintStream out,
            Map<String, Double> times)
            throws Exception {
        Path initRun = evalDir.resolve("random-init");
        Path checkpoint = Checkpoints.saveInitial(tc, initRun);
        String key = initKey(checkpoint, tc, seed);
        Path cache = root.resolve("random-init").resolve(key);
        Path rowFile = cache.resolve("row.json");
        if (Files.isRegularFile(rowFile)) {
            RandomInitRow row = CommandConfigs.JSON.readValue(rowFile.toFile(), RandomInitRow.class);
            out.println("random initialisation " + key + " was evaluated for " + row.firstCell() + "; reused");
            return row;
        }
        AtomicFiles.deleteRecursively(cache);
        EvalCommand.EvalConfig cacheCfg = new EvalCommand.EvalConfig(
                initRun.toString(),
                evalCfg.train(),
                evalCfg.test(),
                cache.toString(),
                evalCfg.batchSize(),
                evalCfg.seed());
        EvalCommand.Row row = EvalCommand.evaluate("random-init", initRun, cacheCfg, out, times);
        RandomInitRow saved = new RandomInitRow(key, seed, row.linear(), row.knn(), cell.label() + " seed " + seed);
        CommandConfigs.saveJson(rowFile, saved);
        return saved;
    }

    static String initKey(Path checkpoint, TrainConfig tc, long seed) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
        List<Path> params;
        try (Stream<Path> files = Files.list(checkpoint)) {
            params = files.filter(p -> p.getFileName().toString().endsWith(".params"))
                    .sorted()
                    .toList();
        }
        if (params.isEmpty()) {
            throw new IllegalStateException("checkpoint " + checkpoint + " has no .params files to identify it by");
        }
        byte[] buffer = new byte[1 << 16];
        for (Path p : params) {
            try (InputStream in = new DigestInputStream(Files.newInputStream(p), md)) {
                while (in.read(buffer) >= 0) {
                    // the digest stream hashes what passes through
                }
            }
        }
        String preprocessing = tc.channels() + "|" + tc.imageSize() + "|"
                + Arrays.toString(tc.normalization().mean()) + "|"
                + Arrays.toString(tc.normalization().std()) + "|seed " + seed;
        md.update(preprocessing.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(md.digest()).substring(0, 16);
    }
}
