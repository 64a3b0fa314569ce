package io.byol4j.trainer.finetune;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.byol4j.trainer.network.ClassifierNetwork;
import io.byol4j.trainer.optim.NesterovSgd;
import io.byol4j.trainer.optim.Optimizer;
import io.byol4j.trainer.schedule.LrSchedule;
import io.byol4j.trainer.train.DataOrder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * One fine-tuning setting (learning rate, epochs) trained on a list of images, scored each epoch on a held-out
 * list (possibly empty), checkpointed into its own folder and resumable from it. Cosine decay from the peak rate
 * to 0 over the whole trial, no warm-up, Nesterov SGD.
 */
final class Trial {

    /** File written into the trial folder when the trial has finished. */
    static final String RESULT = "result.json";

    private final FineTuneSetup setup;
    private final String name;
    private final int[] train;
    private final int[] validation;
    private final double lr;
    private final int epochs;
    private final Path dir;
    private final FineTuneProgress out;
    private long stepsThisSession;

    Trial(
            FineTuneSetup setup,
            String name,
            int[] train,
            int[] validation,
            double lr,
            int epochs,
            Path dir,
            FineTuneProgress out) {
        this.setup = setup;
        this.name = name;
        this.train = train;
        this.validation = validation;
        this.lr = lr;
        this.epochs = epochs;
        this.dir = dir;
        this.out = out;
    }

    /** Runs (or resumes, or reads back) the trial; stops early after {@code stopAfterSteps} steps of this session. */
    TrialResult run(long stopAfterSteps) throws IOException, InterruptedException {
        Path resultFile = dir.resolve(RESULT);
        if (Files.isRegularFile(resultFile)) {
            TrialResult done = FineTuneCheckpoints.JSON.readValue(resultFile.toFile(), TrialResult.class);
            out.line("trial " + name + " already finished: " + describe(done));
            return done;
        }
        int batch = Math.min(setup.config().batchSize(), train.length);
        long stepsPerEpoch = train.length / batch;
        long total = stepsPerEpoch * epochs;
        LrSchedule schedule = new LrSchedule(lr, 0, total);
        DataOrder order = new DataOrder(setup.config().seed(), train.length, batch, stepsPerEpoch);
        Optional<Path> resumeFrom = FineTuneCheckpoints.latest(dir);
        try (ClassifierNetwork network = setup.newNetwork();
                Optimizer optimizer = new NesterovSgd(
                        network.trainableParameters(),
                        network.manager(),
                        setup.config().momentum(),
                        setup.config().weightDecay())) {
            long step = 0;
            double elapsedBefore = 0;
            FineTuneMetrics metrics = new FineTuneMetrics();
            Path lastCheckpoint = null;
            if (resumeFrom.isPresent()) {
                TrialState state = FineTuneCheckpoints.readState(resumeFrom.get());
                if (state.learningRate() != lr || state.epochs() != epochs || state.totalSteps() != total) {
                    throw new IllegalStateException("the checkpoint " + resumeFrom.get() + " belongs to another"
                            + " setting (lr " + state.learningRate() + ", " + state.epochs() + " epochs); use --force"
                            + " to start the run again");
                }
                FineTuneCheckpoints.restore(resumeFrom.get(), network, optimizer);
                metrics = FineTuneCheckpoints.readMetrics(resumeFrom.get());
                step = state.step();
                elapsedBefore = state.elapsedSeconds();
                lastCheckpoint = resumeFrom.get();
                out.line("trial " + name + ": resumed from " + lastCheckpoint + " at step " + step);
            }
            out.line(String.format(
                    Locale.ROOT,
                    "trial %s: lr %s, %d epochs, %d training / %d validation images," + " batch %d, %d steps, %s, %s",
                    name,
                    lr,
                    epochs,
                    train.length,
                    validation.length,
                    batch,
                    total,
                    network.frozenEncoder() ? "frozen encoder (linear)" : "full network",
                    network.device()));
            long sessionStart = System.nanoTime();
            long sessionFirstStep = step;
            long endStep = stopAfterSteps >= total - step ? total : step + stopAfterSteps;
            long epochStart = System.nanoTime();
            double epochLoss = 0;
            int epochSteps = 0;
            long lastPrint = System.nanoTime();
            long stepsSincePrint = 0;
            while (step < endStep) {
                int epoch = order.epochOf(step);
                double rate = schedule.at(step);
                LabeledImages.Batch b = setup.images().training(train, order, step, setup.trainView());
                double loss = trainStep(network, optimizer, b, rate);
                if (!Double.isFinite(loss)) {
                    metrics.write(dir);
                    throw new FineTuneDivergedException(name, step + 1, "the loss is " + loss, lastCheckpoint);
                }
                step++;
                stepsThisSession++;
                stepsSincePrint++;
                epochLoss += loss;
                epochSteps++;
                metrics.add(new FineTuneMetrics.Step(step, epoch, loss, rate));
                double elapsed = elapsedBefore + (System.nanoTime() - sessionStart) / 1e9;
                boolean endsEpoch = step % stepsPerEpoch == 0;
                if (step % setup.config().logEverySteps() == 0 || endsEpoch) {
                    long now = System.nanoTime();
                    double seconds = Math.max((now - lastPrint) / 1e9, 1e-9);
                    double sessionSeconds = (now - sessionStart) / 1e9;
                    double eta = (total - step) * sessionSeconds / Math.max(1, step - sessionFirstStep);
                    out.step(name, epoch + 1, epochs, step, total, loss, rate, stepsSincePrint * batch / seconds, eta);
                    lastPrint = now;
                    stepsSincePrint = 0;
                }
                if (endsEpoch) {
                    double seconds = Math.max((System.nanoTime() - epochStart) / 1e9, 1e-9);
                    double accuracy = validation.length == 0 ? Double.NaN : setup.accuracy(network, validation);
                    FineTuneMetrics.Epoch e = new FineTuneMetrics.Epoch(
                            epoch + 1,
                            step,
                            epochLoss / epochSteps,
                            accuracy,
                            rate,
                            epochSteps * batch / seconds,
                            elapsed);
                    metrics.add(e);
                    out.epoch(name, e, epochs);
                    metrics.write(dir);
                    plot(metrics);
                    epochStart = System.nanoTime();
                    epochLoss = 0;
                    epochSteps = 0;
                }
                int every = setup.config().checkpointEverySteps();
                if (step == total || (every > 0 && step % every == 0)) {
                    lastCheckpoint = checkpoint(network, optimizer, step, total, elapsed, metrics, name);
                }
            }
            if (step < total) {
                out.line("trial " + name + ": stopped after step " + step + " of " + total);
                return null;
            }
            double seconds = elapsedBefore + (System.nanoTime() - sessionStart) / 1e9;
            FineTuneMetrics.Epoch last = metrics.epochs().get(metrics.epochs().size() - 1);
            TrialResult result = new TrialResult(
                    name,
                    lr,
                    epochs,
                    train.length,
                    validation.length,
                    last.valAccuracy(),
                    last.trainLoss(),
                    total,
                    seconds,
                    total * batch / Math.max(seconds, 1e-9),
                    lastCheckpoint.toString());
            io.byol4j.sdk.internal.io.AtomicFiles.writeString(
                    resultFile, FineTuneCheckpoints.JSON.writeValueAsString(result) + "\n");
            out.line("trial " + name + " done: " + describe(result));
            return result;
        }
    }

