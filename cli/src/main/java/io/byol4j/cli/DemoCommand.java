package io.byol4j.cli;

import io.byol4j.sdk.internal.Durations;
import io.byol4j.trainer.config.TrainConfig;
import io.byol4j.trainer.train.ByolTrainer;
import io.byol4j.trainer.train.TrainResult;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code byol4j demo}: the whole pipeline on the embedded synthetic dataset. BYOL pretraining, then {@code eval}: export of
 * both the randomly initialised and the trained encoder, feature extraction of a train and a held-out
 * split, and a linear probe and kNN for each, compared in one table.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "train -> export -> embed -> probe on synthetic shapes; BYOL vs. a random encoder.")
final class DemoCommand implements Callable<Integer> {

    /** Configuration of one demo run. */
    record DemoConfig(
            String out, String preset, int trainImages, int testImages, int epochs, long seed, int imageSize) {}

    /** Without an explicit {@code out}, each demo writes to a new folder under this one. */
    static final Path DEFAULT_PARENT = Path.of("runs", "demo");

    static final DemoConfig DEFAULTS = new DemoConfig(null, "cpu-tiny", 2560, 1000, 8, 1L, 32);

    @Option(names = "--config", description = "JSON file with the demo configuration.")
    Path configFile;

    @Option(names = "--out", description = "Output folder (default: a new folder runs/demo/<date>-<time>).")
    String out;

    @RunFlag
    @Option(
            names = "--force",
            description = "Replace the content of a non-empty --out folder (kept if the demo" + " fails).")
    boolean force;

    /** Where demos without {@code --out} go (a field so tests can point it at a temporary folder). */
    Path defaultParent = DEFAULT_PARENT;

    @Option(names = "--preset", description = "Training preset (default cpu-tiny).")
    String preset;

    @Option(names = "--image-size", description = "Side of the synthetic images (default 32).")
    Integer imageSize;

    @Option(names = "--epochs", description = "BYOL epochs (default 8).")
    Integer epochs;

    @Option(names = "--train-images", description = "Synthetic images for pretraining and probe fitting.")
    Integer trainImages;

    @Option(names = "--test-images", description = "Held-out synthetic images (another seed) for scoring.")
    Integer testImages;

    @Option(names = "--seed", description = "Seed of the data and of training.")
    Long seed;

    @Override
    public Integer call() throws Exception {
        DemoConfig cfg = CommandConfigs.resolve(DemoConfig.class, DEFAULTS, configFile, this);
        if (cfg.out() == null) {
            Path fresh = Outputs.newRunFolder(defaultParent, LocalDateTime.now());
            System.out.println("demo: writing to the new folder " + fresh + " (earlier demo runs are kept;"
                    + " --out DIR chooses the folder)");
            cfg = new DemoConfig(
                    fresh.toString(),
                    cfg.preset(),
                    cfg.trainImages(),
                    cfg.testImages(),
                    cfg.epochs(),
                    cfg.seed(),
                    cfg.imageSize());
        }
        Path root = Path.of(cfg.out());
        Outputs.refuseNonEmptyFolder("demo", root, force, "");
        CommandConfigs.print(System.out, "demo", cfg);
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

    /** Runs the demo into {@code cfg.out()}, which the caller has made empty or absent. */
    static List<EvalCommand.Row> run(DemoConfig cfg, PrintStream out) throws Exception {
        Path root = Path.of(cfg.out());
        CommandConfigs.save(root, "demo", cfg);
        String trainSpec = synthetic(cfg.trainImages(), cfg.seed(), cfg.imageSize());
        // A different seed: the held-out images are new draws of every nuisance factor.
        String testSpec = synthetic(cfg.testImages(), cfg.seed() + 1_000_003L, cfg.imageSize());

        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("dataset", trainSpec);
        overrides.put("imageSize", Integer.toString(cfg.imageSize()));
        overrides.put("epochs", Integer.toString(cfg.epochs()));
        overrides.put("seed", Long.toString(cfg.seed()));
        overrides.put("outputDir", root.resolve("train").toString());
        TrainConfig trainCfg = TrainConfig.preset(cfg.preset()).withOverrides(overrides);

        out.println("== 1/2 train: BYOL on " + trainSpec);
        long t = System.nanoTime();
        TrainResult trained = new ByolTrainer().run(trainCfg, false, out);
        double trainSeconds = (System.nanoTime() - t) / 1e9;

        out.println("== 2/2 evaluate: the BYOL encoder against its random initialisation");
        EvalCommand.Result result = EvalCommand.run(
                new EvalCommand.EvalConfig(
                        trained.runDir().toString(),
                        trainSpec,
                        testSpec,
                        root.toString(),
                        EvalCommand.DEFAULTS.batchSize(),
                        cfg.seed()),
                trainCfg,
                out);
        Map<String, Double> times = new LinkedHashMap<>();
        times.put("train", trainSeconds);
        times.putAll(result.secondsPerStage());

        printTable(out, cfg, trained, result, times, root);
        CommandConfigs.saveJson(
                root.resolve("demo-results.json"),
                Map.of(
                        "rows",
                        result.rows(),
                        "secondsPerStage",
                        times,
                        "linearMargin",
                        result.linearMargin(),
                        "knnMargin",
                        result.knnMargin(),
                        "trainImagesPerSecond",
                        trained.imagesPerSecond(),
                        "finalLoss",
                        trained.finalLoss()));
        return result.rows();
    }

    private static void printTable(
            PrintStream out,
            DemoConfig cfg,
            TrainResult trained,
            EvalCommand.Result result,
            Map<String, Double> times,
            Path root) {
        EvalCommand.printTable(
                out,
                result,
                String.format(
                        Locale.ROOT,
                        "byol4j demo: %d synthetic shape images"
                                + " (10 classes) for pretraining and probe fitting, %d held-out images for scoring",
                        cfg.trainImages(),
                        cfg.testImages()));
        out.printf(
                Locale.ROOT,
                "training: %d steps, final loss %.4f, %.1f images/s%n",
                trained.steps(),
                trained.finalLoss(),
                trained.imagesPerSecond());
        StringBuilder sb = new StringBuilder("time per stage:");
        double total = 0;
        for (Map.Entry<String, Double> e : times.entrySet()) {
            sb.append(' ')
                    .append(e.getKey())
                    .append(' ')
                    .append(Durations.seconds(e.getValue()))
                    .append(',');
            total += e.getValue();
        }
        sb.append(" total ").append(Durations.seconds(total));
        out.println(sb);
        out.println("files: models in " + root.resolve("models") + ", features in " + root.resolve("features")
                + ", training run (metrics.csv, plots) in " + trained.runDir() + ", results in "
                + root.resolve("demo-results.json"));
    }

    private static String synthetic(int size, long seed, int image) {
        return "synthetic:size=" + size + ",seed=" + seed + ",image=" + image;
    }
}
