package io.byol4j.trainer.finetune;

import io.byol4j.sdk.internal.io.AtomicFiles;
import io.byol4j.trainer.metrics.MetricsCsv;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The curves of one fine-tuning trial: training loss per step and, per epoch, the mean loss and the
 * validation accuracy. Stored as {@code steps.csv} and {@code metrics.csv} (in the trial folder and in every
 * checkpoint, so a resumed trial continues the same curves) and drawn as {@code curves.png}. Not thread-safe.
 */
public final class FineTuneMetrics {

    /** Per-epoch table. */
    public static final String EPOCHS_FILE = "metrics.csv";
    /** Per-step table. */
    public static final String STEPS_FILE = "steps.csv";
    /** The plot. */
    public static final String PLOT_FILE = "curves.png";

    static final String EPOCH_HEADER = "epoch,step,train_loss,val_accuracy,lr,images_per_sec,elapsed_s";
    static final String STEP_HEADER = "step,epoch,loss,lr";

    /** One step. */
    public record Step(long step, int epoch, double loss, double lr) {}

    /** One finished epoch; {@code valAccuracy} is NaN without a validation split. */
    public record Epoch(
            int epoch,
            long step,
            double trainLoss,
            double valAccuracy,
            double lr,
            double imagesPerSecond,
            double elapsedSeconds) {}

    private final List<Step> steps = new ArrayList<>();
    private final List<Epoch> epochs = new ArrayList<>();

    void add(Step s) {
        steps.add(s);
    }

    void add(Epoch e) {
        epochs.add(e);
    }

    public List<Step> steps() {
        return Collections.unmodifiableList(steps);
    }

    public List<Epoch> epochs() {
        return Collections.unmodifiableList(epochs);
    }

    /** Writes both tables into {@code dir}, each atomically. */
    void write(Path dir) throws IOException {
        StringBuilder e = new StringBuilder(EPOCH_HEADER).append('\n');
        for (Epoch m : epochs) {
            e.append(m.epoch())
                    .append(',')
                    .append(m.step())
                    .append(',')
                    .append(m.trainLoss())
                    .append(',')
                    .append(Double.isNaN(m.valAccuracy()) ? "" : Double.toString(m.valAccuracy()))
                    .append(',')
                    .append(m.lr())
                    .append(',')
                    .append(String.format(Locale.ROOT, "%.2f", m.imagesPerSecond()))
                    .append(',')
                    .append(String.format(Locale.ROOT, "%.1f", m.elapsedSeconds()))
                    .append('\n');
        }
        StringBuilder s = new StringBuilder(STEP_HEADER).append('\n');
        for (Step r : steps) {
            s.append(r.step())
                    .append(',')
                    .append(r.epoch())
                    .append(',')
                    .append(r.loss())
                    .append(',')
                    .append(r.lr())
                    .append('\n');
        }
        AtomicFiles.writeBytes(dir.resolve(EPOCHS_FILE), e.toString().getBytes(StandardCharsets.UTF_8));
        AtomicFiles.writeBytes(dir.resolve(STEPS_FILE), s.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads the tables written by {@link #write}.
     *
     * @throws IOException if a file is missing or malformed (the message names file and line)
     */
    static FineTuneMetrics read(Path dir) throws IOException {
        FineTuneMetrics m = new FineTuneMetrics();
        List<String[]> rows = MetricsCsv.rows(dir.resolve(EPOCHS_FILE), EPOCH_HEADER, 7);
        for (int i = 0; i < rows.size(); i++) {
            String[] c = rows.get(i);
            try {
                m.epochs.add(new Epoch(
                        Integer.parseInt(c[0]),
                        Long.parseLong(c[1]),
                        Double.parseDouble(c[2]),
                        c[3].isEmpty() ? Double.NaN : Double.parseDouble(c[3]),
                        Double.parseDouble(c[4]),
                        Double.parseDouble(c[5]),
                        Double.parseDouble(c[6])));
            } catch (NumberFormatException ex) {
                throw new IOException(dir.resolve(EPOCHS_FILE) + " line " + (i + 2) + ": bad number", ex);
            }
        }
        rows = MetricsCsv.rows(dir.resolve(STEPS_FILE), STEP_HEADER, 4);
        for (int i = 0; i < rows.size(); i++) {
            String[] c = rows.get(i);
            try {
                m.steps.add(new Step(
                        Long.parseLong(c[0]),
                        Integer.parseInt(c[1]),
                        Double.parseDouble(c[2]),
                        Double.parseDouble(c[3])));
            } catch (NumberFormatException ex) {
                throw new IOException(dir.resolve(STEPS_FILE) + " line " + (i + 2) + ": bad number", ex);
            }
        }
        return m;
    }

    /** Draws {@code curves.png} (loss per step, epoch mean, validation accuracy on a second axis) into {@code dir}. */
    void plot(Path dir, String title) throws IOException {
        if (steps.isEmpty()) {
            return;
        }
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder()
                .width(900)
                .height(500)
                .title(title)
                .xAxisTitle("step")
                .yAxisTitle("cross-entropy")
                .build();
        XYSeries perStep = chart.addSeries(
                "train loss",
                steps.stream().mapToDouble(Step::step).toArray(),
                steps.stream().mapToDouble(Step::loss).toArray());
        perStep.setMarker(SeriesMarkers.NONE);
        if (!epochs.isEmpty()) {
            chart.addSeries(
                            "epoch mean loss",
                            epochs.stream().mapToDouble(Epoch::step).toArray(),
                            epochs.stream().mapToDouble(Epoch::trainLoss).toArray())
                    .setMarker(SeriesMarkers.CIRCLE);
            List<Epoch> withVal =
                    epochs.stream().filter(e -> !Double.isNaN(e.valAccuracy())).toList();
            if (!withVal.isEmpty()) {
                XYSeries acc = chart.addSeries(
                        "validation accuracy",
                        withVal.stream().mapToDouble(Epoch::step).toArray(),
                        withVal.stream().mapToDouble(Epoch::valAccuracy).toArray());
                acc.setMarker(SeriesMarkers.DIAMOND);
                acc.setYAxisGroup(1);
                chart.setYAxisGroupTitle(1, "validation accuracy");
            }
        }
        AtomicFiles.writeBytes(
                dir.resolve(PLOT_FILE), BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
    }
}
