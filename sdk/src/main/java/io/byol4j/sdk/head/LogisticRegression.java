package io.byol4j.sdk.head;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Multinomial (softmax) logistic regression on frozen features: the linear-probe head.
 *
 * <p><b>Training.</b> {@link #fit} minimises the mean cross-entropy plus {@code l2/2 · |V|²} with
 * L-BFGS, where {@code V} are the weights acting on <em>standardised</em> features (each feature
 * shifted by its training mean and divided by its training standard deviation; constant features are
 * only centred). Standardising makes the penalty treat all features alike and speeds up convergence.
 * Biases carry only a negligible 1e-6 penalty. The penalty is per sample: {@code l2 = 1 / (C · N)}
 * matches scikit-learn's {@code C} on standardised data.
 *
 * <p><b>Using the model.</b> The standardisation is folded into the stored parameters, so
 * {@link #weights()} and {@link #bias()} act directly on raw features:
 * {@code logits = W · x + b}, {@code probabilities = softmax(logits)} — exactly what an ONNX
 * {@code Gemm} + {@code Softmax} computes. Instances are immutable and thread-safe.
 *
 * <p><b>File format</b> ({@link #save}): magic {@code "B4JLOGRG"}, then big-endian int32 version (1),
 * int32 classes K, int32 dim D, float64 l2, float64 validation accuracy (NaN if none), K·D float32
 * weights (class-major), K float32 biases.
 */
public final class LogisticRegression {

    private static final double[] DEFAULT_L2_GRID = {1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1};

    /** A grid of penalties that suits most linear probes: a new array on every call, free to modify. */
    public static double[] defaultL2Grid() {
        return DEFAULT_L2_GRID.clone();
    }

    private static final String MAGIC = "B4JLOGRG";
    private static final int VERSION = 1;

    private final float[][] weights;
    private final float[] bias;
    private final double l2;
    private final double validationAccuracy;

    private LogisticRegression(float[][] weights, float[] bias, double l2, double validationAccuracy) {
        this.weights = weights;
        this.bias = bias;
        this.l2 = l2;
        this.validationAccuracy = validationAccuracy;
    }

    /**
     * Builds a model from parameters that act on raw features (e.g. read from another format).
     *
     * @param weights classes × dim
     * @param bias one per class
     */
    public static LogisticRegression of(float[][] weights, float[] bias) {
        int dim = HeadChecks.matrix(weights, "weights");
        Objects.requireNonNull(bias, "bias");
        if (weights.length < 2 || bias.length != weights.length) {
            throw new IllegalArgumentException("need at least 2 classes and one bias per class: " + weights.length
                    + " weight rows, " + bias.length + " biases");
        }
        float[][] w = new float[weights.length][];
        for (int k = 0; k < w.length; k++) {
            w[k] = Arrays.copyOf(weights[k], dim);
        }
        return new LogisticRegression(w, bias.clone(), Double.NaN, Double.NaN);
    }

    /**
     * Fits on all of {@code x}.
     *
     * @param y class of each row, in [0, numClasses)
     * @param l2 penalty on the standardised weights, >= 0
     */
    public static LogisticRegression fit(float[][] x, int[] y, int numClasses, double l2) {
        return fit(x, y, numClasses, l2, null);
    }

    /** Fits with per-row weights (null = all 1); used for confidence-weighted pseudo-labels. */
    static LogisticRegression fit(float[][] x, int[] y, int numClasses, double l2, double[] sampleWeights) {
        HeadChecks.matrix(x, "x");
        HeadChecks.labels(y, x.length, numClasses, false);
        checkPenalty(l2);
        if (sampleWeights != null) {
            if (sampleWeights.length != x.length) {
                throw new IllegalArgumentException("need one sample weight per row");
            }
            for (double w : sampleWeights) {
                if (!(w >= 0) || !Double.isFinite(w)) {
                    throw new IllegalArgumentException("sample weights must be finite and >= 0, got " + w);
                }
            }
        }
        return train(x, y, numClasses, l2, sampleWeights, Double.NaN);
    }

    /**
     * Chooses {@code l2} from {@code l2Grid} by accuracy on a stratified validation split (each class
     * with at least two rows contributes about {@code valFraction} of its rows, at least one), then
     * refits on all rows with the winner. Ties go to the larger penalty.
     */
    public static LogisticRegression fitWithValidation(
            float[][] x, int[] y, int numClasses, double[] l2Grid, double valFraction, long seed) {
        HeadChecks.matrix(x, "x");
        HeadChecks.labels(y, x.length, numClasses, false);
        if (l2Grid == null || l2Grid.length == 0) {
            throw new IllegalArgumentException("l2Grid must hold at least one value");
        }
        for (double l2 : l2Grid) {
            checkPenalty(l2);
        }
        if (!(valFraction > 0 && valFraction < 1)) {
            throw new IllegalArgumentException("valFraction must be in (0, 1), got " + valFraction);
        }
        boolean[] validation = stratifiedSplit(y, numClasses, valFraction, seed);
        int[] trainIdx =
                IntStream.range(0, y.length).filter(i -> !validation[i]).toArray();
        int[] valIdx = IntStream.range(0, y.length).filter(i -> validation[i]).toArray();
        if (valIdx.length == 0 || trainIdx.length == 0) {
            throw new IllegalArgumentException("too few rows per class for a validation split of " + valFraction);
        }
        float[][] trainX = select(x, trainIdx);
        int[] trainY = select(y, trainIdx);
        float[][] valX = select(x, valIdx);
        int[] valY = select(y, valIdx);
        double[] grid = l2Grid.clone();
        Arrays.sort(grid);
        double bestL2 = grid[grid.length - 1];
        double bestAccuracy = -1;
        for (int g = grid.length - 1; g >= 0; g--) {
            double accuracy =
                    train(trainX, trainY, numClasses, grid[g], null, Double.NaN).accuracy(valX, valY);
            if (accuracy > bestAccuracy) {
                bestAccuracy = accuracy;
                bestL2 = grid[g];
            }
        }
        return train(x, y, numClasses, bestL2, null, bestAccuracy);
    }

    private static LogisticRegression train(
            float[][] x, int[] y, int numClasses, double l2, double[] sampleWeights, double validationAccuracy) {
        SoftmaxObjective objective = new SoftmaxObjective(x, y, sampleWeights, numClasses, l2);
        Lbfgs.Result result = Lbfgs.defaults().minimize(objective, new double[objective.parameterCount()]);
        double[] a = objective.rawWeights(result.x());
        double[] b = objective.rawBias(result.x(), a);
        int dim = x[0].length;
        float[][] w = new float[numClasses][dim];
        float[] bias = new float[numClasses];
        for (int k = 0; k < numClasses; k++) {
            for (int j = 0; j < dim; j++) {
                w[k][j] = (float) a[k * dim + j];
            }
            bias[k] = (float) b[k];
        }
        return new LogisticRegression(w, bias, l2, validationAccuracy);
    }

    static boolean[] stratifiedSplit(int[] y, int numClasses, double fraction, long seed) {
        List<List<Integer>> byClass = new ArrayList<>();
        for (int k = 0; k < numClasses; k++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < y.length; i++) {
            byClass.get(y[i]).add(i);
        }
        Random random = new Random(seed);
        boolean[] validation = new boolean[y.length];
        for (List<Integer> members : byClass) {
            if (members.size() < 2) {
                continue;
            }
            java.util.Collections.shuffle(members, random);
            int take = (int) Math.round(fraction * members.size());
            take = Math.max(1, Math.min(members.size() - 1, take));
            for (int m = 0; m < take; m++) {
                validation[members.get(m)] = true;
            }
        }
        return validation;
    }

    /** Unnormalised class scores {@code W · x + b}. */
    public float[] logits(float[] x) {
        HeadChecks.query(x, dim());
        float[] out = new float[weights.length];
        for (int k = 0; k < weights.length; k++) {
            float[] w = weights[k];
            double s = bias[k];
            for (int j = 0; j < w.length; j++) {
                s += (double) w[j] * x[j];
            }
            out[k] = (float) s;
        }
        return out;
    }

    /** Class probabilities (softmax of the logits); they sum to 1. */
    public float[] probabilities(float[] x) {
        float[] logits = logits(x);
        float max = logits[HeadChecks.argmax(logits)];
        double sum = 0;
        double[] e = new double[logits.length];
        for (int k = 0; k < logits.length; k++) {
            e[k] = Math.exp(logits[k] - max);
            sum += e[k];
        }
        float[] p = new float[logits.length];
        for (int k = 0; k < p.length; k++) {
            p[k] = (float) (e[k] / sum);
        }
        return p;
    }

    /** The most probable class (the first one on ties). */
    public int predict(float[] x) {
        return HeadChecks.argmax(logits(x));
    }

    /** Fraction of rows whose predicted class equals {@code y}; computed in parallel. */
    public double accuracy(float[][] x, int[] y) {
        HeadChecks.matrix(x, "x");
        HeadChecks.labels(y, x.length, numClasses(), false);
        long correct = IntStream.range(0, x.length)
                .parallel()
                .filter(i -> predict(x[i]) == y[i])
                .count();
        return (double) correct / x.length;
    }

    /** Number of classes. */
    public int numClasses() {
        return weights.length;
    }

    /** Features per input. */
    public int dim() {
        return weights[0].length;
    }

    /** A copy of the raw-feature weight matrix, classes × dim. */
    public float[][] weights() {
        float[][] copy = new float[weights.length][];
        for (int k = 0; k < copy.length; k++) {
            copy[k] = weights[k].clone();
        }
        return copy;
    }

    /** A copy of the biases, one per class. */
    public float[] bias() {
        return bias.clone();
    }

    /** The penalty the model was trained with (NaN when built with {@link #of}). */
    public double l2() {
        return l2;
    }

    /** Validation accuracy of the chosen penalty in {@link #fitWithValidation}, NaN otherwise. */
    public double validationAccuracy() {
        return validationAccuracy;
    }

    /** Writes the model atomically in the format described in the class comment. */
    public void save(Path file) throws IOException {
        HeadFiles.write(file, MAGIC, VERSION, out -> {
            out.writeInt(numClasses());
            out.writeInt(dim());
            out.writeDouble(l2);
            out.writeDouble(validationAccuracy);
            for (float[] row : weights) {
                for (float v : row) {
                    out.writeFloat(v);
                }
            }
            for (float v : bias) {
                out.writeFloat(v);
            }
        });
    }

    /** Reads a model written by {@link #save}; fails with a message naming the problem otherwise. */
    public static LogisticRegression load(Path file) throws IOException {
        return HeadFiles.read(file, MAGIC, VERSION, "logistic regression", in -> {
            int classes = HeadFiles.readCount(in, "class count", 2, 1 << 20, file);
            int dim = HeadFiles.readCount(in, "dimension", 1, 1 << 24, file);
            double l2 = in.readDouble();
            double validation = in.readDouble();
            float[][] w = new float[classes][dim];
            for (float[] row : w) {
                for (int j = 0; j < dim; j++) {
                    row[j] = in.readFloat();
                }
            }
            float[] b = new float[classes];
            for (int k = 0; k < classes; k++) {
                b[k] = in.readFloat();
            }
            return new LogisticRegression(w, b, l2, validation);
        });
    }

    private static void checkPenalty(double l2) {
        if (!(l2 >= 0) || !Double.isFinite(l2)) {
            throw new IllegalArgumentException("l2 must be finite and >= 0, got " + l2);
        }
    }

    private static float[][] select(float[][] x, int[] idx) {
        float[][] out = new float[idx.length][];
        for (int i = 0; i < idx.length; i++) {
            out[i] = x[idx[i]];
        }
        return out;
    }

    private static int[] select(int[] y, int[] idx) {
        int[] out = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = y[idx[i]];
        }
        return out;
    }

    @Override
    public String toString() {
        return "LogisticRegression[" + numClasses() + " classes, dim " + dim() + ", l2 " + l2 + "]";
    }
}
