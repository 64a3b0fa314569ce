package io.byol4j.trainer.finetune;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.byol4j.sdk.data.Dataset;
import io.byol4j.sdk.data.Datasets;
import io.byol4j.sdk.data.LabelFractions;
import io.byol4j.sdk.image.DecodedImage;
import io.byol4j.sdk.image.ImageDecodeException;
import io.byol4j.sdk.internal.io.AtomicFiles;
import io.byol4j.sdk.internal.io.ConfigDifferences;
import io.byol4j.trainer.checkpoint.Checkpoint;
import io.byol4j.trainer.checkpoint.Checkpoints;
import io.byol4j.trainer.checkpoint.LoadedEncoder;
import io.byol4j.trainer.config.TrainConfig;
import io.byol4j.trainer.device.DeviceSelector;
import io.byol4j.trainer.network.ClassifierNetwork;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * {@code byol4j finetune}: trains an encoder with a linear classifier on labeled images, starting from a BYOL
 * checkpoint or from a random initialisation of the same network.
 *
 * <ol>
 *   <li>Checks everything before any work and before writing anything: the checkpoint, the dataset and its
 *       labels, the label fraction (at least one image per class), the data's channels and image size against
 *       the encoder's input (converted only with {@code convertInputs}), the test set's classes, the class names.
 *   <li>Keeps the stratified label fraction of {@link LabelFractions} (the images every other method uses for
 *       the same fraction and seed), and, when several settings are searched, holds out
 *       {@code validationShare} of them per class.
 *   <li>Trains one trial per (learning rate, epochs) of the grid on the rest, scores each on the held-out images,
 *       picks the best (ties: fewer epochs, then the smaller rate), and by default trains that setting again on
 *       every labeled image ({@code final/}).
 *   <li>Scores the result once on the test set, if one is given, and writes {@code result.json}.
 * </ol>
 *
 * <p>Run folder: {@code run.json} (what the export needs), {@code split.json} (the images of each part),
 * {@code trials/<setting>/} and {@code final/} (checkpoints, {@code metrics.csv}, {@code steps.csv},
 * {@code curves.png}, {@code result.json}), {@code search.json}, {@code result.json}. Every trial resumes exactly
 * from its latest checkpoint after a kill. Not thread-safe; one run at a time per folder.
 */
public final class FineTuner {

    /** Run description file (for the export). */
    public static final String RUN_FILE = "run.json";
    /** The image indices of the label fraction and of the search's training and validation parts. */
    public static final String SPLIT_FILE = "split.json";
    /** Every searched setting with its validation accuracy. */
    public static final String SEARCH_FILE = "search.json";
    /** The run's result ({@link FineTuneResult}). */
    public static final String RESULT_FILE = "result.json";
    /** Folder of the result trial when the chosen setting is retrained on every labeled image. */
    public static final String FINAL_DIR = "final";

    static final String TRIALS_DIR = "trials";
    private static final List<String> OUTPUTS =
            List.of(RUN_FILE, SPLIT_FILE, SEARCH_FILE, RESULT_FILE, FINAL_DIR, TRIALS_DIR);

    /**
     * What the exporter needs to rebuild the classifier.
     *
     * @param byolCheckpoint the BYOL checkpoint the network description (and, for {@code byol}, the weights) came from
     * @param byolConfig that checkpoint's training config (architecture, input, normalisation)
     * @param fineTuneConfig the run's config as JSON
     * @param classNames the class names, indexed by label
     * @param resultCheckpoint the checkpoint holding the result's weights (set when the run has finished)
     */
    public record RunDescription(
            String byolCheckpoint,
            String byolConfig,
            String fineTuneConfig,
            List<String> classNames,
            String resultCheckpoint) {}

    private final DeviceSelector devices;

    /** A fine-tuner choosing devices with {@link DeviceSelector#system()}. */
    public FineTuner() {
        this(DeviceSelector.system());
    }

