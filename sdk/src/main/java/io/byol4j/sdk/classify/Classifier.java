package io.byol4j.sdk.classify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.byol4j.sdk.encoder.Encoder;
import io.byol4j.sdk.encoder.EncoderOptions;
import io.byol4j.sdk.encoder.ModelRejectedException;
import io.byol4j.sdk.image.DecodedImage;
import io.byol4j.sdk.image.Preprocessor;
import io.byol4j.sdk.model.ModelContract;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * An exported classifier (an encoder with a fused class-probability output, for example the result of
 * {@code byol4j finetune}) opened for inference: top-k labels with probabilities, plus the embedding.
 *
 * <p>The model must declare the output named by {@link #KEY_PROBABILITIES_OUTPUT} in its metadata, the number
 * of classes under {@link #KEY_CLASSES} and the class names (a JSON array, indexed by label) under
 * {@link #KEY_CLASS_NAMES}; {@link #open} refuses any other model with a message that says what is missing.
 * Thread-safe like {@link Encoder}; close it to release the ONNX Runtime session.
 */
public final class Classifier implements AutoCloseable {

    /** Metadata key naming the class-probability output. */
    public static final String KEY_PROBABILITIES_OUTPUT = ModelContract.PREFIX + "probabilities_output";
    /** Metadata key holding the number of classes. */
    public static final String KEY_CLASSES = ModelContract.PREFIX + "head_classes";
    /** Metadata key holding the class names as a JSON array of strings, indexed by label. */
    public static final String KEY_CLASS_NAMES = ModelContract.PREFIX + "head_class_names";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Encoder encoder;
    private final List<String> classNames;
    private final Preprocessor preprocessor;
    private final int embeddingOffset;
    private final int probabilitiesOffset;

    private Classifier(Encoder encoder, List<String> classNames, int embeddingOffset, int probabilitiesOffset) {
        this.encoder = encoder;
        this.classNames = List.copyOf(classNames);
        this.preprocessor = new Preprocessor(encoder.contract());
        this.embeddingOffset = embeddingOffset;
        this.probabilitiesOffset = probabilitiesOffset;
    }

    /** Opens {@code model} on the CPU with default options; see {@link #open(Path, EncoderOptions)}. */
    public static Classifier open(Path model) throws IOException {
        return open(model, EncoderOptions.defaults());
    }

    /**
     * Opens a classifier model.
     *
     * @throws IOException if the file cannot be read
     * @throws ModelRejectedException if the model is no byol4j encoder, or has no class-probability output,
     *     class count or class names, or they disagree with each other or with the output's shape
     */
    public static Classifier open(Path model, EncoderOptions options) throws IOException {
        Encoder encoder = Encoder.open(model, options);
        try {
            Map<String, String> meta = encoder.metadata();
            String output = meta.get(KEY_PROBABILITIES_OUTPUT);
            if (output == null || output.isBlank()) {
                throw new ModelRejectedException(
                        ModelRejectedException.Reason.BAD_METADATA,
                        model + " is an encoder without a classification head (no "
                                + KEY_PROBABILITIES_OUTPUT + " in its metadata); export one with 'byol4j finetune' or"
                                + " 'byol4j export --with-head'");
            }
            List<String> names = classNames(model, meta);
            Map<String, long[]> shapes = encoder.outputShapes();
            if (!shapes.containsKey(output)) {
                throw new ModelRejectedException(
                        ModelRejectedException.Reason.SHAPE_MISMATCH,
                        model + " names the probability output '" + output + "' but declares only " + shapes.keySet());
            }
            String embedding = encoder.contract().outputName();
            int offset = 0;
            int embeddingOffset = -1;
            int probabilitiesOffset = -1;
            for (Map.Entry<String, long[]> e : shapes.entrySet()) {
                long[] shape = e.getValue();
                int width = shape.length == 2 ? (int) shape[1] : -1;
                if (e.getKey().equals(output)) {
                    if (width != names.size()) {
                        throw new ModelRejectedException(
                                ModelRejectedException.Reason.SHAPE_MISMATCH,
                                model + " has " + names.size() + " class names but its output '" + output + "' has "
                                        + width + " values per image");
                    }
                    probabilitiesOffset = offset;
                } else if (e.getKey().equals(embedding)) {
                    embeddingOffset = offset;
                }
                if (width < 1) {
                    throw new ModelRejectedException(
                            ModelRejectedException.Reason.SHAPE_MISMATCH,
                            model + " output '" + e.getKey() + "' is not (batch, values)");
                }
                offset += width;
            }
            if (embeddingOffset < 0) {
                throw new ModelRejectedException(
                        ModelRejectedException.Reason.SHAPE_MISMATCH,
                        model + " declares no embedding output '" + embedding + "'");
            }
            return new Classifier(encoder, names, embeddingOffset, probabilitiesOffset);
        } catch (IOException | RuntimeException e) {
            encoder.close();
            throw e;
        }
    }

    private static List<String> classNames(Path model, Map<String, String> meta) throws ModelRejectedException {
        String count = meta.get(KEY_CLASSES);
        String namesJson = meta.get(KEY_CLASS_NAMES);
        if (namesJson == null) {
            throw new ModelRejectedException(
                    ModelRejectedException.Reason.BAD_METADATA,
                    model + " has a classification head but no class names (" + KEY_CLASS_NAMES
                            + "); a classifier needs them to answer labels");
        }
        List<String> names;
        try {
            names = JSON.readValue(namesJson, new TypeReference<List<String>>() {});
        } catch (JsonProcessingException e) {
            throw new ModelRejectedException(
                    ModelRejectedException.Reason.BAD_METADATA,
                    model + " has corrupt class names in " + KEY_CLASS_NAMES + ": " + e.getOriginalMessage());
        }
        if (count != null && !count.equals(Integer.toString(names.size()))) {
            throw new ModelRejectedException(
                    ModelRejectedException.Reason.BAD_METADATA,
                    model + " declares " + count + " classes but names " + names.size());
        }
        return names;
    }

    /** The class names, indexed by label. */
    public List<String> classNames() {
        return classNames;
    }

    /** The underlying encoder (its contract says how images are preprocessed). */
    public Encoder encoder() {
        return encoder;
    }

    /** Classifies one image, keeping the {@code topK} most probable classes. */
    public Classification classify(DecodedImage image, int topK) {
        return classify(List.of(Objects.requireNonNull(image, "image")), topK).get(0);
    }

    /**
     * Classifies images; element {@code i} belongs to {@code images.get(i)}.
     *
     * @param topK how many classes each answer lists, 1 to the number of classes
     * @throws IllegalArgumentException for a {@code topK} out of range
     */
    public List<Classification> classify(List<DecodedImage> images, int topK) {
        if (topK < 1 || topK > classNames.size()) {
            throw new IllegalArgumentException("topK must be in [1, " + classNames.size() + "], got " + topK);
        }
        int n = images.size();
        int sample = preprocessor.channels() * preprocessor.height() * preprocessor.width();
        float[] batch = new float[n * sample];
        for (int i = 0; i < n; i++) {
            preprocessor.apply(Objects.requireNonNull(images.get(i), "images[" + i + "]"), batch, i * sample);
        }
        float[][] rows = encoder.runAllOutputs(batch, n);
        int classes = classNames.size();
        int dim = encoder.embeddingDim();
        List<Classification> out = new ArrayList<>(n);
        for (float[] row : rows) {
            float[] p = new float[classes];
            System.arraycopy(row, probabilitiesOffset, p, 0, classes);
            float[] e = new float[dim];
            System.arraycopy(row, embeddingOffset, e, 0, dim);
            List<Prediction> top = IntStream.range(0, classes)
                    .boxed()
                    .sorted(Comparator.comparingDouble((Integer k) -> -p[k]).thenComparingInt(k -> k))
                    .limit(topK)
                    .map(k -> new Prediction(classNames.get(k), k, p[k]))
                    .toList();
            out.add(new Classification(top, p, e));
        }
        return out;
    }

    /** Releases the ONNX Runtime session. */
    @Override
    public void close() {
        encoder.close();
    }
}
