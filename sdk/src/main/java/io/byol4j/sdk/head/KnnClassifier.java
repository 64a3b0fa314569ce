package io.byol4j.sdk.head;

import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.IntStream;

/**
 * Weighted k-nearest-neighbour classifier on frozen features, the usual protocol for evaluating
 * self-supervised representations (Wu et al. 2018): the {@code k} training samples with the highest
 * cosine similarity {@code s} to the query each vote for their class with weight {@code exp(s / T)};
 * the class with the largest total wins. Defaults: {@code k} = {@value #DEFAULT_K},
 * {@code T} = {@value #DEFAULT_TEMPERATURE}.
 *
 * <p>Search is exact (a scan over all training samples per query); batch evaluation runs queries in
 * parallel. Instances are immutable and thread-safe.
 *
 * <p><b>File format</b> ({@link #save}): magic {@code "B4JKNNCL"}, then big-endian int32 version (1),
 * int32 classes, int32 k, float64 temperature, int32 N, int32 D, N int32 labels, N·D float32
 * L2-normalised training features (row-major).
 */
public final class KnnClassifier {

    /** Default number of neighbours. */
    public static final int DEFAULT_K = 20;
    /** Default vote temperature. */
    public static final double DEFAULT_TEMPERATURE = 0.07;

    private static final String MAGIC = "B4JKNNCL";
    private static final int VERSION = 1;

    private final CosineIndex index;
    private final int[] labels;
    private final int numClasses;
    private final int k;
    private final double temperature;

    private KnnClassifier(CosineIndex index, int[] labels, int numClasses, int k, double temperature) {
        this.index = index;
        this.labels = labels;
        this.numClasses = numClasses;
        this.k = k;
        this.temperature = temperature;
    }

    /** Stores {@code x} and {@code y} with the default {@code k} and temperature. */
    public static KnnClassifier fit(float[][] x, int[] y, int numClasses) {
        return fit(x, y, numClasses, DEFAULT_K, DEFAULT_TEMPERATURE);
    }

    /**
     * Stores L2-normalised copies of {@code x} with their labels.
     *
     * @param y class of each row in [0, numClasses); unlabeled rows are not accepted
     * @param k neighbours that vote, >= 1 (capped at the number of training rows)
     * @param temperature vote temperature, > 0; smaller values favour the closest neighbours
     */
    public static KnnClassifier fit(float[][] x, int[] y, int numClasses, int k, double temperature) {
        HeadChecks.matrix(x, "x");
        HeadChecks.labels(y, x.length, numClasses, false);
        checkSettings(k, temperature);
        return new KnnClassifier(CosineIndex.of(x), y.clone(), numClasses, k, temperature);
    }

    /** Vote shares per class for {@code query}; they sum to 1. */
    public float[] scores(float[] query) {
        HeadChecks.query(query, index.dim());
        float[] unit = CosineIndex.normalized(query);
        int kk = Math.min(k, index.size());
        int[] idx = new int[kk];
        float[] sim = new float[kk];
        int found = index.nearest(unit, kk, -1, idx, sim);
        float best = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < found; j++) {
            best = Math.max(best, sim[j]);
        }
        double[] votes = new double[numClasses];
        double total = 0;
        for (int j = 0; j < found; j++) {
            // shifting by the best similarity keeps exp() finite for any temperature; shares are unchanged
            double w = Math.exp((sim[j] - best) / temperature);
            votes[labels[idx[j]]] += w;
            total += w;
        }
        float[] out = new float[numClasses];
        for (int c = 0; c < numClasses; c++) {
            out[c] = (float) (votes[c] / total);
        }
        return out;
    }

    /** The class with the largest vote (the lowest index on ties). */
    public int predict(float[] query) {
        return HeadChecks.argmax(scores(query));
    }

    /** Predictions for many queries, computed in parallel. */
    public int[] predictAll(float[][] queries) {
        HeadChecks.matrix(queries, "queries");
        return IntStream.range(0, queries.length).parallel().map(i -> predict(queries[i])).toArray();
    }

    /** Fraction of rows whose predicted class equals {@code y}. */
    public double accuracy(float[][] x, int[] y) {
        HeadChecks.labels(y, x == null ? 0 : x.length, numClasses, false);
        int[] predicted = predictAll(x);
        long correct = IntStream.range(0, y.length).filter(i -> predicted[i] == y[i]).count();
        return (double) correct / y.length;
    }

    /** Number of classes. */
    public int numClasses() {
        return numClasses;
    }

    /** Neighbours that vote. */
    public int k() {
        return k;
    }

    /** Vote temperature. */
    public double temperature() {
        return temperature;
    }

    /** Number of stored training samples. */
    public int size() {
        return index.size();
    }

    /** Features per sample. */
    public int dim() {
        return index.dim();
    }

    /** The same training set with other voting settings. */
    public KnnClassifier withSettings(int newK, double newTemperature) {
        checkSettings(newK, newTemperature);
        return new KnnClassifier(index, labels, numClasses, newK, newTemperature);
    }

    /** Writes the classifier atomically in the format described in the class comment. */
    public void save(Path file) throws IOException {
        HeadFiles.write(file, MAGIC, VERSION, out -> {
            out.writeInt(numClasses);
            out.writeInt(k);
            out.writeDouble(temperature);
            out.writeInt(index.size());
            out.writeInt(index.dim());
            for (int label : labels) {
                out.writeInt(label);
            }
            for (float v : index.bank()) {
                out.writeFloat(v);
            }
        });
    }

    /** Reads a classifier written by {@link #save}. */
    public static KnnClassifier load(Path file) throws IOException {
        return HeadFiles.read(file, MAGIC, VERSION, "kNN classifier", in -> {
            int classes = HeadFiles.readCount(in, "class count", 2, 1 << 20, file);
            int k = HeadFiles.readCount(in, "k", 1, Integer.MAX_VALUE, file);
            double temperature = in.readDouble();
            int n = HeadFiles.readCount(in, "sample count", 1, Integer.MAX_VALUE, file);
            int dim = HeadFiles.readCount(in, "dimension", 1, 1 << 24, file);
            if (!(temperature > 0) || !Double.isFinite(temperature)) {
                throw new IOException(file + " has an invalid temperature " + temperature);
            }
            if ((long) n * dim > Integer.MAX_VALUE - 8) {
                throw new IOException(file + " declares " + n + " x " + dim + " features, too many to load");
            }
            int[] y = new int[n];
            for (int i = 0; i < n; i++) {
                y[i] = in.readInt();
                if (y[i] < 0 || y[i] >= classes) {
                    throw new IOException(file + " has label " + y[i] + " outside [0, " + classes + ")");
                }
            }
            float[] bank = new float[n * dim];
            for (int i = 0; i < bank.length; i++) {
                bank[i] = in.readFloat();
            }
            return new KnnClassifier(CosineIndex.ofNormalized(bank, n, dim), y, classes, k, temperature);
        });
    }

    private static void checkSettings(int k, double temperature) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        if (!(temperature > 0) || !Double.isFinite(temperature)) {
            throw new IllegalArgumentException("temperature must be positive and finite, got " + temperature);
        }
    }

    @Override
    public String toString() {
        return "KnnClassifier[" + index.size() + " samples, dim " + index.dim() + ", k " + k + ", T " + temperature
                + "]";
    }
}