    /** A fine-tuner choosing devices with {@code devices} (the first device selected is used). */
    public FineTuner(DeviceSelector devices) {
        this.devices = devices;
    }

    /** {@link #run(FineTuneConfig, boolean, boolean, PrintStream, long)} to the end. */
    public FineTuneResult run(FineTuneConfig cfg, boolean resume, boolean force, PrintStream progress)
            throws IOException, InterruptedException {
        return run(cfg, resume, force, progress, Long.MAX_VALUE);
    }

    /**
     * Runs (or resumes) fine-tuning.
     *
     * @param resume continue the run in {@code cfg.out()}: finished trials are read back, an interrupted one
     *     continues from its latest checkpoint
     * @param force delete this command's outputs in {@code cfg.out()} and start again
     * @param stopAfterSteps stop after this many optimiser steps in this call (for tests of resumption)
     * @return the result, or null when stopped early by {@code stopAfterSteps}
     * @throws IllegalArgumentException for every problem found before the work starts (nothing written)
     * @throws FineTuneDivergedException when the loss or weights become non-finite
     */
    public FineTuneResult run(
            FineTuneConfig cfg, boolean resume, boolean force, PrintStream progress, long stopAfterSteps)
            throws IOException, InterruptedException {
        FineTuneProgress out = new FineTuneProgress(progress);
        Path runDir = Path.of(cfg.out());
        checkOutput(runDir, resume, force);
        if (resume) {
            checkSameTraining(runDir, cfg);
        }
        Plan plan = plan(cfg);
        Device device = devices.select(cfg.device()).get(0);
        byte[] weights =
                "byol".equals(cfg.init()) ? encoderWeights(plan.byolCheckpoint().dir()) : null;

        Files.createDirectories(runDir);
        try (RunLock lock = RunLock.acquire(runDir)) {
            return locked(cfg, force, out, runDir, plan, device, weights, stopAfterSteps);
        }
    }

