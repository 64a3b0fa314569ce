package io.byol4j.trainer.metrics;

import io.byol4j.sdk.internal.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Everything measured during a run so far: one {@link StepRecord} per step and one {@link EpochMetrics}
 * per finished epoch. Stored as two CSV files ({@code metrics.csv}, {@code steps.csv}) in the run
 * directory and inside every checkpoint, so a resumed run continues the same curves.
 */
public final class MetricsHistory {

    /** File name of the per-epoch table. */
    public static final String EPOCHS_FILE = "metrics.csv";
    /** File name of the per-step table. */
    public static final String STEPS_FILE = "steps.csv";

    static final String EPOCH_HEADER =
            "epoch,step,loss,lr,tau,images_per_sec,data_wait_pct,collapse_std," + "knn_top1,elapsed_s,skipped_images";
    static final String STEP_HEADER = "step,epoch,loss,lr,tau";

    private final List<StepRecord> steps = new ArrayList<>();
    private final List<EpochMetrics> epochs = new ArrayList<>();

    /** Appends a step; steps must arrive in increasing order. */
    public void addStep(StepRecord record) {
        if (!steps.isEmpty() && record.step() <= steps.get(steps.size() - 1).step()) {
            throw new IllegalArgumentException("step " + record.step() + " is not after step "
                    + steps.get(steps.size() - 1).step());
        }
        steps.add(record);
    }

    /** Appends an epoch summary. */
    public void addEpoch(EpochMetrics metrics) {
        epochs.add(metrics);
    }

    /** Steps so far, oldest first (unmodifiable view). */
    public List<StepRecord> steps() {
        return Collections.unmodifiableList(steps);
    }

    /** Epoch summaries so far, oldest first (unmodifiable view). */
    public List<EpochMetrics> epochs() {
        return Collections.unmodifiableList(epochs);
    }

    /** Losses of all steps, oldest first. */
    public double[] losses() {
        return steps.stream().mapToDouble(StepRecord::loss).toArray();
    }

    /** Writes {@code metrics.csv} and {@code steps.csv} into {@code dir}, each atomically. */
    public void write(Path dir) throws IOException {
        StringBuilder e = new StringBuilder(EPOCH_HEADER).append('\n');
        for (EpochMetrics m : epochs) {
            e.append(m.epoch())
                    .append(',')
                    .append(m.step())
                    .append(',')
                    .append(num(m.loss()))
                    .append(',')
                    .append(num(m.lr()))
                    .append(',')
                    .append(num(m.tau()))
                    .append(',')
                    .append(String.format(Locale.ROOT, "%.2f", m.imagesPerSecond()))
                    .append(',')
                    .append(String.format(Locale.ROOT, "%.2f", 100 * m.dataWaitShare()))
                    .append(',')
                    .append(num(m.collapseStd()))
                    .append(',')
                    .append(m.hasKnn() ? num(m.knnAccuracy()) : "")
                    .append(',')
                    .append(String.format(Locale.ROOT, "%.1f", m.elapsedSeconds()))
                    .append(',')
                    .append(m.skippedImages())
                    .append('\n');
        }
        StringBuilder s = new StringBuilder(STEP_HEADER).append('\n');
        for (StepRecord r : steps) {
            s.append(r.step())
                    .append(',')
                    .append(r.epoch())
                    .append(',')
                    .append(num(r.loss()))
                    .append(',')
                    .append(num(r.lr()))
                    .append(',')
                    .append(num(r.tau()))
                    .append('\n');
        }
        AtomicFiles.writeBytes(dir.resolve(EPOCHS_FILE), e.toString().getBytes(StandardCharsets.UTF_8));
        AtomicFiles.writeBytes(dir.resolve(STEPS_FILE), s.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads the two tables written by {@link #write(Path)}.
     *
     * @throws IOException if a file is missing or a row is malformed (the message names file and line)
     */
    public static MetricsHistory read(Path dir) throws IOException {
        MetricsHistory h = new MetricsHistory();
        List<String[]> epochRows = MetricsCsv.rows(dir.resolve(EPOCHS_FILE), EPOCH_HEADER, 11);
        for (int i = 0; i < epochRows.size(); i++) {
            String[] c = epochRows.get(i);
            try {
                h.epochs.add(new EpochMetrics(
                        Integer.parseInt(c[0]),
                        Long.parseLong(c[1]),
                        Double.parseDouble(c[2]),
                        Double.parseDouble(c[3]),
                        Double.parseDouble(c[4]),
                        Double.parseDouble(c[5]),
                        Double.parseDouble(c[6]) / 100.0,
                        Double.parseDouble(c[7]),
                        c[8].isEmpty() ? Double.NaN : Double.parseDouble(c[8]),
                        Double.parseDouble(c[9]),
                        Long.parseLong(c[10])));
            } catch (NumberFormatException ex) {
                throw new IOException(dir.resolve(EPOCHS_FILE) + " line " + (i + 2) + ": bad number", ex);
            }
        }
        List<String[]> stepRows = MetricsCsv.rows(dir.resolve(STEPS_FILE), STEP_HEADER, 5);
        for (int i = 0; i < stepRows.size(); i++) {
            String[] c = stepRows.get(i);
            try {
                h.addStep(new StepRecord(
                        Long.parseLong(c[0]),
                        Integer.parseInt(c[1]),
                        Double.parseDouble(c[2]),
                        Double.parseDouble(c[3]),
                        Double.parseDouble(c[4])));
            } catch (NumberFormatException ex) {
                throw new IOException(dir.resolve(STEPS_FILE) + " line " + (i + 2) + ": bad number", ex);
            }
        }
        return h;
    }

    private static String num(double v) {
        return Double.toString(v);
    }
}
