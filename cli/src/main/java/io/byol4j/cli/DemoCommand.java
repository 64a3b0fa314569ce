package io.byol4j.cli;

import io.byol4j.exporter.ExportReport;
import io.byol4j.sdk.encoder.BulkExtractor;
import io.byol4j.trainer.checkpoint.Checkpoints;
import io.byol4j.trainer.config.TrainConfig;
import io.byol4j.trainer.train.ByolTrainer;
import io.byol4j.trainer.train.TrainResult;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code byol4j demo}: the whole pipeline on the embedded synthetic dataset. BYOL pretraining, export of
 * both the randomly initialised and the trained encoder, feature extraction of a train and a held-out
 * split, and a linear probe and kNN for each, compared in one table.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "train -> export -> embed -> probe on synthetic shapes; BYOL vs. a random encoder.")
final class DemoCommand implements Callable<Integer> {

    /** Configuration of one demo run. */
    record DemoConfig(String out, String preset, int trainImages, int testImages, int epochs, long seed,
            int imageSize) {}

    static final DemoConfig DEFAULTS = new DemoConfig("runs/demo", "cpu-tiny", 2560, 1000, 8, 1L, 32);

    @Option(names = "--config", description = "JSON file with the demo configuration.")
    Path configFile;

    @Option(names = "--out", description = "Output folder (default runs/demo).")
    String out;

    @Option(names = "--epochs", description = "BYOL epochs (default 8).")
    Integer epochs;

    @Option(names = "--train-images", description = "Synthetic images for pretraining and probe fitting.")
    Integer trainImages;

    @Option(names = "--test-images", description = "Held-out synthetic images (another seed) for scoring.")
    Integer testImages;

    @Option(names = "--seed", description = "Seed of the data and of training.")
    Long seed;

    /** One encoder's results. */
    record Row(String encoder, double linear, double knn, Path model) {}

    @Override
    public Integer call() throws Exception {
        Map<String, Object> flags = new LinkedHashMap<>();
        flags.put("out", out);
        flags.put("epochs", epochs);
        flags.put("trainImages", trainImages);
        flags.put("testImages", testImages);
        flags.put("seed", seed);
        DemoConfig cfg = CommandConfigs.resolve(DemoConfig.class, DEFAULTS, configFile, flags);
        CommandConfigs.print(System.out, "demo", cfg);
        run(cfg, System.out);
        return 0;
    }

