package io.byol4j.cli;

import io.byol4j.sdk.features.FeatureSet;
import io.byol4j.sdk.head.SemiSupervisedEval;
import io.byol4j.sdk.head.SemiSupervisedEval.FractionSummary;
import io.byol4j.sdk.head.SemiSupervisedEval.Score;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code byol4j semi}: the semi-supervised evaluation of {@link SemiSupervisedEval} on two feature
 * folders. For each label fraction it compares a linear head and kNN on the few labeled training samples
 * with label propagation over the whole training set followed by a linear head on the pseudo-labels.
 * Writes {@code semi-report.json} and the plot {@code semi-accuracy.png}.
 */
@Command(
        name = "semi",
        mixinStandardHelpOptions = true,
        description = "Semi-supervised evaluation on frozen features: linear and kNN on a few labels vs. label"
                + " propagation + linear, for each label fraction.")
final class SemiCommand implements Callable<Integer> {

    /** Configuration of one evaluation; see {@link SemiSupervisedEval.Settings} for the meaning of each field. */
    record SemiConfig(
            String train,
            String test,
            String out,
            List<Double> fractions,
            int seeds,
            long seed,
            double l2,
            int knnK,
            double knnTemperature,
            int propagationK,
            double propagationAlpha,
            double propagationGamma,
            double minConfidence) {

        SemiSupervisedEval.Settings settings() {
            return new SemiSupervisedEval.Settings(
                    fractions,
                    seeds,
                    seed,
                    l2,
                    knnK,
                    knnTemperature,
                    propagationK,
                    propagationAlpha,
                    propagationGamma,
                    minConfidence);
        }
    }

    /** Name of the JSON report written into the output folder. */
    static final String REPORT_FILE = "semi-report.json";
    /** Name of the accuracy-vs-labels plot written into the output folder. */
    static final String PLOT_FILE = "semi-accuracy.png";

    static final SemiConfig DEFAULTS = defaults();

    @Option(names = "--config", description = "JSON file with the evaluation configuration.")
    Path configFile;

    @Option(
            names = "--train",
            description = "Labeled feature folder (features.npy + labels.npy); most labels are"
                    + " hidden during the evaluation.")
    String train;

    @Option(names = "--test", description = "Labeled feature folder to score on.")
    String test;

    @Option(
            names = "--fractions",
            split = ",",
            paramLabel = "F",
            description = "Label fractions in (0, 1], comma-separated (default 0.01,0.1).")
    List<Double> fractions;

    @Option(names = "--seeds", description = "Labeled subsets drawn per fraction; accuracies are averaged (default 3).")
    Integer seeds;

    @Option(names = "--seed", description = "Seed of the first labeled subset (default 1).")
    Long seed;

    @Option(names = "--l2", description = "Penalty of the logistic regressions (default 1e-3).")
    Double l2;

    @Option(names = "--knn-k", description = "Neighbours of the kNN baseline (default 20).")
    Integer knnK;

    @Option(names = "--knn-temperature", description = "Temperature of the kNN vote weights (default 0.07).")
    Double knnTemperature;

    @Option(names = "--propagation-k", description = "Neighbours in label propagation's graph (default 10).")
    Integer propagationK;

    @Option(names = "--propagation-alpha", description = "Label propagation's alpha (default 0.99).")
    Double propagationAlpha;

    @Option(names = "--propagation-gamma", description = "Power of the similarities in the graph (default 3).")
    Double propagationGamma;

    @Option(names = "--min-confidence", description = "Pseudo-labels below this confidence are not used (default 0).")
    Double minConfidence;

    @Option(
            names = "--out",
            description = "Folder for semi-report.json and semi-accuracy.png (default: beside --train).")
    String out;

    @RunFlag
    @Option(names = "--force", description = "Replace the outputs of an earlier semi run in --out.")
    boolean force;

    private static SemiConfig defaults() {
        SemiSupervisedEval.Settings s = SemiSupervisedEval.Settings.defaults();
        return new SemiConfig(
                null,
                null,
                null,
                s.fractions(),
                s.seeds(),
                s.seed(),
                s.l2(),
                s.knnK(),
                s.knnTemperature(),
                s.propagationK(),
                s.propagationAlpha(),
                s.propagationGamma(),
                s.minConfidence());
    }

