package io.byol4j.sdk.model;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What an exported byol4j model promises its callers: the input tensor and how to preprocess images
 * for it, and the output tensor. The exporter writes it into the ONNX model's metadata with
 * {@link #toMetadata()}; the SDK reads it back with {@link #fromMetadata(Map)}.
 *
 * <p>Preprocessing: the image is converted to {@code channels}, resized so its shorter side is
 * {@code resizeShorter} (bilinear), centre-cropped to {@code height × width}, scaled to [0, 1] and
 * normalised per channel with {@code (x - mean) / std}. The input layout is always NCHW float32 with a
 * dynamic batch dimension.
 *
 * <p>An immutable value: mean and std are copied in and out, and {@code equals}/{@code hashCode} compare contents.
 */
public final class ModelContract {

    /** Prefix of every metadata key byol4j writes. */
    public static final String PREFIX = "byol4j.";
    /** Version of this metadata layout. */
    public static final String FORMAT_VERSION = "1";

    /** Metadata key: version of the metadata layout ({@link #FORMAT_VERSION}). */
    public static final String KEY_FORMAT = PREFIX + "format_version";
    /** Metadata key: name of the graph's image input. */
    public static final String KEY_INPUT_NAME = PREFIX + "input_name";
    /** Metadata key: name of the graph's embedding output. */
    public static final String KEY_OUTPUT_NAME = PREFIX + "output_name";
    /** Metadata key: tensor layout of the input, {@code NCHW}. */
    public static final String KEY_LAYOUT = PREFIX + "layout";
    /** Metadata key: input channels (1 or 3). */
    public static final String KEY_CHANNELS = PREFIX + "channels";
    /** Metadata key: input height in pixels. */
    public static final String KEY_HEIGHT = PREFIX + "height";
    /** Metadata key: input width in pixels. */
    public static final String KEY_WIDTH = PREFIX + "width";
    /** Metadata key: side the shorter image side is resized to before the crop. */
    public static final String KEY_RESIZE = PREFIX + "resize_shorter";
    /** The crop policy after resizing; always {@link #CROP_CENTER}. */
    public static final String KEY_CROP = PREFIX + "crop";
    /** The only crop policy: the central {@code height × width} window of the resized image. */
    public static final String CROP_CENTER = "center";
    /** Metadata key: per-channel mean subtracted after scaling pixels to [0, 1], comma-separated. */
    public static final String KEY_MEAN = PREFIX + "mean";
    /** Metadata key: per-channel standard deviation divided by, comma-separated. */
    public static final String KEY_STD = PREFIX + "std";
    /** Metadata key: length of the embedding vector. */
    public static final String KEY_EMBEDDING_DIM = PREFIX + "embedding_dim";
    /** Metadata key: encoder architecture name, for people (e.g. {@code resnet18-w16-cifar-c3}). */
    public static final String KEY_ARCHITECTURE = PREFIX + "architecture";
    /** SHA-256 (hex) of the model file with this value replaced by {@link #DIGEST_PLACEHOLDER}. */
    public static final String KEY_DIGEST = PREFIX + "digest_sha256";
    /** Same length as a hex SHA-256, so substituting the real digest keeps the file's byte layout. */
    public static final String DIGEST_PLACEHOLDER = "0".repeat(64);

    private final String inputName;
    private final String outputName;
    private final int channels;
    private final int height;
    private final int width;
    private final int resizeShorter;
    private final float[] mean;
    private final float[] std;
    private final int embeddingDim;
    private final String architecture;

    /**
     * Validates the contract and copies {@code mean} and {@code std}.
     *
     * @throws NullPointerException if a name is null
     * @throws IllegalArgumentException naming the first value out of range
     */
    public ModelContract(
            String inputName,
            String outputName,
            int channels,
            int height,
            int width,
            int resizeShorter,
            float[] mean,
            float[] std,
            int embeddingDim,
            String architecture) {
        Objects.requireNonNull(inputName, "inputName");
        Objects.requireNonNull(outputName, "outputName");
        Objects.requireNonNull(architecture, "architecture");
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        if (height <= 0 || width <= 0 || resizeShorter < Math.min(height, width)) {
            throw new IllegalArgumentException(
                    "bad input geometry: " + height + "x" + width + " with resize_shorter " + resizeShorter);
        }
        if (mean == null || std == null || mean.length != channels || std.length != channels) {
            throw new IllegalArgumentException("mean and std need one value per channel (" + channels + ")");
        }
        for (float s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("std must be positive, got " + Arrays.toString(std));
            }
        }
        if (embeddingDim <= 0) {
            throw new IllegalArgumentException("embeddingDim must be positive, got " + embeddingDim);
        }
        this.inputName = inputName;
        this.outputName = outputName;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.resizeShorter = resizeShorter;
        this.mean = mean.clone();
        this.std = std.clone();
        this.embeddingDim = embeddingDim;
        this.architecture = architecture;
    }

    /** Name of the graph's image input. */
    public String inputName() {
        return inputName;
    }

    /** Name of the graph's embedding output. */
    public String outputName() {
        return outputName;
    }

    /** Input channels: 1 or 3. */
    public int channels() {
        return channels;
    }

    /** Input height in pixels. */
    public int height() {
        return height;
    }

    /** Input width in pixels. */
    public int width() {
        return width;
    }

    /** The side the shorter image side is resized to before the centre crop. */
    public int resizeShorter() {
        return resizeShorter;
    }

    /** A copy of the per-channel mean subtracted after scaling pixels to [0, 1]. */
    public float[] mean() {
        return mean.clone();
    }

    /** A copy of the per-channel standard deviation divided by. */
    public float[] std() {
        return std.clone();
    }

    /** Length of the embedding vector. */
    public int embeddingDim() {
        return embeddingDim;
    }

    /** Encoder architecture name, for people. */
    public String architecture() {
        return architecture;
    }

    /** The metadata entries that describe this contract (insertion-ordered). */
    public Map<String, String> toMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(KEY_FORMAT, FORMAT_VERSION);
        m.put(KEY_INPUT_NAME, inputName);
        m.put(KEY_OUTPUT_NAME, outputName);
        m.put(KEY_LAYOUT, "NCHW");
        m.put(KEY_CHANNELS, Integer.toString(channels));
        m.put(KEY_HEIGHT, Integer.toString(height));
        m.put(KEY_WIDTH, Integer.toString(width));
        m.put(KEY_RESIZE, Integer.toString(resizeShorter));
        m.put(KEY_CROP, CROP_CENTER);
        m.put(KEY_MEAN, join(mean));
        m.put(KEY_STD, join(std));
        m.put(KEY_EMBEDDING_DIM, Integer.toString(embeddingDim));
        m.put(KEY_ARCHITECTURE, architecture);
        return m;
    }

    /**
     * Reads a contract from model metadata.
     *
     * @throws IllegalArgumentException naming the first missing or malformed key; a model without
     *     {@link #KEY_FORMAT} is not a byol4j export
     */
    public static ModelContract fromMetadata(Map<String, String> meta) {
        if (!meta.containsKey(KEY_FORMAT)) {
            throw new IllegalArgumentException("not a byol4j export: metadata has no " + KEY_FORMAT);
        }
        if (!FORMAT_VERSION.equals(meta.get(KEY_FORMAT))) {
            throw new IllegalArgumentException("unsupported byol4j format version " + meta.get(KEY_FORMAT)
                    + " (this SDK reads " + FORMAT_VERSION + ")");
        }
        String layout = require(meta, KEY_LAYOUT);
        if (!"NCHW".equals(layout)) {
            throw new IllegalArgumentException("unsupported layout " + layout + ", expected NCHW");
        }
        String crop = require(meta, KEY_CROP);
        if (!CROP_CENTER.equals(crop)) {
            throw new IllegalArgumentException("unsupported crop policy " + crop + ", expected " + CROP_CENTER);
        }
        return new ModelContract(
                require(meta, KEY_INPUT_NAME),
                require(meta, KEY_OUTPUT_NAME),
                integer(meta, KEY_CHANNELS),
                integer(meta, KEY_HEIGHT),
                integer(meta, KEY_WIDTH),
                integer(meta, KEY_RESIZE),
                floats(meta, KEY_MEAN),
                floats(meta, KEY_STD),
                integer(meta, KEY_EMBEDDING_DIM),
                require(meta, KEY_ARCHITECTURE));
    }

    private static String require(Map<String, String> meta, String key) {
        String v = meta.get(key);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("byol4j metadata key " + key + " is missing");
        }
        return v;
    }

    private static int integer(Map<String, String> meta, String key) {
        String v = require(meta, key);
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("byol4j metadata key " + key + " is not an integer: " + v, e);
        }
    }

    private static float[] floats(Map<String, String> meta, String key) {
        String[] parts = require(meta, key).split(",");
        float[] out = new float[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Float.parseFloat(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("byol4j metadata key " + key + " has a bad number: " + parts[i], e);
            }
        }
        return out;
    }

    private static String join(float[] values) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(String.format(Locale.ROOT, "%s", values[i]));
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelContract c
                && inputName.equals(c.inputName)
                && outputName.equals(c.outputName)
                && channels == c.channels
                && height == c.height
                && width == c.width
                && resizeShorter == c.resizeShorter
                && Arrays.equals(mean, c.mean)
                && Arrays.equals(std, c.std)
                && embeddingDim == c.embeddingDim
                && architecture.equals(c.architecture);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                inputName,
                outputName,
                channels,
                height,
                width,
                resizeShorter,
                Arrays.hashCode(mean),
                Arrays.hashCode(std),
                embeddingDim,
                architecture);
    }

    @Override
    public String toString() {
        return "ModelContract" + toMetadata();
    }
}
