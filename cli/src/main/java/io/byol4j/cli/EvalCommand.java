package io.byol4j.cli;

import io.byol4j.sdk.encoder.BulkExtractor;
import io.byol4j.trainer.checkpoint.Checkpoints;
import io.byol4j.trainer.config.TrainConfig;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code byol4j eval}: how much a BYOL run learned. Exports the run's online encoder and the same encoder
 * at its random initialisation (same config and seed), extracts features of a train and a test dataset with
 * both, and scores a linear probe and kNN on frozen features for each, in one table.
 */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        description = "BYOL encoder vs. the same encoder randomly initialised: export, embed, linear probe and kNN.")
final class EvalCommand implements Callable<Integer> {

    /** Configuration of one evaluation. */
    record EvalConfig(String run, String train, String test, String out, int batchSize, long seed) {}

    static final EvalConfig DEFAULTS = new EvalConfig(null, null, null, null, 256, 1L);

    /** One encoder's results. */
    record Row(String encoder, double linear, double knn, Path model) {}

    /** The rows (random-init first, then BYOL) and the seconds spent per stage. */
    record Result(List<Row> rows, Map<String, Double> secondsPerStage) {

        /** BYOL's linear-probe accuracy minus the random encoder's. */
        double linearMargin() {
            return rows.get(1).linear() - rows.get(0).linear();
        }

        /** BYOL's kNN accuracy minus the random encoder's. */
        double knnMargin() {
            return rows.get(1).knn() - rows.get(0).knn();
        }
    }

    @Option(names = "--config", description = "JSON file with the evaluation configuration.")
    Path configFile;

    @Option(names = "--run", description = "Training run folder (or one checkpoint folder) to evaluate.")
    String run;

    @Option(names = "--train", description = "Labeled dataset spec the probes are fitted on.")
    String train;

    @Option(names = "--test", description = "Labeled dataset spec the probes are scored on.")
    String test;

    @Option(names = "--out", description = "Output folder (default <run>/eval).")
    String out;

    @Option(names = "--batch-size", description = "Images per inference batch (default 256).")
    Integer batchSize;

    @Option(names = "--seed", description = "Seed of the probe's validation split (default 1).")
    Long seed;

    @RunFlag
    @Option(names = "--force", description = "Replace the content of a non-empty --out folder (kept if eval fails).")
    boolean force;

    @Override
    public Integer call() throws Exception {
        EvalConfig cfg = CommandConfigs.resolve(EvalConfig.class, DEFAULTS, configFile, this);
        if (cfg.run() == null || cfg.train() == null || cfg.test() == null) {
            throw new CliException("--run, --train and --test are required");
        }
        if (cfg.out() == null) {
            cfg = new EvalConfig(
                    cfg.run(),
                    cfg.train(),
                    cfg.test(),
                    Path.of(cfg.run()).resolve("eval").toString(),
                    cfg.batchSize(),
                    cfg.seed());
        }
        CommandConfigs.print(System.out, "eval", cfg);
        Path root = Path.of(cfg.out());
        Outputs.refuseNonEmptyFolder("eval", root, force, "");
        TrainConfig trainCfg = Checkpoints.read(Path.of(cfg.run())).config();
        Outputs.FolderReplacement replacement = Outputs.replaceFolder(root, System.out);
        Result result;
        try {
            CommandConfigs.save(root, "eval", cfg);
            result = run(cfg, trainCfg, System.out);
        } catch (Exception | Error e) {
            replacement.rollBack(e);
            throw e;
        }
        replacement.commit();
        printTable(System.out, result, "");
        return 0;
    }