    @Override
    public Integer call() throws Exception {
        SemiConfig cfg = CommandConfigs.resolve(SemiConfig.class, DEFAULTS, configFile, this);
        Path outDir = TrainTestFeatures.outputFolder(cfg.train(), cfg.test(), cfg.out(), "semi");
        cfg.settings(); // fails early, naming the bad setting
        Outputs.refuseExisting(
                "semi",
                force,
                List.of(outDir.resolve("semi-config.json"), outDir.resolve(REPORT_FILE), outDir.resolve(PLOT_FILE)));
        CommandConfigs.print(System.out, "semi", cfg);
        SemiSupervisedEval.Report report = run(cfg, outDir, System.out);
        CommandConfigs.save(outDir, "semi", cfg); // after the results, so it never describes older ones
        printTable(System.out, report);
        System.out.println("report: " + outDir.resolve(REPORT_FILE) + ", plot: " + outDir.resolve(PLOT_FILE));
        return 0;
    }

    /** Runs the evaluation on the two folders, writes the report and the plot, and returns the report. */
    static SemiSupervisedEval.Report run(SemiConfig cfg, Path outDir, PrintStream progress) throws IOException {
        TrainTestFeatures features = TrainTestFeatures.read(cfg.train(), cfg.test());
        FeatureSet tr = features.train();
        FeatureSet te = features.test();
        if (!te.classNames().equals(tr.classNames())) {
            throw new CliException(
                    "the train and test folders name different classes: " + tr.classNames() + " vs " + te.classNames());
        }
        int classes = features.classes();
        progress.printf(
                Locale.ROOT,
                "semi-supervised evaluation: %d train and %d test samples, %d classes, dim %d%n",
                tr.size(),
                te.size(),
                classes,
                tr.dim());
        SemiSupervisedEval.Report report = SemiSupervisedEval.evaluate(
                tr.features(),
                tr.labels(),
                te.features(),
                te.labels(),
                classes,
                cfg.settings(),
                r -> progress.printf(
                        Locale.ROOT,
                        "  %5.1f%% labels, seed %d: %d labeled, linear %.4f, kNN %.4f, old propagation + linear %.4f,"
                                + " semi-supervised head %.4f (k %d, alpha %s, keep %s of the agreeing pseudo-labels at weight %s: %d,"
                                + " %.1f%% right)%n",
                        100 * r.fraction(),
                        r.seed(),
                        r.labeled(),
                        r.linear(),
                        r.knn(),
                        r.propagation(),
                        r.semi(),
                        r.semiChoice().k(),
                        r.semiChoice().alpha(),
                        r.semiChoice().keep(),
                        r.semiChoice().weight(),
                        r.semiPseudoLabels(),
                        100 * r.semiPseudoLabelAccuracy()));
        CommandConfigs.saveJson(outDir.resolve(REPORT_FILE), report);
        SemiPlot.write(report, outDir.resolve(PLOT_FILE));
        return report;
    }

    static void printTable(PrintStream out, SemiSupervisedEval.Report report) {
        out.println();
        out.printf(
                Locale.ROOT,
                "test accuracy, mean ± std over %d labeled subset(s) per fraction%n",
                report.settings().seeds());
        String line = "+--------+---------+-----------------+-----------------+-----------------+-----------------+"
                + "-----------------+";
        out.println(line);
        out.println("| labels | labeled | linear          | kNN             | old prop.+lin   | old pseudo-lab. |"
                + " semi head       |");
        out.println(line);
        for (FractionSummary f : report.summaries()) {
            out.printf(
                    Locale.ROOT,
                    "| %5.1f%% | %7d | %s | %s | %s | %s | %s |%n",
                    100 * f.fraction(),
                    f.labeled(),
                    cell(f.linear()),
                    cell(f.knn()),
                    cell(f.propagation()),
                    cell(f.pseudoLabelAccuracy()),
                    cell(f.semi()));
        }
        out.println(line);
    }

    private static String cell(Score s) {
        return Double.isNaN(s.mean())
                ? String.format(Locale.ROOT, "%15s", "n/a")
                : String.format(Locale.ROOT, "%6.2f%% ± %5.2f", 100 * s.mean(), 100 * s.std());
    }
}
