package io.byol4j.trainer.metrics;

import io.byol4j.sdk.internal.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Renders training curves as PNG files with XChart: {@code loss.png} (per-step loss and per-epoch mean)
 * and {@code monitors.png} (collapse statistic against its healthy reference, and k-NN accuracy when
 * measured).
 */
public final class MetricsPlots {

    /** File name of the loss plot. */
    public static final String LOSS_FILE = "loss.png";
    /** File name of the monitor plot. */
    public static final String MONITORS_FILE = "monitors.png";

    private static final int WIDTH = 900;
    private static final int HEIGHT = 500;

    private MetricsPlots() {}

    /**
     * Writes both plots into {@code dir} (atomically); does nothing for an empty history.
     *
     * @param projectionDim dimension of the projections, for the collapse reference line
     */
    public static void write(MetricsHistory history, int projectionDim, Path dir) throws IOException {
        if (history.steps().isEmpty()) {
            return;
        }
        System.setProperty("java.awt.headless", "true");
        save(lossChart(history), dir.resolve(LOSS_FILE));
        if (!history.epochs().isEmpty()) {
            save(monitorChart(history.epochs(), projectionDim), dir.resolve(MONITORS_FILE));
        }
    }

    static XYChart lossChart(MetricsHistory history) {
        XYChart chart = new XYChartBuilder()
                .width(WIDTH)
                .height(HEIGHT)
                .title("BYOL loss")
                .xAxisTitle("step")
                .yAxisTitle("loss")
                .build();
        List<StepRecord> steps = history.steps();
        double[] x = steps.stream().mapToDouble(StepRecord::step).toArray();
        double[] y = steps.stream().mapToDouble(StepRecord::loss).toArray();
        XYSeries perStep = chart.addSeries("per step", x, y);
        perStep.setMarker(SeriesMarkers.NONE);
        List<EpochMetrics> epochs = history.epochs();
        if (!epochs.isEmpty()) {
            XYSeries perEpoch = chart.addSeries(
                    "epoch mean",
                    epochs.stream().mapToDouble(EpochMetrics::step).toArray(),
                    epochs.stream().mapToDouble(EpochMetrics::loss).toArray());
            perEpoch.setMarker(SeriesMarkers.CIRCLE);
        }
        return chart;
    }

    static XYChart monitorChart(List<EpochMetrics> epochs, int projectionDim) {
        XYChart chart = new XYChartBuilder()
                .width(WIDTH)
                .height(HEIGHT)
                .title("Representation monitors")
                .xAxisTitle("epoch")
                .yAxisTitle("collapse std")
                .build();
        double[] x = epochs.stream().mapToDouble(EpochMetrics::epoch).toArray();
        chart.addSeries(
                        "collapse std",
                        x,
                        epochs.stream().mapToDouble(EpochMetrics::collapseStd).toArray())
                .setMarker(SeriesMarkers.CIRCLE);
        double reference = CollapseMonitor.healthyReference(projectionDim);
        double[] ref = new double[x.length];
        Arrays.fill(ref, reference);
        chart.addSeries("1/sqrt(d)", x, ref).setMarker(SeriesMarkers.NONE);
        List<EpochMetrics> knn = epochs.stream().filter(EpochMetrics::hasKnn).toList();
        if (!knn.isEmpty()) {
            XYSeries acc = chart.addSeries(
                    "k-NN top-1",
                    knn.stream().mapToDouble(EpochMetrics::epoch).toArray(),
                    knn.stream().mapToDouble(EpochMetrics::knnAccuracy).toArray());
            acc.setMarker(SeriesMarkers.DIAMOND);
            acc.setYAxisGroup(1);
            chart.setYAxisGroupTitle(1, "k-NN accuracy");
        }
        return chart;
    }

    private static void save(XYChart chart, Path target) throws IOException {
        AtomicFiles.writeBytes(target, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
    }
}
