package io.byol4j.trainer.train;

import io.byol4j.sdk.internal.Durations;
import java.io.PrintStream;
import java.util.Locale;

/** Formats the progress lines of a training run (per logged step and per epoch); not thread-safe. */
final class TrainingProgress {

    private final PrintStream out;

    TrainingProgress(PrintStream out) {
        this.out = out;
    }

    void line(String text) {
        out.println(text);
        out.flush();
    }

    void step(
            int epoch,
            int totalEpochs,
            long step,
            long totalSteps,
            double loss,
            double lr,
            double tau,
            double imagesPerSecond,
            double dataWaitShare,
            double etaSeconds) {
        line(String.format(
                Locale.ROOT,
                "epoch %d/%d  step %d/%d  loss %.4f  lr %.5f  tau %.5f  %.1f img/s  data-wait %.0f%%  ETA %s",
                epoch,
                totalEpochs,
                step,
                totalSteps,
                loss,
                lr,
                tau,
                imagesPerSecond,
                100 * dataWaitShare,
                Durations.seconds(etaSeconds)));
    }

    void epoch(
            int epoch,
            int totalEpochs,
            double meanLoss,
            double collapseStd,
            double reference,
            double knn,
            double imagesPerSecond,
            double dataWaitShare) {
        String knnText = Double.isNaN(knn) ? "" : String.format(Locale.ROOT, "  knn-top1 %.3f", knn);
        line(String.format(
                Locale.ROOT,
                "== epoch %d/%d done: mean loss %.4f  collapse-std %.4f (healthy ~%.4f)%s  %.1f img/s"
                        + "  data-wait %.0f%%",
                epoch,
                totalEpochs,
                meanLoss,
                collapseStd,
                reference,
                knnText,
                imagesPerSecond,
                100 * dataWaitShare));
    }
}
