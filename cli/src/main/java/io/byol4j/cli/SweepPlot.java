package io.byol4j.cli;

import io.byol4j.sdk.internal.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/**
 * Renders a sweep as a bar chart with XChart: per cell (labelled by its values, the keys in the axis title), the
 * mean linear-probe and kNN test accuracy over the seeds with the standard deviation as error bars, next to the
 * same statistics of the random initialisation.
 */
final class SweepPlot {

    private static final int HEIGHT = 600;

    private SweepPlot() {}

    /** Writes the chart as a PNG to {@code target}, atomically. */
    static void write(String title, List<SweepReport.CellSummary> cells, Path target) throws IOException {
        System.setProperty("java.awt.headless", "true");
        byte[] png = BitmapEncoder.getBitmapBytes(chart(title, cells), BitmapEncoder.BitmapFormat.PNG);
        AtomicFiles.writeBytes(target, png);
    }

    static CategoryChart chart(String title, List<SweepReport.CellSummary> cells) {
        int width = Math.max(900, 160 * cells.size());
        CategoryChart chart = new CategoryChartBuilder()
                .width(width)
                .height(HEIGHT)
                .title(title)
                .xAxisTitle(
                        cells.get(0).keys().isEmpty() ? "cell" : cells.get(0).keys())
                .yAxisTitle("test accuracy (%), mean ± sd over seeds")
                .build();
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(100.0);
        chart.getStyler().setXAxisLabelRotation(cells.size() > 3 ? 30 : 0);
        List<String> labels =
                cells.stream().map(SweepReport.CellSummary::values).toList();
        add(chart, "BYOL linear", labels, cells, SweepReport.CellSummary::linear);
        add(chart, "BYOL kNN", labels, cells, SweepReport.CellSummary::knn);
        add(chart, "random-init linear", labels, cells, SweepReport.CellSummary::randomLinear);
        add(chart, "random-init kNN", labels, cells, SweepReport.CellSummary::randomKnn);
        return chart;
    }

    private static void add(
            CategoryChart chart,
            String name,
            List<String> labels,
            List<SweepReport.CellSummary> cells,
            Function<SweepReport.CellSummary, SweepReport.Stats> stats) {
        List<Double> mean = cells.stream().map(c -> 100 * stats.apply(c).mean()).toList();
        List<Double> sd = cells.stream().map(c -> 100 * stats.apply(c).sd()).toList();
        chart.addSeries(name, labels, mean, sd);
    }
}
