package io.byol4j.trainer.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.byol4j.sdk.data.Dataset;
import io.byol4j.sdk.internal.Durations;
import io.byol4j.trainer.augment.ViewAugmenter;
import io.byol4j.trainer.augment.ViewConfig;
import io.byol4j.trainer.checkpoint.Checkpoint;
import io.byol4j.trainer.checkpoint.CheckpointState;
import io.byol4j.trainer.checkpoint.Checkpoints;
import io.byol4j.trainer.config.TrainConfig;
import io.byol4j.trainer.memory.MallocTuning;
import io.byol4j.trainer.metrics.CollapseMonitor;
import io.byol4j.trainer.metrics.EpochMetrics;
import io.byol4j.trainer.metrics.KnnMonitor;
import io.byol4j.trainer.metrics.MetricsHistory;
import io.byol4j.trainer.metrics.MetricsPlots;
import io.byol4j.trainer.metrics.StepRecord;
import io.byol4j.trainer.network.ByolNetwork;
import io.byol4j.trainer.network.ByolReplicas;
import io.byol4j.trainer.optim.Optimizer;
import io.byol4j.trainer.schedule.LrSchedule;
import io.byol4j.trainer.schedule.TauSchedule;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One call of {@link ByolTrainer#run}: owns the network, optimiser and loader while it trains. */
final class TrainingSession {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingSession.class);

    private final TrainConfig cfg;
    private final Dataset dataset;
    private final Checkpoint from;
    private final TrainingProgress out;
    private final List<Device> devices;
    private final long stopAfterSteps;
    private final StepHook hook;
    private final RunPlan plan;
    private final Path runDir;
    private final MetricsHistory history;
    private final LrSchedule lrSchedule;
    private final TauSchedule tauSchedule;
    private final long startStep;
    private final double elapsedBefore;
    private final long skippedBefore;

    private ByolNetwork network;
    private Optimizer optimizer;
    private TrainingStep trainingStep;
    private KnnMonitor knn;
    private Path lastCheckpoint;
    private long step;
    private double lastLoss = Double.NaN;
    private long sessionStart;
    private long waitNanos;
    private long epochStart;
    private long epochWaitNanos;
    private long epochSteps;
    private double epochCollapseSum;
    private long lastPrint;
    private long stepsSincePrint;
    private long waitSincePrint;

    TrainingSession(
            TrainConfig cfg,
            Dataset dataset,
            RunPlan plan,
            Checkpoint from,
            TrainingProgress out,
            List<Device> devices,
            long stopAfterSteps,
            StepHook hook) {
        this.cfg = cfg;
        this.dataset = dataset;
        this.from = from;
        this.out = out;
        this.devices = List.copyOf(devices);
        this.stopAfterSteps = stopAfterSteps;
        this.hook = hook;
        this.plan = plan;
        this.runDir = cfg.outputPath();
        this.history = from == null ? new MetricsHistory() : from.metrics();
        long schedulable = Math.max(1, plan.totalSteps());
        this.lrSchedule = new LrSchedule(cfg.peakLr(), plan.warmupSteps(), schedulable);
        this.tauSchedule = new TauSchedule(cfg.tauBase(), schedulable);
        this.startStep = from == null ? 0 : from.state().step();
        this.step = startStep;
        this.elapsedBefore = from == null ? 0 : from.state().elapsedSeconds();
        this.skippedBefore = from == null ? 0 : from.state().skippedImages();
        this.lastCheckpoint = from == null ? null : from.dir();
        if (from != null && from.state().lastLoss() != null) {
            this.lastLoss = from.state().lastLoss();
        }
    }

    TrainResult train() throws IOException, InterruptedException {
        sessionStart = System.nanoTime();
        out.line(MallocTuning.apply().detail());
        if (from != null && startStep >= plan.totalSteps()) {
            out.line("the run in " + runDir + " is already complete (" + startStep + " steps)");
            return result(from.dir(), 0, 0, Duration.ZERO, skippedBefore);
        }
        try (ByolReplicas replicas = ByolReplicas.create(cfg, devices);
                Optimizer opt = Optimizer.create(
                        cfg.optimizer(),
                        replicas.primary().trainableParameters(cfg.optimizer().excludeBiasAndNorm()),
                        replicas.primary().manager())) {
            out.line(String.format(
                    Locale.ROOT,
                    "training BYOL on %s: %s, %d images, %d steps per epoch, %d steps, %s",
                    dataset.describe(),
                    cfg.encoder().displayName(),
                    dataset.size(),
                    plan.stepsPerEpoch(),
                    plan.totalSteps(),
                    describeDevices(replicas)));
            ByolNetwork net = replicas.primary();
            this.network = net;
            this.optimizer = opt;
            this.trainingStep = new TrainingStep(replicas, opt, cfg);
            if (from != null) {
                Checkpoints.restore(from, net, opt);
                replicas.broadcastFromPrimary();
                out.line("resumed from " + from.dir() + " at step " + startStep);
            }
            this.knn = knnMonitor();
            if (knn != null && startStep == 0) {
                out.line(String.format(
                        Locale.ROOT,
                        "k-NN top-1 of the random initialisation: %.3f (%d images)",
                        knn.evaluate(this::embed),
                        knn.subsetSize()));
            }
            return loop();
        }
    }

    private static String describeDevices(ByolReplicas replicas) {
        String layout = replicas.primary().channelsLast() ? "channels-last" : "nchw";
        if (replicas.size() == 1) {
            return "device " + replicas.primary().device() + ", " + layout;
        }
        return String.format(
                Locale.ROOT,
                "data parallel on %d devices %s (%d images each), %s",
                replicas.size(),
                replicas.devices(),
                replicas.shardSize(),
                layout);
    }

    private TrainResult loop() throws IOException, InterruptedException {
        DataOrder order = new DataOrder(cfg.seed(), dataset.size(), cfg.batchSize(), plan.stepsPerEpoch());
        float[] mean = cfg.normalization().mean();
        float[] std = cfg.normalization().std();
        ViewAugmenter view1 = new ViewAugmenter(cfg.augment().view1(), cfg.imageSize(), cfg.channels(), mean, std);
        ViewAugmenter view2 = new ViewAugmenter(cfg.augment().view2(), cfg.imageSize(), cfg.channels(), mean, std);
        long endStep = stopAfterSteps >= plan.totalSteps() - startStep ? plan.totalSteps() : startStep + stopAfterSteps;
        long loopStart = System.nanoTime();
        long skipped;
        try (TwoViewLoader loader = new TwoViewLoader(
                dataset, view1, view2, order, cfg.workers(), cfg.prefetchBatches(), startStep, endStep, this::warn)) {
            epochStart = loopStart;
            lastPrint = loopStart;
            while (step < endStep) {
                long t0 = System.nanoTime();
                TwoViewBatch batch = loader.next();
                long waited = System.nanoTime() - t0;
                waitNanos += waited;
                epochWaitNanos += waited;
                waitSincePrint += waited;
                trainOn(batch, loader.skippedImages());
            }
            skipped = Math.max(skippedBefore, loader.skippedImages());
        }
        double loopSeconds = Math.max((System.nanoTime() - loopStart) / 1e9, 1e-9);
        long sessionSteps = step - startStep;
        double imagesPerSecond = sessionSteps * cfg.batchSize() / loopSeconds;
        double waitShare = Math.min(1.0, waitNanos / 1e9 / loopSeconds);
        if (step < plan.totalSteps()) {
            out.line("stopped after step " + step + " of " + plan.totalSteps() + " without a final checkpoint");
            return result(lastCheckpoint, imagesPerSecond, waitShare, sessionElapsed(), skipped);
        }
        lastCheckpoint = checkpoint(true, skipped);
        history.write(runDir);
        writePlots();
        Duration elapsed = sessionElapsed();
        out.line(String.format(
                Locale.ROOT,
                "done: %d steps, final loss %.4f, %.1f img/s, data-wait %.0f%%, %d skipped images, %s; checkpoint %s",
                step,
                lastLoss,
                imagesPerSecond,
                100 * waitShare,
                skipped,
                Durations.format(elapsed),
                lastCheckpoint));
        return result(lastCheckpoint, imagesPerSecond, waitShare, elapsed, skipped);
    }

    private TrainResult result(
            Path checkpoint, double imagesPerSecond, double waitShare, Duration elapsed, long skipped) {
        return new TrainResult(
                runDir, checkpoint, step, plan.totalSteps(), lastLoss, imagesPerSecond, waitShare, elapsed, skipped);
    }

    private Duration sessionElapsed() {
        return Duration.ofNanos(System.nanoTime() - sessionStart);
    }

    private void trainOn(TwoViewBatch batch, long skippedSoFar) throws IOException {
        double lr = lrSchedule.at(step);
        double tau = tauSchedule.at(step);
        int epoch = plan.epochOf(step);
        TrainingStep.Result result = trainingStep.run(batch.view1(), batch.view2(), lr, tau);
        double loss = result.loss();
        if (!result.applied()) {
            history.write(runDir);
            throw new TrainingDivergedException(step + 1, epoch, "the loss is " + loss, lastCheckpoint);
        }
        double collapse = result.collapse();
        step++;
        lastLoss = loss;
        epochSteps++;
        epochCollapseSum += collapse;
        stepsSincePrint++;
        history.addStep(new StepRecord(step, epoch, loss, lr, tau));
        hook.afterStep(step, network);

        boolean endsEpoch = plan.endsEpoch(step - 1);
        if (step % cfg.logEverySteps() == 0 || endsEpoch || step == startStep + 1) {
            printProgress(epoch, loss, lr, tau);
        }
        if (endsEpoch) {
            finishEpoch(epoch, lr, tau, Math.max(skippedBefore, skippedSoFar));
        }
        if (cfg.checkpointEverySteps() > 0 && step % cfg.checkpointEverySteps() == 0 && step < plan.totalSteps()) {
            lastCheckpoint = checkpoint(false, Math.max(skippedBefore, skippedSoFar));
        }
    }

    private void printProgress(int epoch, double loss, double lr, double tau) {
        long now = System.nanoTime();
        double seconds = Math.max((now - lastPrint) / 1e9, 1e-9);
        double imagesPerSecond = stepsSincePrint * cfg.batchSize() / seconds;
        double waitShare = Math.min(1.0, waitSincePrint / 1e9 / seconds);
        double perStep = (now - sessionStart) / 1e9 / Math.max(1, step - startStep);
        out.step(
                epoch,
                plan.epochs(),
                step,
                plan.totalSteps(),
                loss,
                lr,
                tau,
                imagesPerSecond,
                waitShare,
                perStep * (plan.totalSteps() - step));
        lastPrint = now;
        stepsSincePrint = 0;
        waitSincePrint = 0;
    }

    private void finishEpoch(int epoch, double lr, double tau, long skipped) throws IOException {
        long now = System.nanoTime();
        double seconds = Math.max((now - epochStart) / 1e9, 1e-9);
        double imagesPerSecond = epochSteps * cfg.batchSize() / seconds;
        double waitShare = Math.min(1.0, epochWaitNanos / 1e9 / seconds);
        double meanLoss = history.steps().stream()
                .filter(r -> r.epoch() == epoch)
                .mapToDouble(StepRecord::loss)
                .average()
                .orElse(Double.NaN);
        double collapse = epochCollapseSum / Math.max(1, epochSteps);
        double knnAccuracy = knn != null && cfg.monitor().knnDue(epoch) ? knn.evaluate(this::embed) : Double.NaN;
        double elapsed = elapsedBefore + (now - sessionStart) / 1e9;
        history.addEpoch(new EpochMetrics(
                epoch, step, meanLoss, lr, tau, imagesPerSecond, waitShare, collapse, knnAccuracy, elapsed, skipped));
        out.epoch(
                epoch,
                plan.epochs(),
                meanLoss,
                collapse,
                CollapseMonitor.healthyReference(cfg.heads().projectionDim()),
                knnAccuracy,
                imagesPerSecond,
                waitShare);
        history.write(runDir);
        writePlots();
        epochStart = System.nanoTime();
        epochWaitNanos = 0;
        epochSteps = 0;
        epochCollapseSum = 0;
    }

    private KnnMonitor knnMonitor() {
        if (cfg.monitor().knnEveryEpochs() <= 0) {
            return null;
        }
        if (!dataset.isLabeled()) {
            out.line("note: the k-NN monitor needs labels; " + dataset.describe() + " has none, so it is off");
            return null;
        }
        ViewAugmenter eval = new ViewAugmenter(
                ViewConfig.none(),
                cfg.imageSize(),
                cfg.channels(),
                cfg.normalization().mean(),
                cfg.normalization().std());
        return new KnnMonitor(dataset, eval, cfg.monitor().knnK(), cfg.monitor().knnSamples(), cfg.seed());
    }

    private float[][] embed(float[] images, int count) {
        try (NDScope scope = new NDScope();
                NDManager m = network.manager().newSubManager()) {
            scope.suppressNotUsedWarning();
            NDArray x = m.create(images, new Shape(count, cfg.channels(), cfg.imageSize(), cfg.imageSize()));
            NDArray e = network.embed(x);
            int dim = (int) e.getShape().get(1);
            float[] flat = e.toFloatArray();
            float[][] rows = new float[count][dim];
            for (int i = 0; i < count; i++) {
                System.arraycopy(flat, i * dim, rows[i], 0, dim);
            }
            return rows;
        }
    }

    private Path checkpoint(boolean finished, long skipped) throws IOException {
        if (!network.isFinite()) {
            history.write(runDir);
            throw new TrainingDivergedException(
                    step, plan.epochOf(Math.max(0, step - 1)), "the weights are no longer finite", lastCheckpoint);
        }
        double elapsed = elapsedBefore + (System.nanoTime() - sessionStart) / 1e9;
        CheckpointState state = new CheckpointState(
                CheckpointState.FORMAT,
                step,
                (int) (step / plan.stepsPerEpoch()),
                plan.stepsPerEpoch(),
                plan.totalSteps(),
                finished,
                cfg.sha256(),
                cfg.dataset(),
                cfg.seed(),
                Double.isFinite(lastLoss) ? lastLoss : null,
                skipped,
                elapsed,
                Instant.now().toString(),
                dataset.size(),
                plan.warmupSteps());
        Path dir = Checkpoints.write(runDir, cfg, network, optimizer, state, history, cfg.keepCheckpoints());
        out.line("checkpoint " + dir);
        return dir;
    }

    private void writePlots() {
        try {
            MetricsPlots.write(history, cfg.heads().projectionDim(), runDir);
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot draw metric plots in {}: {}", runDir, e.toString());
        }
    }

    private void warn(String message) {
        LOG.warn(message);
        out.line("warning: " + message);
    }
}
