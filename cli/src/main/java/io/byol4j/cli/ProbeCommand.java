package io.byol4j.cli;

import io.byol4j.sdk.features.FeatureSet;
import io.byol4j.sdk.head.KnnClassifier;
import io.byol4j.sdk.head.LogisticRegression;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code byol4j probe}: a linear probe (multinomial logistic regression, L2 chosen on a validation
 * split) and a kNN classifier on frozen features, trained on one feature folder and scored on another.
 */
@Command(
        name = "probe",
        mixinStandardHelpOptions = true,
        description = "Linear probe and kNN on frozen features (folders written by 'embed').")
final class ProbeCommand implements Callable<Integer> {

    /** Configuration of one probe run. */
    record ProbeConfig(
            String train,
            String test,
            String out,
            double[] l2Grid,
            double valFraction,
            int knnK,
            double knnTemperature,
            long seed) {}

    /** What a probe run measured. */
    record ProbeResult(
            double linearAccuracy,
            double knnAccuracy,
            double l2,
            double validationAccuracy,
            int trainSize,
            int testSize,
            int dim,
            double seconds) {}

    static final ProbeConfig DEFAULTS = new ProbeConfig(
            null,
            null,
            null,
            LogisticRegression.defaultL2Grid(),
            0.2,
            KnnClassifier.DEFAULT_K,
            KnnClassifier.DEFAULT_TEMPERATURE,
            1L);

    @Option(names = "--config", description = "JSON file with the probe configuration.")
    Path configFile;

    @Option(names = "--train", description = "Feature folder to fit on (features.npy + labels.npy).")
    String train;

    @Option(names = "--test", description = "Feature folder to score on.")
    String test;

    @Option(names = "--out", description = "Folder for head.json and probe-report.json (default: beside --train).")
    String out;

    @Option(
            names = "--l2-grid",
            split = ",",
            paramLabel = "L2",
            description = "Penalties tried on the validation split, comma-separated (default 1e-6,...,1e-1).")
    double[] l2Grid;

    @Option(names = "--val-fraction", description = "Share of --train held out to choose the penalty (default 0.2).")
    Double valFraction;

    @Option(names = "--knn-k", description = "Neighbours for kNN (default 20).")
    Integer knnK;

    @Option(names = "--knn-temperature", description = "Temperature of the kNN vote weights (default 0.07).")
    Double knnTemperature;

    @Option(names = "--seed", description = "Seed of the validation split.")
    Long seed;

    @RunFlag
    @Option(names = "--force", description = "Replace the outputs of an earlier probe in --out.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        ProbeConfig cfg = CommandConfigs.resolve(ProbeConfig.class, DEFAULTS, configFile, this);
        Path outDir = TrainTestFeatures.outputFolder(cfg.train(), cfg.test(), cfg.out(), "probe");
        Outputs.refuseExisting(
                "probe",
                force,
                List.of(
                        outDir.resolve("probe-config.json"),
                        outDir.resolve("head.json"),
                        outDir.resolve("probe-report.json")));
        CommandConfigs.print(System.out, "probe", cfg);
        ProbeResult r = run(cfg, outDir);
        CommandConfigs.save(outDir, "probe", cfg); // after the results, so it never describes older ones
        System.out.printf(
                Locale.ROOT,
                "linear probe accuracy %.4f (l2 %.0e, validation %.4f)%n",
                r.linearAccuracy(),
                r.l2(),
                r.validationAccuracy());
        System.out.printf(Locale.ROOT, "kNN (k=%d) accuracy     %.4f%n", cfg.knnK(), r.knnAccuracy());
        System.out.println("head: " + outDir.resolve("head.json"));
        return 0;
    }

    /** Fits both heads on {@code cfg.train()}, scores them on {@code cfg.test()}, saves heads and report. */
    static ProbeResult run(ProbeConfig cfg, Path outDir) throws IOException {
        long t0 = System.nanoTime();
        TrainTestFeatures features = TrainTestFeatures.read(cfg.train(), cfg.test());
        FeatureSet tr = features.train();
        FeatureSet te = features.test();
        int classes = features.classes();
        LogisticRegression lr = LogisticRegression.fitWithValidation(
                tr.features(), tr.labels(), classes, cfg.l2Grid(), cfg.valFraction(), cfg.seed());
        KnnClassifier knn = KnnClassifier.fit(tr.features(), tr.labels(), classes, cfg.knnK(), cfg.knnTemperature());
        ProbeResult r = new ProbeResult(
                lr.accuracy(te.features(), te.labels()),
                knn.accuracy(te.features(), te.labels()),
                lr.l2(),
                lr.validationAccuracy(),
                tr.size(),
                te.size(),
                tr.dim(),
                (System.nanoTime() - t0) / 1e9);
        lr.save(outDir.resolve("head.json"));
        CommandConfigs.saveJson(outDir.resolve("probe-report.json"), r);
        return r;
    }
}