    private FineTuneResult locked(
            FineTuneConfig cfg,
            boolean force,
            FineTuneProgress out,
            Path runDir,
            Plan plan,
            Device device,
            byte[] weights,
            long stopAfterSteps)
            throws IOException, InterruptedException {
        Checkpoint byolCheckpoint = plan.byolCheckpoint();
        TrainConfig byol = byolCheckpoint.config();
        Dataset dataset = plan.dataset();
        int[] labels = plan.labels();
        List<String> classNames = plan.classNames();
        int[] labeled = plan.labeled();
        Dataset test = plan.test();
        int[][] parts = plan.parts();
        if (force) {
            for (String name : OUTPUTS) {
                FineTuneCheckpoints.deleteRecursively(runDir.resolve(name));
            }
        }
        String cfgJson = FineTuneCheckpoints.JSON.writeValueAsString(cfg);
        writeJson(
                runDir.resolve(RUN_FILE),
                new RunDescription(
                        byolCheckpoint.dir().toString(), byolCheckpoint.configJson(), cfgJson, classNames, null));
        Map<String, Object> split = new LinkedHashMap<>();
        split.put("fraction", cfg.fraction());
        split.put("seed", cfg.seed());
        split.put("labeled", labeled);
        split.put("train", parts[0]);
        split.put("validation", parts[1]);
        writeJson(runDir.resolve(SPLIT_FILE), split);

        out.line(String.format(
                Locale.ROOT,
                "fine-tuning %s (%s, %s) on %s: %d classes, %d of %d images labeled"
                        + " (fraction %s), %s; init %s from %s",
                byol.encoder().displayName(),
                cfg.mode(),
                cfg.searches()
                        ? "searching "
                                + cfg.learningRates().size() * cfg.epochs().size() + " settings"
                        : "one setting",
                dataset.describe(),
                classNames.size(),
                labeled.length,
                dataset.size(),
                cfg.fraction(),
                device,
                cfg.init(),
                byolCheckpoint.dir()));
        long[] budget = {stopAfterSteps};
        try (FineTuneSetup setup = new FineTuneSetup(cfg, byol, dataset, labels, classNames, weights, device)) {
            List<TrialResult> trials = new ArrayList<>();
            TrialResult chosen;
            if (cfg.searches()) {
                for (double lr : cfg.learningRates()) {
                    for (int epochs : cfg.epochs()) {
                        String name = String.format(Locale.ROOT, "lr%s-ep%d", lr, epochs);
                        TrialResult r = runTrial(
                                setup,
                                name,
                                parts[0],
                                parts[1],
                                lr,
                                epochs,
                                runDir.resolve(TRIALS_DIR).resolve(name),
                                out,
                                budget);
                        if (r == null) {
                            return null;
                        }
                        trials.add(r);
                    }
                }
                chosen = trials.stream()
                        .max(Comparator.comparingDouble(TrialResult::valAccuracy)
                                .thenComparing(Comparator.comparingInt(TrialResult::epochs)
                                        .reversed())
                                .thenComparing(Comparator.comparingDouble(TrialResult::learningRate)
                                        .reversed()))
                        .orElseThrow();
                writeJson(runDir.resolve(SEARCH_FILE), trials);
                out.line("chosen on the validation split: " + Trial.describe(chosen));
            } else {
                chosen = null;
            }
            TrialResult result;
            if (chosen == null || cfg.retrainOnAll()) {
                double lr = chosen == null ? cfg.learningRates().get(0) : chosen.learningRate();
                int epochs = chosen == null ? cfg.epochs().get(0) : chosen.epochs();
                result = runTrial(
                        setup, FINAL_DIR, labeled, new int[0], lr, epochs, runDir.resolve(FINAL_DIR), out, budget);
                if (result == null) {
                    return null;
                }
            } else {
                result = chosen;
            }
            double testAccuracy = Double.NaN;
            int testImages = 0;
            if (test != null) {
                testImages = test.size();
                testAccuracy = testAccuracy(setup, test, Path.of(result.checkpoint()));
                out.line(String.format(
                        Locale.ROOT,
                        "test accuracy %.4f on %d images of %s",
                        testAccuracy,
                        testImages,
                        test.describe()));
            }
            FineTuneResult done = new FineTuneResult(
                    cfg.init(),
                    cfg.mode(),
                    cfg.fraction(),
                    cfg.seed(),
                    labeled.length,
                    parts[0].length,
                    parts[1].length,
                    trials,
                    result.learningRate(),
                    result.epochs(),
                    result,
                    testAccuracy,
                    testImages,
                    classNames);
            writeJson(
                    runDir.resolve(RUN_FILE),
                    new RunDescription(
                            byolCheckpoint.dir().toString(),
                            byolCheckpoint.configJson(),
                            cfgJson,
                            classNames,
                            result.checkpoint()));
            writeJson(runDir.resolve(RESULT_FILE), done);
            return done;
        }
    }

    /** Everything the checks found, for the run. */
    private record Plan(
            Checkpoint byolCheckpoint,
            Dataset dataset,
            int[] labels,
            List<String> classNames,
            int[] labeled,
            Dataset test,
            int[][] parts) {}

    /**
     * Checks {@code cfg} as {@link #run} does before any work: the checkpoint, the datasets and their labels and
     * classes, the label fraction, channels and image size, the class names. Writes nothing.
     *
     * @throws IllegalArgumentException naming the first problem
     * @throws io.byol4j.trainer.checkpoint.CheckpointException if the checkpoint cannot be read
     */
    public void check(FineTuneConfig cfg) {
        plan(cfg);
    }

