package io.byol4j.trainer.finetune;

import io.byol4j.sdk.internal.DeviceRequest;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Everything that defines a fine-tuning run ({@code byol4j finetune}). Defaults follow the BYOL paper's
 * semi-supervised protocol: SGD with Nesterov momentum 0.9, no weight decay, cosine decay of the learning
 * rate to 0, random resized crop and horizontal flip only; the learning rate and the number of epochs are
 * chosen on a held-out validation split of the labeled images.
 *
 * @param checkpoint the BYOL run or checkpoint folder; it always supplies the architecture, input size,
 *     channels and normalisation, and with {@code init = "byol"} also the encoder weights
 * @param init {@code byol} (start from the checkpoint's online encoder) or {@code random} (same network from
 *     a seeded He initialisation: the supervised-from-scratch baseline)
 * @param mode {@code full} (train every weight) or {@code linear} (frozen encoder, only the classifier)
 * @param dataset labeled training dataset spec (see {@code Datasets.open})
 * @param testDataset labeled dataset spec scored once at the end, never used for any choice; may be null
 * @param fraction share of the labeled images used, per class ({@code LabelFractions}), in (0, 1]
 * @param seed seeds the label fraction, the validation split, the data order, the augmentation and the
 *     classifier's initialisation
 * @param learningRates the learning-rate grid searched on the validation split
 * @param epochs the epoch-count grid searched on the validation split
 * @param validationShare share of the labeled images held out per class while searching, in (0, 1)
 * @param retrainOnAll after the search, train the chosen setting again on every labeled image (train +
 *     validation); otherwise the best trial is the result
 * @param batchSize images per step (capped at the number of training images)
 * @param momentum Nesterov momentum
 * @param weightDecay L2 penalty on weights (not on biases or BatchNorm parameters)
 * @param cropScaleMin smallest area share of the random resized crop
 * @param convertInputs convert the data's channels (gray ↔ RGB) and image size to the checkpoint's input;
 *     without it a mismatch is refused before any work
 * @param device a word of {@link DeviceRequest#VOCABULARY}, stored in its canonical form
 * @param checkpointEverySteps steps between checkpoints within a trial (0: only at its end)
 * @param logEverySteps steps between progress lines
 * @param workers threads decoding and augmenting images
 * @param classNames names given to the classes in the exported model, indexed by label; null for the
 *     dataset's own class names; must name exactly the dataset's classes
 * @param out the run folder
 */
public record FineTuneConfig(
        String checkpoint,
        String init,
        String mode,
        String dataset,
        String testDataset,
        double fraction,
        long seed,
        List<Double> learningRates,
        List<Integer> epochs,
        double validationShare,
        boolean retrainOnAll,
        int batchSize,
        double momentum,
        double weightDecay,
        double cropScaleMin,
        boolean convertInputs,
        String device,
        int checkpointEverySteps,
        int logEverySteps,
        int workers,
        List<String> classNames,
        String out) {

    /** Allowed {@link #init()} values. */
    public static final List<String> INITS = List.of("byol", "random");
    /** Allowed {@link #mode()} values. */
    public static final List<String> MODES = List.of("full", "linear");

    /** Checks every field; the message names the field and the allowed range. */
    public FineTuneConfig {
        require(
                checkpoint != null && !checkpoint.isBlank(),
                "checkpoint is required (a BYOL run or checkpoint folder)");
        init = lower(init, "init");
        require(INITS.contains(init), "init must be one of " + INITS + ", got '" + init + "'");
        mode = lower(mode, "mode");
        require(MODES.contains(mode), "mode must be one of " + MODES + ", got '" + mode + "'");
        require(dataset != null && !dataset.isBlank(), "dataset is required (a labeled dataset spec)");
        require(fraction > 0 && fraction <= 1, "fraction must be in (0, 1], got " + fraction);
        Objects.requireNonNull(learningRates, "learningRates");
        Objects.requireNonNull(epochs, "epochs");
        require(!learningRates.isEmpty(), "learningRates must list at least one rate");
        require(!epochs.isEmpty(), "epochs must list at least one epoch count");
        for (Double lr : learningRates) {
            require(lr != null && lr > 0 && Double.isFinite(lr), "learning rates must be positive, got " + lr);
        }
        for (Integer e : epochs) {
            require(e != null && e >= 1, "epoch counts must be at least 1, got " + e);
        }
        learningRates = List.copyOf(learningRates);
        epochs = List.copyOf(epochs);
        require(
                validationShare > 0 && validationShare < 1,
                "validationShare must be strictly between 0 and 1, got " + validationShare);
        require(batchSize >= 1, "batchSize must be at least 1, got " + batchSize);
        require(momentum >= 0 && momentum < 1, "momentum must be in [0, 1), got " + momentum);
        require(weightDecay >= 0 && Double.isFinite(weightDecay), "weightDecay must be >= 0, got " + weightDecay);
        require(cropScaleMin > 0 && cropScaleMin <= 1, "cropScaleMin must be in (0, 1], got " + cropScaleMin);
        device = device == null ? "auto" : DeviceRequest.parse(device).toString();
        require(checkpointEverySteps >= 0, "checkpointEverySteps must be >= 0, got " + checkpointEverySteps);
        require(logEverySteps >= 1, "logEverySteps must be at least 1, got " + logEverySteps);
        require(workers >= 1, "workers must be at least 1, got " + workers);
        classNames = classNames == null ? null : List.copyOf(classNames);
        require(out != null && !out.isBlank(), "out is required (the run folder)");
    }

    /** The paper's recipe with a CPU-sized grid; {@code checkpoint}, {@code dataset} and {@code out} unset. */
    public static FineTuneConfig defaults(String checkpoint, String dataset, String out) {
        return new FineTuneConfig(
                checkpoint,
                "byol",
                "full",
                dataset,
                null,
                1.0,
                1L,
                List.of(0.01, 0.05),
                List.of(30),
                0.2,
                true,
                64,
                0.9,
                0.0,
                0.2,
                false,
                "auto",
                200,
                20,
                2,
                null,
                out);
    }

    /** True when more than one setting is searched. */
    public boolean searches() {
        return learningRates.size() * epochs.size() > 1;
    }

    private static String lower(String value, String what) {
        require(value != null, what + " is required");
        return value.trim().toLowerCase(Locale.ROOT);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
