package io.byol4j.trainer.train;

import ai.djl.Device;
import io.byol4j.sdk.data.Dataset;
import io.byol4j.sdk.data.Datasets;
import io.byol4j.sdk.internal.io.AtomicFiles;
import io.byol4j.trainer.checkpoint.Checkpoint;
import io.byol4j.trainer.checkpoint.Checkpoints;
import io.byol4j.trainer.config.TrainConfig;
import io.byol4j.trainer.device.DeviceSelector;
import io.byol4j.trainer.network.ByolReplicas;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains BYOL: for every step, two augmented views of a batch go through the online and target networks,
 * the symmetric loss is back-propagated into the online network only, the optimiser applies the
 * scheduled learning rate, and the target follows by EMA with the scheduled rate.
 *
 * <p>The run directory ({@code cfg.outputDir()}) receives {@code config.json} at start, a progress line
 * every {@code logEverySteps} steps on the given stream, {@code metrics.csv}, {@code steps.csv},
 * {@code loss.png} and {@code monitors.png} after every epoch, and checkpoints every
 * {@code checkpointEverySteps} steps and at the end (see {@link Checkpoints}). A resumed run continues
 * from the latest checkpoint and reproduces the uninterrupted run's losses (data order and augmentation
 * depend only on the seed, the step and the dataset size); a resume on a dataset of another size is refused
 * unless {@link #allowDatasetChange(boolean)} allows it.
 *
 * <p>Devices: every device chosen by {@link DeviceSelector} is used, from the same config. With several
 * devices (all GPUs of the machine) training is synchronously data parallel: one replica of the networks per
 * device, each step's batch split into equal contiguous shards, gradients averaged onto the first device,
 * whose weights are stepped and copied back to the others (see {@link ByolReplicas}); {@code batchSize} must
 * then be a multiple of the device count. Checkpoints hold the first replica only, so a run may resume on
 * another number of devices.
 */
public final class ByolTrainer {

    private static final Logger LOG = LoggerFactory.getLogger(ByolTrainer.class);

    /** Config keys that may change between an interrupted run and its resumption. */
    static final Set<String> RESUMABLE_CHANGES = Set.of(
            "recipe",
            "workers",
            "prefetchBatches",
            "checkpointEverySteps",
            "keepCheckpoints",
            "logEverySteps",
            "outputDir",
            "device",
            "memoryFormat",
            "monitor.knnEveryEpochs",
            "monitor.knnK",
            "monitor.knnSamples");

    /** File in the run directory that records every resume onto a changed dataset. */
    public static final String RESUME_LOG = "resume-log.txt";

    private final DeviceSelector devices;
    private boolean allowDatasetChange;
    private long stopAfterSteps = Long.MAX_VALUE;
    private StepHook hook = (step, network) -> {};

    /** A trainer that picks devices from what the engine sees. */
    public ByolTrainer() {
        this(DeviceSelector.system());
    }

    /** A trainer that picks devices with {@code devices}. */
    public ByolTrainer(DeviceSelector devices) {
        this.devices = devices;
    }

    /**
     * Lets a resume continue on a dataset whose image count differs from the checkpoint's (off by default: such
     * a resume is refused). The run then keeps the checkpoint's total and warm-up steps, so the LR and tau
     * schedules continue where they were, while the data order follows the new dataset from the resumed step on;
     * the change is printed and appended to {@value #RESUME_LOG} in the run directory.
     *
     * @return this trainer
     */
    public ByolTrainer allowDatasetChange(boolean allow) {
        this.allowDatasetChange = allow;
        return this;
    }

    /** Test support: end the session after this many steps without a final checkpoint, like a kill. */
    ByolTrainer stopAfter(long steps) {
        this.stopAfterSteps = steps;
        return this;
    }

    /** Test support: observe or perturb the network after each step. */
    ByolTrainer onStep(StepHook stepHook) {
        this.hook = stepHook;
        return this;
    }

    /**
     * Opens {@code cfg.dataset()} with {@code Datasets.open} and trains on it.
     *
     * @see #run(TrainConfig, Dataset, boolean, PrintStream)
     */
    public TrainResult run(TrainConfig cfg, boolean resume, PrintStream progress) {
        Dataset dataset = Datasets.open(cfg.dataset(), cfg.channels());
        return run(cfg, dataset, resume, progress);
    }

    /**
     * Trains on {@code dataset}.
     *
     * @param resume continue from the latest checkpoint in {@code cfg.outputDir()}; the config may differ
     *     from the checkpoint's only in {@link #RESUMABLE_CHANGES}, and the dataset must have as many images
     *     as when the checkpoint was written unless {@link #allowDatasetChange(boolean)} says otherwise
     * @param progress receives human-readable progress lines
     * @throws IllegalArgumentException if the dataset is smaller than a batch, a resumed config changes
     *     the training trajectory, a resumed run's dataset changed size (checked before anything is written),
     *     or {@code batchSize} does not split over the selected devices
     * @throws IllegalStateException if {@code resume} is false and the output directory already holds a
     *     run, or {@code resume} is true and it holds none
     * @throws TrainingDivergedException if the loss becomes NaN or infinite
     * @throws UncheckedIOException if outputs cannot be written
     */
    public TrainResult run(TrainConfig cfg, Dataset dataset, boolean resume, PrintStream progress) {
        Path runDir = cfg.outputPath();
        Checkpoint from = resume ? resumePoint(cfg, runDir) : null;
        if (!resume) {
            Checkpoints.latest(runDir).ifPresent(existing -> {
                throw new IllegalStateException(runDir + " already holds a run (checkpoint " + existing.getFileName()
                        + "); resume it, or choose another outputDir");
            });
        }
        boolean complete = from != null && from.state().step() >= from.state().totalSteps();
        Optional<String> datasetChange = from == null || complete
                ? Optional.empty()
                : ResumeCheck.datasetChange(from.state(), cfg, dataset.size());
        if (datasetChange.isPresent() && !allowDatasetChange) {
            throw new IllegalArgumentException("cannot resume " + runDir + " exactly: the dataset " + dataset.describe()
                    + " changed since checkpoint " + from.dir().getFileName() + " (" + datasetChange.get() + "), so"
                    + " the data order and, for a run counted in epochs, the LR and tau schedules would change."
                    + " Restore the dataset the run started with, start a new run, or pass --allow-dataset-change to"
                    + " continue on this dataset with the checkpoint's schedule ("
                    + from.state().totalSteps()
                    + " steps)");
        }
        RunPlan plan = from == null
                ? RunPlan.of(cfg, dataset.size())
                : ResumeCheck.resumedPlan(from.state(), cfg, dataset.size());
        TrainingProgress out = new TrainingProgress(progress);
        List<Device> chosen = pickDevices(cfg);
        TrainingSession session = new TrainingSession(cfg, dataset, plan, from, out, chosen, stopAfterSteps, hook);
        try {
            if (datasetChange.isPresent()) {
                recordDatasetChange(runDir, from, dataset, datasetChange.get(), out);
            }
            Checkpoints.writeAtomically(runDir.resolve(Checkpoints.CONFIG), cfg.toJson() + "\n");
            return session.train();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write training outputs in " + runDir + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("training was interrupted", e);
        }
    }

    private static void recordDatasetChange(
            Path runDir, Checkpoint from, Dataset dataset, String change, TrainingProgress out) throws IOException {
        String entry = String.format(
                Locale.ROOT,
                "%s resumed at step %d of %d on a changed dataset %s (%s),"
                        + " allowed by --allow-dataset-change; the LR and tau schedules keep the checkpoint's steps, the data"
                        + " order follows the new dataset%n",
                Instant.now(),
                from.state().step(),
                from.state().totalSteps(),
                dataset.describe(),
                change);
        out.line("warning: " + entry.strip());
        Path log = runDir.resolve(RESUME_LOG);
        String before = Files.isRegularFile(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        AtomicFiles.writeString(log, before + entry);
    }

    private static Checkpoint resumePoint(TrainConfig cfg, Path runDir) {
        if (Checkpoints.latest(runDir).isEmpty()) {
            throw new IllegalStateException("nothing to resume in " + runDir + ": it holds no checkpoint");
        }
        Checkpoint from = Checkpoints.read(runDir);
        List<String> changed = cfg.differences(from.config()).stream()
                .filter(k -> !RESUMABLE_CHANGES.contains(k))
                .toList();
        if (!changed.isEmpty()) {
            throw new IllegalArgumentException("cannot resume " + runDir + " with a different training setup; "
                    + "changed keys: " + changed + ". Only "
                    + RESUMABLE_CHANGES.stream().sorted().toList()
                    + " may change; start a new run for anything else");
        }
        return from;
    }

    private List<Device> pickDevices(TrainConfig cfg) {
        List<Device> chosen = devices.select(cfg.device());
        ByolReplicas.checkBatch(cfg.batchSize(), chosen);
        if (chosen.size() > 1) {
            LOG.info(
                    "data-parallel training on {} devices {}, {} images each per step",
                    chosen.size(),
                    chosen,
                    cfg.batchSize() / chosen.size());
        }
        return chosen;
    }
}