    static List<Row> run(DemoConfig cfg, PrintStream out) throws Exception {
        Path root = Path.of(cfg.out());
        CommandConfigs.save(root, "demo", cfg);
        String trainSpec = synthetic(cfg.trainImages(), cfg.seed(), cfg.imageSize());
        // A different seed: the held-out images are new draws of every nuisance factor.
        String testSpec = synthetic(cfg.testImages(), cfg.seed() + 1_000_003L, cfg.imageSize());

        Map<String, Double> times = new LinkedHashMap<>();
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("dataset", trainSpec);
        overrides.put("imageSize", Integer.toString(cfg.imageSize()));
        overrides.put("epochs", Integer.toString(cfg.epochs()));
        overrides.put("seed", Long.toString(cfg.seed()));
        overrides.put("outputDir", root.resolve("train").toString());
        TrainConfig trainCfg = TrainConfig.preset(cfg.preset()).withOverrides(overrides);

        out.println("== 1/4 train: BYOL on " + trainSpec);
        long t = System.nanoTime();
        Path randomRun = root.resolve("random-init");
        Checkpoints.saveInitial(trainCfg, randomRun);
        TrainResult trained = new ByolTrainer().run(trainCfg, false, out);
        times.put("train", secondsSince(t));

        out.println("== 2/4 export: random-init and BYOL encoders to ONNX");
        t = System.nanoTime();
        Path randomModel = root.resolve("models/random-init.onnx");
        Path byolModel = root.resolve("models/byol.onnx");
        ExportReport r1 = ExportCommand.run(exportConfig(randomRun, randomModel));
        ExportReport r2 = ExportCommand.run(exportConfig(trained.runDir(), byolModel));
        out.println("  " + r1.summary());
        out.println("  " + r2.summary());
        times.put("export", secondsSince(t));

        out.println("== 3/4 embed: train and held-out splits with both encoders");
        t = System.nanoTime();
        for (String name : List.of("random-init", "byol")) {
            Path model = root.resolve("models/" + name + ".onnx");
            for (String split : List.of("train", "test")) {
                BulkExtractor.Summary s = EmbedCommand.run(new EmbedCommand.EmbedConfig(model.toString(),
                        split.equals("train") ? trainSpec : testSpec,
                        root.resolve("features/" + name + "/" + split).toString(),
                        EmbedCommand.DEFAULTS.batchSize(), 0, EmbedCommand.DEFAULTS.decodeThreads(), false));
                out.printf(Locale.ROOT, "  %s/%s: %d images, %.0f images/s%n", name, split, s.count(),
                        s.imagesPerSecond());
            }
        }
        times.put("embed", secondsSince(t));

        out.println("== 4/4 probe: linear (logistic regression) and kNN on frozen features");
        t = System.nanoTime();
        List<Row> rows = new ArrayList<>();
        for (String name : List.of("random-init", "byol")) {
            Path features = root.resolve("features/" + name);
            ProbeCommand.ProbeResult p = ProbeCommand.run(new ProbeCommand.ProbeConfig(
                    features.resolve("train").toString(), features.resolve("test").toString(), null,
                    ProbeCommand.DEFAULTS.l2Grid(), ProbeCommand.DEFAULTS.valFraction(), ProbeCommand.DEFAULTS.knnK(),
                    ProbeCommand.DEFAULTS.knnTemperature(), cfg.seed()), root.resolve("probe/" + name));
            rows.add(new Row(name, p.linearAccuracy(), p.knnAccuracy(), root.resolve("models/" + name + ".onnx")));
        }
        times.put("probe", secondsSince(t));

        printTable(out, cfg, trained, rows, times, root);
        CommandConfigs.saveJson(root.resolve("demo-results.json"), Map.of("rows", rows, "secondsPerStage", times,
                "trainImagesPerSecond", trained.imagesPerSecond(), "finalLoss", trained.finalLoss()));
        return rows;
    }

    private static ExportCommand.ExportConfig exportConfig(Path checkpoint, Path model) {
        return new ExportCommand.ExportConfig(checkpoint.toString(), model.toString(), true, false, false, null, null,
                null, "train", 64);
    }

    private static void printTable(PrintStream out, DemoConfig cfg, TrainResult trained, List<Row> rows,
            Map<String, Double> times, Path root) {
        out.println();
        out.printf(Locale.ROOT, "byol4j demo: %d synthetic shape images (10 classes) for pretraining and probe"
                + " fitting, %d held-out images for scoring%n", cfg.trainImages(), cfg.testImages());
        out.println("+--------------+---------------------+----------------+");
        out.println("| encoder      | linear probe (test) | kNN k=20 (test) |");
        out.println("+--------------+---------------------+----------------+");
        for (Row r : rows) {
            out.printf(Locale.ROOT, "| %-12s | %19.1f%% | %14.1f%% |%n", r.encoder(), 100 * r.linear(), 100 * r.knn());
        }
        out.println("+--------------+---------------------+----------------+");
        double margin = rows.get(1).linear() - rows.get(0).linear();
        out.printf(Locale.ROOT, "BYOL minus random, linear probe: %+.1f points%n", 100 * margin);
        out.printf(Locale.ROOT, "training: %d steps, final loss %.4f, %.1f images/s%n", trained.steps(),
                trained.finalLoss(), trained.imagesPerSecond());
        StringBuilder sb = new StringBuilder("time per stage:");
        double total = 0;
        for (Map.Entry<String, Double> e : times.entrySet()) {
            sb.append(' ').append(e.getKey()).append(' ').append(Durations.seconds(e.getValue())).append(',');
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

    private static double secondsSince(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
