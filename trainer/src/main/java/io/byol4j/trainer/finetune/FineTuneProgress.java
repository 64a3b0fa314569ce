package io.byol4j.trainer.finetune;

import java.io.PrintStream;
import java.util.Locale;

/** Progress lines of a fine-tuning run, in the training command's format. */
final class FineTuneProgress {

    private final PrintStream out;

    FineTuneProgress(PrintStream out) {
        this.out = out;
    }

    void line(String text) {
        out.println(text);
        out.flush();
    }

    void step(
            String trial,
            int epoch,
            int epochs,
            long step,
            long total,
            double loss,
            double lr,
            double imagesPerSecond,
            double etaSeconds) {
        line(String.format(
                Locale.ROOT,
                "[%s] epoch %d/%d  step %d/%d  loss %.4f  lr %.5f  %.1f img/s  ETA %s",
                trial,
                epoch,
                epochs,
                step,
                total,
                loss,
                lr,
                imagesPerSecond,
                duration(etaSeconds)));
    }

    void epoch(String trial, FineTuneMetrics.Epoch e, int epochs) {
        String acc = Double.isNaN(e.valAccuracy())
                ? ""
                : String.format(Locale.ROOT, "  validation accuracy %.4f", e.valAccuracy());
        line(String.format(
                Locale.ROOT,
                "[%s] == epoch %d/%d done: mean loss %.4f%s  %.1f img/s",
                trial,
                e.epoch(),
                epochs,
                e.trainLoss(),
                acc,
                e.imagesPerSecond()));
    }

    static String duration(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) {
            return "?";
        }
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }
}
