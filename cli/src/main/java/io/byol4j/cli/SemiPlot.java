package io.byol4j.cli;

import io.byol4j.sdk.head.SemiSupervisedEval;
import io.byol4j.sdk.head.SemiSupervisedEval.FractionSummary;
import io.byol4j.sdk.head.SemiSupervisedEval.Score;
import io.byol4j.sdk.internal.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Renders "test accuracy vs. fraction of labels" for the three heads of a semi-supervised report. */
final class SemiPlot {

    private static final int WIDTH = 800;
    private static final int HEIGHT = 500;

    private SemiPlot() {}

    /** Writes the plot as a PNG to {@code target}, atomically. */
    static void write(SemiSupervisedEval.Report report, Path target) throws IOException {
        System.setProperty("java.awt.headless", "true");
        byte[] png = BitmapEncoder.getBitmapBytes(chart(report), BitmapEncoder.BitmapFormat.PNG);
        AtomicFiles.writeBytes(target, png);
    }

    static XYChart chart(SemiSupervisedEval.Report report) {
        List<FractionSummary> rows = report.summaries().stream()
                .sorted(Comparator.comparingDouble(FractionSummary::fraction))
                .toList();
        XYChart chart = new XYChartBuilder()
                .width(WIDTH)
                .height(HEIGHT)
                .title("Accuracy vs labels (" + report.trainSize() + " train, " + report.testSize() + " test, "
                        + report.settings().seeds() + " seed(s))")
                .xAxisTitle("labeled fraction of the training set (%)")
                .yAxisTitle("test accuracy (%)")
                .build();
        chart.getStyler().setXAxisLogarithmic(rows.size() > 1);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(100.0);
        double[] x = rows.stream().mapToDouble(r -> 100 * r.fraction()).toArray();
        addSeries(chart, "linear (labeled only)", x, rows, FractionSummary::linear);
        addSeries(chart, "kNN (labeled only)", x, rows, FractionSummary::knn);
        addSeries(chart, "old label propagation + linear", x, rows, FractionSummary::propagation);
        addSeries(chart, "semi-supervised head (validated)", x, rows, FractionSummary::semi);
        return chart;
    }

    private static void addSeries(
            XYChart chart,
            String name,
            double[] x,
            List<FractionSummary> rows,
            Function<FractionSummary, Score> score) {
        double[] mean =
                rows.stream().mapToDouble(r -> 100 * score.apply(r).mean()).toArray();
        double[] std =
                rows.stream().mapToDouble(r -> 100 * score.apply(r).std()).toArray();
        chart.addSeries(name, x, mean, std).setMarker(SeriesMarkers.CIRCLE);
    }
}