    /**
     * Evaluates the checkpoint at {@code cfg.run()} against a fresh initialisation of {@code trainCfg}, writing
     * models, features, probe outputs and {@code eval-results.json} under {@code cfg.out()}.
     */
    static Result run(EvalConfig cfg, TrainConfig trainCfg, PrintStream out) throws Exception {
        Path root = Path.of(cfg.out());
        Files.createDirectories(root);
        Map<String, Double> times = new LinkedHashMap<>();
        Path randomRun = root.resolve("random-init");
        Checkpoints.saveInitial(trainCfg, randomRun);
        List<Row> rows = List.of(
                evaluate("random-init", randomRun, cfg, out, times),
                evaluate("byol", Path.of(cfg.run()), cfg, out, times));
        Result result = new Result(rows, times);
        CommandConfigs.saveJson(
                root.resolve("eval-results.json"),
                Map.of(
                        "rows",
                        rows,
                        "secondsPerStage",
                        times,
                        "linearMargin",
                        result.linearMargin(),
                        "knnMargin",
                        result.knnMargin()));
        return result;
    }

    /**
     * One encoder's row: exports the online encoder of {@code checkpoint} to {@code models/<name>.onnx}, extracts
     * features of {@code cfg.train()} and {@code cfg.test()} into {@code features/<name>/}, fits the linear probe
     * and kNN into {@code probe/<name>/}, all under {@code cfg.out()}; adds the seconds spent to {@code times}
     * under {@code export}, {@code embed} and {@code probe}.
     */
    static Row evaluate(String name, Path checkpoint, EvalConfig cfg, PrintStream out, Map<String, Double> times)
            throws Exception {
        Path root = Path.of(cfg.out());
        out.println("== " + name + ": export to ONNX, embed the train and test splits, linear probe and kNN");
        long t = System.nanoTime();
        Path model = root.resolve("models/" + name + ".onnx");
        out.println("  " + ExportCommand.run(exportConfig(checkpoint, model)).summary());
        times.merge("export", secondsSince(t), Double::sum);

        t = System.nanoTime();
        for (String split : List.of("train", "test")) {
            BulkExtractor.Summary s = EmbedCommand.run(new EmbedCommand.EmbedConfig(
                    model.toString(),
                    split.equals("train") ? cfg.train() : cfg.test(),
                    root.resolve("features/" + name + "/" + split).toString(),
                    cfg.batchSize(),
                    0,
                    EmbedCommand.DEFAULTS.decodeThreads(),
                    false,
                    false));
            out.printf(Locale.ROOT, "  %s/%s: %d images, %.0f images/s%n", name, split, s.count(), s.imagesPerSecond());
        }
        times.merge("embed", secondsSince(t), Double::sum);

        t = System.nanoTime();
        Path features = root.resolve("features/" + name);
        ProbeCommand.ProbeResult p = ProbeCommand.run(
                new ProbeCommand.ProbeConfig(
                        features.resolve("train").toString(),
                        features.resolve("test").toString(),
                        null,
                        ProbeCommand.DEFAULTS.l2Grid(),
                        ProbeCommand.DEFAULTS.valFraction(),
                        ProbeCommand.DEFAULTS.knnK(),
                        ProbeCommand.DEFAULTS.knnTemperature(),
                        cfg.seed()),
                root.resolve("probe/" + name));
        times.merge("probe", secondsSince(t), Double::sum);
        return new Row(name, p.linearAccuracy(), p.knnAccuracy(), model);
    }

    /** Prints the accuracy table and the margins. */
    static void printTable(PrintStream out, Result result, String heading) {
        out.println();
        if (!heading.isEmpty()) {
            out.println(heading);
        }
        out.println("+--------------+---------------------+-----------------+");
        out.println("| encoder      | linear probe (test) | kNN k=20 (test) |");
        out.println("+--------------+---------------------+-----------------+");
        for (Row r : result.rows()) {
            out.printf(Locale.ROOT, "| %-12s | %18.1f%% | %14.1f%% |%n", r.encoder(), 100 * r.linear(), 100 * r.knn());
        }
        out.println("+--------------+---------------------+-----------------+");
        out.printf(
                Locale.ROOT,
                "BYOL minus random: linear probe %+.1f points, kNN %+.1f points%n",
                100 * result.linearMargin(),
                100 * result.knnMargin());
    }

    private static ExportCommand.ExportConfig exportConfig(Path checkpoint, Path model) {
        return new ExportCommand.ExportConfig(
                checkpoint.toString(), model.toString(), true, false, false, null, null, null, "train", 64);
    }

    private static double secondsSince(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
