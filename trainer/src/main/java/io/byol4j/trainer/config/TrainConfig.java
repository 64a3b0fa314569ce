package io.byol4j.trainer.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.byol4j.sdk.internal.DeviceRequest;
import io.byol4j.trainer.augment.AugmentConfig;
import io.byol4j.trainer.model.EncoderSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Everything that defines a BYOL training run. Immutable; serialises to and from JSON with every key
 * optional (missing keys take the value of {@link #defaults()}), so a config file or a preset only states
 * what differs. Construction validates every field and throws {@link IllegalArgumentException} naming the
 * offending key.
 *
 * @param recipe free text naming the published recipe the values follow and where they depart from it (the
 *     presets cite theirs); documentation only, it changes no computation and may change on resume
 * @param dataset dataset spec understood by {@code io.byol4j.sdk.data.Datasets.open}, for example
 *     {@code synthetic} or a folder path
 * @param channels 1 (gray) or 3 (RGB); must match {@code encoder.inputChannels} and the normalisation
 * @param imageSize side of the square training views in pixels
 * @param encoder the backbone whose embedding is the learned representation
 * @param heads projector and predictor sizes
 * @param batchSize images per step (each yields two views)
 * @param epochs passes over the dataset; ignored when {@code steps > 0}; 0 with {@code steps = 0}
 *     writes a checkpoint of the randomly initialised network and stops
 * @param steps total optimisation steps when positive (overrides {@code epochs})
 * @param optimizer optimiser and its hyper-parameters
 * @param warmupEpochs epochs of linear learning-rate warm-up before the cosine decay (may be fractional)
 * @param tauBase initial target EMA rate {@code tau_base}; tau rises from it to 1 along a cosine over the run's
 *     steps ({@code io.byol4j.trainer.schedule.TauSchedule}). Shorter runs need a lower base so that the target
 *     still moves: BYOL's reference code uses 0.996 for 1000 epochs, 0.99 for 100 and 300 epochs and 0.97 for
 *     40 epochs
 * @param augment the two view distributions
 * @param normalization per-channel mean and std applied to every view
 * @param seed seeds parameter initialisation, data order and augmentation
 * @param workers threads that decode and augment images
 * @param prefetchBatches batches prepared ahead of the training step (bounded queue)
 * @param checkpointEverySteps write a checkpoint every this many steps (0: only at the end)
 * @param keepCheckpoints how many most recent periodic checkpoints to keep on disk
 * @param logEverySteps print a progress line every this many steps (and at every epoch end)
 * @param outputDir run directory: config, checkpoints, metrics and plots
 * @param device {@code auto} (every GPU if any, else CPU), {@code cpu}, {@code gpu} or {@code gpu:N}: see
 *     {@link DeviceRequest}; stored in its canonical form
 * @param memoryFormat layout of the activations during training: {@code channels-last} (NHWC memory;
 *     the convolutions and batch norms skip most layout conversions; forward and backward measured
 *     15–18% faster on CPU), {@code nchw} (libtorch's default), or {@code auto}: channels-last on CPU, nchw on GPU. The
 *     values computed are the same either way (up to float rounding)
 * @param monitor optional k-NN monitor
 */
public record TrainConfig(
        String recipe,
        String dataset,
        int channels,
        int imageSize,
        EncoderSpec encoder,
        HeadsConfig heads,
        int batchSize,
        int epochs,
        long steps,
        OptimizerConfig optimizer,
        double warmupEpochs,
        double tauBase,
        AugmentConfig augment,
        NormalizationConfig normalization,
        long seed,
        int workers,
        int prefetchBatches,
        long checkpointEverySteps,
        int keepCheckpoints,
        int logEverySteps,
        String outputDir,
        String device,
        String memoryFormat,
        MonitorConfig monitor) {

    /** Accepted values of {@link #memoryFormat()}. */
    public static final List<String> MEMORY_FORMATS = List.of("auto", "channels-last", "nchw");

    /** Names of the presets shipped with the trainer. */
    public static final List<String> PRESETS = List.of("cpu-tiny", "cpu-small", "cpu-cifar10", "cifar10", "imagenet");

    private static final String PRESET_FOLDER = "/io/byol4j/trainer/presets/";

    /** Validates every field and the agreement between channels, encoder and normalisation. */
    public TrainConfig {
        recipe = recipe == null ? "" : recipe.strip();
        dataset = ConfigChecks.nonBlank("dataset", dataset);
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        if (imageSize < 8 || imageSize > 2048) {
            throw new IllegalArgumentException("imageSize must be between 8 and 2048, got " + imageSize);
        }
        Objects.requireNonNull(encoder, "encoder is required");
        Objects.requireNonNull(heads, "heads is required");
        Objects.requireNonNull(optimizer, "optimizer is required");
        Objects.requireNonNull(augment, "augment is required");
        Objects.requireNonNull(normalization, "normalization is required");
        Objects.requireNonNull(monitor, "monitor is required");
        if (encoder.inputChannels() != channels) {
            throw new IllegalArgumentException(
                    "encoder.inputChannels (" + encoder.inputChannels() + ") must equal channels (" + channels + ")");
        }
        if (normalization.channels() != channels) {
            throw new IllegalArgumentException(
                    "normalization has " + normalization.channels() + " value(s) per list but channels is " + channels);
        }
        if (batchSize < 2) {
            throw new IllegalArgumentException(
                    "batchSize must be at least 2 (BatchNorm needs batch statistics), got " + batchSize);
        }
        ConfigChecks.nonNegative("epochs", epochs);
        ConfigChecks.nonNegative("steps", steps);
        ConfigChecks.nonNegativeFinite("warmupEpochs", warmupEpochs);
        if (!(tauBase >= 0 && tauBase <= 1)) {
            throw new IllegalArgumentException("tauBase must be in [0, 1], got " + tauBase);
        }
        ConfigChecks.positive("workers", workers);
        ConfigChecks.positive("prefetchBatches", prefetchBatches);
        ConfigChecks.nonNegative("checkpointEverySteps", checkpointEverySteps);
        ConfigChecks.positive("keepCheckpoints", keepCheckpoints);
        ConfigChecks.positive("logEverySteps", logEverySteps);
        outputDir = ConfigChecks.nonBlank("outputDir", outputDir);
        device = DeviceRequest.parse(ConfigChecks.nonBlank("device", device)).toString();
        memoryFormat = ConfigChecks.nonBlank("memoryFormat", memoryFormat).toLowerCase(Locale.ROOT);
        if (!MEMORY_FORMATS.contains(memoryFormat)) {
            throw new IllegalArgumentException(
                    "memoryFormat must be one of " + MEMORY_FORMATS + ", got '" + memoryFormat + "'");
        }
    }

    /**
     * CPU-friendly defaults: synthetic data, 32×32 RGB, ResNet-18 of width 16 with the CIFAR stem, heads
     * 512/128/512, batch 64, 10 epochs, LARS (base lr 1.0), tau 0.99 (a short-run base, see {@link #tauBase()}),
     * light augmentation, ImageNet normalisation, output in {@code runs/byol}.
     */
    public static TrainConfig defaults() {
        return new TrainConfig(
                "",
                "synthetic",
                3,
                32,
                new EncoderSpec("resnet18", 16, true, 3),
                new HeadsConfig(512, 128, 512),
                64,
                10,
                0,
                new OptimizerConfig("lars", 1.0, 1.5e-6, 0.9, 1e-3, true, false, 0.999, 1e-8),
                1.0,
                0.99,
                AugmentConfig.light(),
                NormalizationConfig.defaultFor(3),
                42L,
                2,
                4,
                500,
                2,
                10,
                "runs/byol",
                "auto",
                "auto",
                MonitorConfig.off());
    }

    /**
     * Loads a preset shipped with the trainer ({@link #PRESETS}).
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static TrainConfig preset(String name) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        if (!PRESETS.contains(key)) {
            throw new IllegalArgumentException("unknown preset '" + name + "'; known presets: " + PRESETS);
        }
        String resource = PRESET_FOLDER + key + ".json";
        try (InputStream in = TrainConfig.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("preset resource " + resource + " is missing from the trainer jar");
            }
            return ConfigJson.bind(
                    ConfigJson.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "preset " + key),
                    "preset " + key);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read preset resource " + resource, e);
        }
    }

    /**
     * Reads a config file. Keys missing from the file take their {@link #defaults()} value.
     *
     * @throws IllegalArgumentException if the file is missing, is not JSON, has an unknown key, a value of
     *     the wrong type or a value out of range; the message names the file and the key
     */
    public static TrainConfig fromJson(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("config file not found: " + file, e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        String source = "config file " + file;
        return ConfigJson.bind(ConfigJson.parse(text, source), source);
    }

    /** Parses config JSON text (as written by {@link #toJson()}); same rules as {@link #fromJson(Path)}. */
    public static TrainConfig parse(String json) {
        return ConfigJson.bind(ConfigJson.parse(json, "config JSON"), "config JSON");
    }

    /** Pretty-printed JSON with every key, in declaration order. */
    public String toJson() {
        return ConfigJson.pretty(this);
    }

    /** Compact JSON with keys sorted at every level: identical configs give identical text. */
    public String canonicalJson() {
        return ConfigJson.canonical(this);
    }

    /** SHA-256 (lower-case hex) of {@link #canonicalJson()} in UTF-8. */
    public String sha256() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(canonicalJson().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /**
     * Returns a copy with values replaced by dotted keys, for example {@code optimizer.baseLr=0.2},
     * {@code epochs=5} or {@code normalization.mean=0.5,0.5,0.5} (lists are comma-separated). Values are
     * parsed by the type of the key they replace.
     *
     * <p>Overriding {@code channels} alone also sets {@code encoder.inputChannels}, and resets
     * {@code normalization} to {@link NormalizationConfig#defaultFor(int)} when its length no longer fits;
     * keys given explicitly in the same call take precedence.
     *
     * @throws IllegalArgumentException for an unknown key (listing the keys at that level), a section
     *     given a value, an unparsable value, or a resulting config that fails validation
     */
    public TrainConfig withOverrides(Map<String, String> overrides) {
        if (overrides.isEmpty()) {
            return this;
        }
        JsonNode tree = ConfigJson.tree(this);
        ConfigOverrides.apply(tree, overrides);
        return ConfigJson.bind(tree, "overrides " + overrides.keySet());
    }

    /**
     * Dotted keys whose values differ between this config and {@code other} (leaves only, lists compared
     * whole), in declaration order; empty when the configs are equal.
     */
    public List<String> differences(TrainConfig other) {
        List<String> out = new ArrayList<>();
        ConfigJson.diff(ConfigJson.tree(this), ConfigJson.tree(other), "", out);
        return out;
    }

    /** A copy writing its outputs to {@code dir}. */
    public TrainConfig withOutputDir(Path dir) {
        return withOverrides(Map.of("outputDir", dir.toString()));
    }

    /** {@link #outputDir()} as a path. */
    public Path outputPath() {
        return Path.of(outputDir);
    }

    /** Peak learning rate: {@code optimizer.baseLr × batchSize / 256}. */
    public double peakLr() {
        return optimizer.baseLr() * batchSize / 256.0;
    }
}