    /** Optimiser steps taken by {@link #run} in this session. */
    long stepsThisSession() {
        return stepsThisSession;
    }

    static String describe(TrialResult r) {
        return String.format(
                Locale.ROOT,
                "lr %s, %d epochs: validation accuracy %s, final loss %.4f, %.1f img/s",
                r.learningRate(),
                r.epochs(),
                Double.isNaN(r.valAccuracy()) ? "n/a" : String.format(Locale.ROOT, "%.4f", r.valAccuracy()),
                r.finalLoss(),
                r.imagesPerSecond());
    }

    private Path checkpoint(
            ClassifierNetwork network,
            Optimizer optimizer,
            long step,
            long total,
            double elapsed,
            FineTuneMetrics metrics,
            String trial)
            throws IOException {
        if (!network.isFinite()) {
            throw new FineTuneDivergedException(
                    trial,
                    step,
                    "the weights are no longer finite",
                    FineTuneCheckpoints.latest(dir).orElse(null));
        }
        Path written = FineTuneCheckpoints.write(
                dir, network, optimizer, new TrialState(step, total, step == total, lr, epochs, elapsed), metrics);
        metrics.write(dir);
        out.line("checkpoint " + written);
        return written;
    }

    private void plot(FineTuneMetrics metrics) {
        try {
            metrics.plot(dir, "fine-tuning " + name);
        } catch (IOException | RuntimeException e) {
            out.line("warning: cannot draw " + FineTuneMetrics.PLOT_FILE + " in " + dir + ": " + e);
        }
    }

    private double trainStep(ClassifierNetwork network, Optimizer optimizer, LabeledImages.Batch b, double rate) {
        int n = b.count();
        int classes = network.classes();
        float[] oneHot = new float[n * classes];
        for (int i = 0; i < n; i++) {
            oneHot[i * classes + b.labels()[i]] = 1f;
        }
        try (NDManager m = network.manager().newSubManager()) {
            NDArray x = m.create(b.images(), new Shape(n, setup.channels(), setup.imageSize(), setup.imageSize()));
            NDArray targets = m.create(oneHot, new Shape(n, classes));
            float loss;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray logits = network.logits(x, true);
                NDArray value = targets.mul(logits.logSoftmax(1))
                        .sum(new int[] {1})
                        .mean()
                        .neg();
                gc.backward(value);
                loss = value.getFloat();
            }
            if (Float.isFinite(loss)) {
                optimizer.step(rate);
            }
            return loss;
        }
    }
}