    private static Plan plan(FineTuneConfig cfg) {
        Checkpoint byolCheckpoint = Checkpoints.read(Path.of(cfg.checkpoint()));
        TrainConfig byol = byolCheckpoint.config();
        Dataset dataset = openMatching(cfg.dataset(), "dataset", byol, cfg.convertInputs());
        int[] labels = LabelFractions.labels(dataset);
        List<String> classNames = classNames(cfg, dataset);
        int[] labeled = LabelFractions.select(labels, dataset.classNames(), cfg.fraction(), cfg.seed());
        Dataset test = null;
        if (cfg.testDataset() != null && !cfg.testDataset().isBlank()) {
            test = openMatching(cfg.testDataset(), "testDataset", byol, cfg.convertInputs());
            LabelFractions.labels(test);
            if (!test.classNames().equals(dataset.classNames())) {
                throw new IllegalArgumentException("the test dataset's classes " + test.classNames()
                        + " differ from the training dataset's " + dataset.classNames());
            }
        }
        int[][] parts = cfg.searches()
                ? LabelFractions.holdOut(labels, labeled, cfg.validationShare(), cfg.seed())
                : new int[][] {labeled, new int[0]};
        if (cfg.searches() && parts[1].length == 0) {
            throw new IllegalArgumentException("the label fraction keeps too few images to hold any out for"
                    + " validation; give a single learning rate and epoch count, or a larger fraction");
        }
        return new Plan(byolCheckpoint, dataset, labels, classNames, labeled, test, parts);
    }

    private static TrialResult runTrial(
            FineTuneSetup setup,
            String name,
            int[] train,
            int[] validation,
            double lr,
            int epochs,
            Path dir,
            FineTuneProgress out,
            long[] budget)
            throws IOException, InterruptedException {
        Trial trial = new Trial(setup, name, train, validation, lr, epochs, dir, out);
        TrialResult r = trial.run(budget[0]);
        budget[0] -= trial.stepsThisSession();
        return r;
    }

    private static double testAccuracy(FineTuneSetup setup, Dataset test, Path checkpoint)
            throws IOException, InterruptedException {
        try (ClassifierNetwork network = setup.newNetwork();
                LabeledImages images = new LabeledImages(test, setup.config().workers())) {
            FineTuneCheckpoints.restore(checkpoint, network, null);
            return setup.accuracy(
                    network, images, IntStream.range(0, test.size()).toArray());
        }
    }

    /**
     * Refuses to resume a run with settings that change what is trained (anything but the output folder, device,
     * logging, checkpoint interval, worker threads, test set, class names and export); the message names each
     * difference.
     */
    private static void checkSameTraining(Path runDir, FineTuneConfig cfg) throws IOException {
        RunDescription run =
                FineTuneCheckpoints.JSON.readValue(runDir.resolve(RUN_FILE).toFile(), RunDescription.class);
        List<String> differ = ConfigDifferences.of(
                run.fineTuneConfig(), FineTuneCheckpoints.JSON.writeValueAsString(cfg), RESUMABLE_CHANGES);
        if (!differ.isEmpty()) {
            throw new IllegalArgumentException("--resume: the run in " + runDir + " was trained with other settings: "
                    + String.join(", ", differ) + "; give the same settings, or --force to start again");
        }
    }

    /** Settings a resumed run may change: they do not change the weights it trains. */
    private static final Set<String> RESUMABLE_CHANGES = Set.of(
            "out", "device", "checkpointEverySteps", "logEverySteps", "workers", "testDataset", "classNames", "export");

    /** Refuses to mix runs: an output folder with this command's files needs --resume or --force. */
    private static void checkOutput(Path runDir, boolean resume, boolean force) throws IOException {
        if (resume && force) {
            throw new IllegalArgumentException("give --resume or --force, not both");
        }
        if (Files.exists(runDir) && !Files.isDirectory(runDir)) {
            throw new IllegalArgumentException("output " + runDir + " is a file; give a folder");
        }
        boolean hasOutputs = OUTPUTS.stream().anyMatch(name -> Files.exists(runDir.resolve(name)));
        if (hasOutputs && !resume && !force) {
            throw new IllegalArgumentException("output folder " + runDir + " already holds a fine-tuning run; use"
                    + " --resume to continue it or --force to replace it");
        }
        if (resume && !Files.isRegularFile(runDir.resolve(RUN_FILE))) {
            throw new IllegalArgumentException(
                    "--resume: " + runDir + " holds no fine-tuning run (no " + RUN_FILE + ")");
        }
    }

