package io.byol4j.cli;

import io.byol4j.sdk.head.SemiSupervisedEval.Score;
import io.byol4j.sdk.internal.Durations;
import io.byol4j.sdk.internal.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Writes {@code report.md} and {@code accuracy.png} of {@link ReportCommand}. */
final class ReportWriter {

    private ReportWriter() {}

    static void write(
            Path root,
            ReportCommand.ReportConfig cfg,
            List<ReportCommand.Measurement> results,
            EvalCommand.Result eval,
            Duration elapsed)
            throws IOException {
        System.setProperty("java.awt.headless", "true");
        AtomicFiles.writeBytes(
                root.resolve(ReportCommand.PLOT_FILE),
                BitmapEncoder.getBitmapBytes(chart(cfg, results), BitmapEncoder.BitmapFormat.PNG));
        StringBuilder md = new StringBuilder();
        md.append("# Accuracy against label fraction\n\n");
        md.append(String.format(
                Locale.ROOT,
                "Checkpoint `%s`; trained on `%s`, scored on `%s`; %d seed(s) %s;"
                        + " %s of work on %d cores (Java %s, %s).%n%n",
                cfg.checkpoint(),
                cfg.train(),
                cfg.test(),
                cfg.seeds().size(),
                cfg.seeds(),
                Durations.format(elapsed),
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"),
                System.getProperty("os.arch")));
        md.append("![accuracy against label fraction](")
                .append(ReportCommand.PLOT_FILE)
                .append(")\n\n");
        md.append("Test accuracy, mean ± sample standard deviation over the seeds (n/a: not defined at that"
                + " fraction).\n\n| method |");
        for (double f : cfg.fractions()) {
            md.append(String.format(Locale.ROOT, " %s%% labels |", trim(100 * f)));
        }
        md.append("\n|---|");
        md.append("---|".repeat(cfg.fractions().size())).append('\n');
        for (String method : ReportCommand.METHODS) {
            md.append("| ").append(method).append(" |");
            for (double f : cfg.fractions()) {
                Score s = ReportCommand.score(results, method, f);
                md.append(
                        Double.isNaN(s.mean())
                                ? " n/a |"
                                : String.format(Locale.ROOT, " %.2f%% ± %.2f |", 100 * s.mean(), 100 * s.std()));
            }
            md.append('\n');
        }
        md.append("\nWith every label, frozen-feature probes with the L2 penalty chosen on a validation split"
                + " (`byol4j eval`): random-init ");
        md.append(String.format(
                Locale.ROOT,
                "%.2f%% linear / %.2f%% kNN, BYOL %.2f%% linear / %.2f%% kNN.%n%n",
                100 * eval.rows().get(0).linear(),
                100 * eval.rows().get(0).knn(),
                100 * eval.rows().get(1).linear(),
                100 * eval.rows().get(1).knn()));
        md.append("## Methods\n\n");
        md.append("- The labeled images of each fraction and seed are the same for every method"
                + " (`LabelFractions`: `round(fraction × n_c)` images of each class, seeded).\n");
        md.append("- Probes: logistic regression (L2 ")
                .append(cfg.l2())
                .append(") on frozen features of the labeled"
                        + " images; kNN (k 20, cosine, temperature-weighted votes) on BYOL features.\n");
        md.append("- Label propagation: the validated semi-supervised head (`PseudoLabelProbe`): kNN graph of the"
                + " L2-normalised BYOL features of every training image, class-balanced propagation, the most"
                + " confident pseudo-labels per class, linear probe; k, alpha and the share of pseudo-labels chosen"
                + " on 30% of the labeled images, falling back to the labeled-only probe when that wins there.\n");
        md.append("- Fine-tuning: `byol4j finetune` (SGD with Nesterov momentum 0.9, no weight decay, cosine"
                        + " schedule, random resized crop + flip), learning rate from ")
                .append(cfg.learningRates())
                .append(" and epochs from ")
                .append(cfg.epochs())
                .append(
                        cfg.learningRates().size() * cfg.epochs().size() > 1
                                ? " chosen on 20% of the labeled images, then retrained on all of them"
                                : " (a single setting: no search)")
                .append("; supervised from scratch is the same with `--init random`. The optimiser steps each run"
                        + " took are in the details below.\n\n");
        md.append("## Every number\n\n| method | fraction | seed | labeled | test accuracy | details |\n"
                + "|---|---|---|---|---|---|\n");
        for (ReportCommand.Measurement m : results) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %d | %d | %.2f%% | %s |%n",
                    m.method(),
                    m.fraction(),
                    m.seed(),
                    m.labeled(),
                    100 * m.accuracy(),
                    m.detail()));
        }
        md.append("\n## Reproduce\n\n```bash\n./byol4j report --config ")
                .append(root.resolve("report-config.json"))
                .append(" --out ")
                .append(root)
                .append(" --force\n```\n\nConfiguration (`report-config.json`):\n\n```json\n")
                .append(CommandConfigs.toJson(cfg))
                .append("\n```\n\nEach fine-tuning run keeps its own config,"
                        + " search and curves in `finetune/<init>-f<fraction>-s<seed>/` (`run.json`, `search.json`,"
                        + " `final/curves.png`); the features and full-label probes are in `eval/`.\n");
        AtomicFiles.writeString(root.resolve(ReportCommand.REPORT_FILE), md.toString());
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    static XYChart chart(ReportCommand.ReportConfig cfg, List<ReportCommand.Measurement> results) {
        XYChart chart = new XYChartBuilder()
                .width(900)
                .height(550)
                .title("Test accuracy against label fraction (" + cfg.seeds().size() + " seeds, mean ± std)")
                .xAxisTitle("labeled fraction (%)")
                .yAxisTitle("test accuracy (%)")
                .build();
        chart.getStyler().setXAxisLogarithmic(cfg.fractions().size() > 1);
        for (String method : ReportCommand.METHODS) {
            List<Double> xs = cfg.fractions().stream()
                    .filter(f -> !Double.isNaN(
                            ReportCommand.score(results, method, f).mean()))
                    .toList();
            if (xs.isEmpty()) {
                continue;
            }
            double[] x = xs.stream().mapToDouble(f -> 100 * f).toArray();
            double[] mean = xs.stream()
                    .mapToDouble(
                            f -> 100 * ReportCommand.score(results, method, f).mean())
                    .toArray();
            double[] std = xs.stream()
                    .mapToDouble(
                            f -> 100 * ReportCommand.score(results, method, f).std())
                    .toArray();
            chart.addSeries(method, x, mean, std).setMarker(SeriesMarkers.CIRCLE);
        }
        return chart;
    }
}
