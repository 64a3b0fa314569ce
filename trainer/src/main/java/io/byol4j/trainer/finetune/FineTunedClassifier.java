package io.byol4j.trainer.finetune;

import ai.djl.Device;
import io.byol4j.trainer.checkpoint.CheckpointException;
import io.byol4j.trainer.checkpoint.LoadedEncoder;
import io.byol4j.trainer.config.TrainConfig;
import io.byol4j.trainer.network.ClassifierNetwork;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The result of a finished fine-tuning run loaded for export: its encoder (as a {@link LoadedEncoder}), the
 * classifier's weights and the class names. Owns the weights; close it to release them. Not thread-safe.
 */
public final class FineTunedClassifier implements AutoCloseable {

    private final ClassifierNetwork network;
    private final LoadedEncoder encoder;
    private final List<String> classNames;

    private FineTunedClassifier(ClassifierNetwork network, LoadedEncoder encoder, List<String> classNames) {
        this.network = network;
        this.encoder = encoder;
        this.classNames = List.copyOf(classNames);
    }

    /**
     * Loads the result weights of the run in {@code runDir} on the CPU.
     *
     * @throws IllegalArgumentException if the folder holds no finished fine-tuning run
     * @throws CheckpointException if its checkpoint is corrupt
     */
    public static FineTunedClassifier load(Path runDir) throws IOException {
        FineTuner.RunDescription run = FineTuner.describe(runDir);
        if (run.resultCheckpoint() == null) {
            throw new IllegalArgumentException("the fine-tuning run in " + runDir + " has not finished; finish it with"
                    + " 'byol4j finetune --resume' before exporting");
        }
        Path checkpoint = Path.of(run.resultCheckpoint());
        if (!Files.isDirectory(checkpoint)) {
            throw new CheckpointException(
                    "the result checkpoint " + checkpoint + " named in " + runDir + " is missing");
        }
        TrainConfig byol = TrainConfig.parse(run.byolConfig());
        FineTuneConfig cfg = FineTuneCheckpoints.JSON.readValue(run.fineTuneConfig(), FineTuneConfig.class);
        ClassifierNetwork network;
        try {
            network = ClassifierNetwork.create(
                    byol.encoder(), byol.imageSize(), run.classNames().size(), false, null, 0, Device.cpu());
        } catch (ai.djl.MalformedModelException e) {
            throw new IOException(e.getMessage(), e);
        }
        try {
            FineTuneCheckpoints.restore(checkpoint, network, null);
            TrialState state = FineTuneCheckpoints.readState(checkpoint);
            LoadedEncoder encoder = new LoadedEncoder(
                    network.encoder(),
                    byol.encoder(),
                    byol.imageSize(),
                    byol.normalization().mean(),
                    byol.normalization().std(),
                    run.fineTuneConfig(),
                    state.step(),
                    cfg.dataset());
            return new FineTunedClassifier(network, encoder, run.classNames());
        } catch (RuntimeException e) {
            network.close();
            throw e;
        }
    }

    /** The encoder with what the exporter needs to describe it (the fine-tuning config as its config). */
    public LoadedEncoder encoder() {
        return encoder;
    }

    /** The classifier's weights, one row per class. */
    public float[][] headWeights() {
        return network.headWeights();
    }

    /** The classifier's bias. */
    public float[] headBias() {
        return network.headBias();
    }

    /** The class names, indexed by label. */
    public List<String> classNames() {
        return classNames;
    }

    @Override
    public void close() {
        network.close();
    }
}