    /**
     * Opens a dataset for the BYOL network's input. Channels and image size must match the encoder's, unless
     * {@code convert} is set: then gray images are replicated to RGB (or RGB reduced to luma) and the views are
     * resized to the network's input size, exactly as the exported model's preprocessing contract does.
     */
    static Dataset openMatching(String spec, String what, TrainConfig byol, boolean convert) {
        Dataset native0 = Datasets.open(spec, 0);
        int want = byol.encoder().inputChannels();
        if (native0.size() == 0) {
            throw new IllegalArgumentException(what + " " + native0.describe() + " holds no image");
        }
        DecodedImage first;
        try {
            first = native0.get(0).image();
        } catch (ImageDecodeException e) {
            throw new IllegalArgumentException(
                    what + " " + native0.describe() + ": the first image cannot be decoded: " + e.getMessage(), e);
        }
        boolean channelsDiffer = native0.channels() != want;
        boolean sizeDiffers = first.width() != byol.imageSize() || first.height() != byol.imageSize();
        if ((channelsDiffer || sizeDiffers) && !convert) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "the checkpoint's encoder reads %d-channel"
                            + " %dx%d images but %s %s has %d-channel %dx%d images; pass --convert-inputs to convert"
                            + " them through the model's preprocessing (gray is replicated to RGB or RGB reduced to"
                            + " luma, and images are resized to %dx%d)",
                    want,
                    byol.imageSize(),
                    byol.imageSize(),
                    what,
                    native0.describe(),
                    native0.channels(),
                    first.width(),
                    first.height(),
                    byol.imageSize(),
                    byol.imageSize()));
        }
        return Datasets.withChannels(native0, want);
    }

    private static List<String> classNames(FineTuneConfig cfg, Dataset dataset) {
        List<String> fromData = dataset.classNames();
        if (cfg.classNames() == null) {
            return fromData;
        }
        if (cfg.classNames().size() != fromData.size()) {
            throw new IllegalArgumentException(
                    "classNames has " + cfg.classNames().size() + " names but the dataset" + " has " + fromData.size()
                            + " classes " + fromData + "; give one name per class, in label order");
        }
        if (cfg.classNames().stream().distinct().count() != fromData.size()
                || cfg.classNames().stream().anyMatch(n -> n == null || n.isBlank())) {
            throw new IllegalArgumentException("classNames must be distinct and non-empty, got " + cfg.classNames());
        }
        return cfg.classNames();
    }

    /** The online encoder's parameters of a BYOL checkpoint, as DJL block parameters. */
    private static byte[] encoderWeights(Path checkpoint) throws IOException {
        try (NDManager scratch = NDManager.newBaseManager(Device.cpu())) {
            LoadedEncoder encoder = Checkpoints.loadOnlineEncoder(checkpoint, scratch);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream data = new DataOutputStream(bytes)) {
                encoder.encoder().saveParameters(data);
            }
            return bytes.toByteArray();
        }
    }

    private static void writeJson(Path target, Object value) throws IOException {
        AtomicFiles.writeString(target, FineTuneCheckpoints.JSON.writeValueAsString(value) + "\n");
    }

    /** Reads the run description of a finished run folder. */
    public static RunDescription describe(Path runDir) throws IOException {
        Path file = runDir.resolve(RUN_FILE);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(runDir + " is not a fine-tuning run folder (no " + RUN_FILE + ")");
        }
        return FineTuneCheckpoints.JSON.readValue(file.toFile(), RunDescription.class);
    }
}
