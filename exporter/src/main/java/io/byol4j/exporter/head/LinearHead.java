package io.byol4j.exporter.head;

import io.byol4j.sdk.head.LogisticRegression;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A linear classifier on embeddings, {@code softmax(weights · e + bias)}, that the exporter can fuse
 * into the ONNX model as a second output; typically a linear probe ({@link LogisticRegression})
 * fitted on the encoder's embeddings.
 *
 * @param weights one row of {@code embeddingDim} weights per class
 * @param bias one value per class
 * @param classNames one name per class, or empty when the classes are unnamed
 */
public record LinearHead(float[][] weights, float[] bias, List<String> classNames) {

    /** Validates shapes and values and takes defensive copies. */
    public LinearHead {
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(bias, "bias");
        classNames = List.copyOf(Objects.requireNonNull(classNames, "classNames"));
        if (weights.length < 2) {
            throw new IllegalArgumentException("a classification head needs at least 2 classes, got " + weights.length);
        }
        int dim = weights[0].length;
        if (dim == 0) {
            throw new IllegalArgumentException("head weights have no columns");
        }
        float[][] copy = new float[weights.length][];
        for (int k = 0; k < weights.length; k++) {
            if (weights[k].length != dim) {
                throw new IllegalArgumentException(
                        "head weight row " + k + " has " + weights[k].length + " values, row 0 has " + dim);
            }
            copy[k] = checkFinite(weights[k], "weight row " + k).clone();
        }
        weights = copy;
        if (bias.length != weights.length) {
            throw new IllegalArgumentException(
                    "head bias has " + bias.length + " values for " + weights.length + " classes");
        }
        bias = checkFinite(bias, "bias").clone();
        if (!classNames.isEmpty() && classNames.size() != weights.length) {
            throw new IllegalArgumentException(
                    "head has " + classNames.size() + " class names for " + weights.length + " classes");
        }
    }

    /** The head of a fitted linear probe, without class names. */
    public static LinearHead of(LogisticRegression probe) {
        return of(probe, List.of());
    }

    /** The head of a fitted linear probe with one name per class (or none). */
    public static LinearHead of(LogisticRegression probe, List<String> classNames) {
        Objects.requireNonNull(probe, "probe");
        return new LinearHead(probe.weights(), probe.bias(), classNames);
    }

    /**
     * Reads a linear probe saved by {@link LogisticRegression#save}.
     *
     * @param classNames one name per class, or empty
     * @throws IOException if the file cannot be read or is not a saved logistic regression
     * @throws IllegalArgumentException if the class names do not match the number of classes
     */
    public static LinearHead load(Path file, List<String> classNames) throws IOException {
        return of(LogisticRegression.load(file), classNames);
    }

    /** Number of classes. */
    public int classes() {
        return weights.length;
    }

    /** Length of the embeddings the head reads. */
    public int inputDim() {
        return weights[0].length;
    }

    @Override
    public float[][] weights() {
        float[][] copy = new float[weights.length][];
        for (int k = 0; k < weights.length; k++) {
            copy[k] = weights[k].clone();
        }
        return copy;
    }

    @Override
    public float[] bias() {
        return bias.clone();
    }

    /** The class probabilities for one embedding, computed in double precision. */
    public double[] probabilities(float[] embedding) {
        if (embedding.length != inputDim()) {
            throw new IllegalArgumentException(
                    "embedding has " + embedding.length + " values, head expects " + inputDim());
        }
        double[] logits = new double[classes()];
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < logits.length; k++) {
            double z = bias[k];
            for (int j = 0; j < embedding.length; j++) {
                z += (double) weights[k][j] * embedding[j];
            }
            logits[k] = z;
            max = Math.max(max, z);
        }
        double sum = 0;
        for (int k = 0; k < logits.length; k++) {
            logits[k] = Math.exp(logits[k] - max);
            sum += logits[k];
        }
        for (int k = 0; k < logits.length; k++) {
            logits[k] /= sum;
        }
        return logits;
    }

    private static float[] checkFinite(float[] values, String what) {
        for (float v : values) {
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("head " + what + " contains " + v);
            }
        }
        return values;
    }
}
