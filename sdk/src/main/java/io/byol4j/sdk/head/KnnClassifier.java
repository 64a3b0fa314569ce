package io.byol4j.sdk.head;

import io.byol4j.sdk.internal.Vectors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.IntStream;

/**
 * Weighted k-nearest-neighbour classifier on frozen features, the usual protocol for evaluating
 * self-supervised representations (Wu et al. 2018): the {@code k} training samples with the highest
 * cosine similarity {@code s} to the query each vote for their class with weight {@code exp(s / T)};
 * the class with the largest total wins. Defaults: {@code k} = {@value #DEFAULT_K},
 * {@code T} = {@value #DEFAULT_TEMPERATURE}. With {@code T} = {@link #MAJORITY_VOTE} (infinity) the
 * vote is the limit of that rule: every neighbour counts once, and a tie goes to the class with the
 * larger summed similarity (then to the lower class index).
 *
 * <p>{@link #leaveOneOutPredictions()} classifies the stored samples themselves, each without its own
 * entry, for evaluating a representation without a separate test set.
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
    /**
     * The temperature of a plain majority vote (positive infinity): one vote per neighbour, ties broken
     * by the larger summed cosine similarity, then by the lower class index.
     */
    public static final double MAJORITY_VOTE = Double.POSITIVE_INFINITY;

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
     * @param temperature vote temperature, > 0; smaller values favour the closest neighbours, and
     *     {@link #MAJORITY_VOTE} gives every neighbour the same vote
     */
    public static KnnClassifier fit(float[][] x, int[] y, int numClasses, int k, double temperature) {
        HeadChecks.matrix(x, "x");
        HeadChecks.labels(y, x.length, numClasses, false);
        checkSettings(k, temperature);
        return new KnnClassifier(CosineIndex.of(x), y.clone(), numClasses, k, temperature);
    }

    /**
     * Vote shares per class for {@code query}; they sum to 1. Under {@link #MAJORITY_VOTE} they are the
     * fractions of the neighbours in each class.
     */
    public float[] scores(float[] query) {
        HeadChecks.query(query, index.dim());
        return tally(Vectors.normalizedL2(query), -1).shares();
    }

    /**
     * The class with the largest vote: the lowest index on ties, or under {@link #MAJORITY_VOTE} the
     * class with the larger summed similarity first.
     */
    public int predict(float[] query) {
        HeadChecks.query(query, index.dim());
        return tally(Vectors.normalizedL2(query), -1).winner();
    }

    /** Predictions for many queries, computed in parallel. */
    public int[] predictAll(float[][] queries) {
        HeadChecks.matrix(queries, "queries");
        return IntStream.range(0, queries.length)
                .parallel()
                .map(i -> predict(queries[i]))
                .toArray();
    }

    /** Fraction of rows whose predicted class equals {@code y}. */
    public double accuracy(float[][] x, int[] y) {
        HeadChecks.labels(y, x == null ? 0 : x.length, numClasses, false);
        int[] predicted = predictAll(x);
        long correct =
                IntStream.range(0, y.length).filter(i -> predicted[i] == y[i]).count();
        return (double) correct / y.length;
    }

    /**
     * Leave-one-out predictions (computed in parallel): stored sample {@code i} is classified like a query
     * by the {@code k} most similar <em>other</em> stored samples (at most {@code size() - 1}).
     *
     * @throws IllegalStateException if fewer than two samples are stored
     */
    public int[] leaveOneOutPredictions() {
        if (index.size() < 2) {
            throw new IllegalStateException(
                    "leave-one-out needs at least 2 stored samples, this classifier has " + index.size());
        }
        return IntStream.range(0, index.size())
                .parallel()
                .map(i -> tally(index.row(i), i).winner())
                .toArray();
    }

    /**
     * Fraction of stored samples whose {@linkplain #leaveOneOutPredictions() leave-one-out prediction} is
     * their label.
     */
    public double leaveOneOutAccuracy() {
        int[] predicted = leaveOneOutPredictions();
        long correct = IntStream.range(0, labels.length)
                .filter(i -> predicted[i] == labels[i])
                .count();
        return (double) correct / labels.length;
    }

    /** Votes of the stored samples nearest to the unit vector {@code unit}, skipping row {@code exclude} (-1: none). */
    private Tally tally(float[] unit, int exclude) {
        int kk = Math.min(k, exclude < 0 ? index.size() : index.size() - 1);
        int[] idx = new int[kk];
        float[] sim = new float[kk];
        int found = index.nearest(unit, kk, exclude, idx, sim);
        float best = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < found; j++) {
            best = Math.max(best, sim[j]);
        }
        double[] votes = new double[numClasses];
        double[] similarity = new double[numClasses];
        double total = 0;
        for (int j = 0; j < found; j++) {
            // shifting by the best similarity keeps exp() finite for any temperature; shares are unchanged
            // (under MAJORITY_VOTE the exponent is 0, so every neighbour weighs 1)
            double w = Math.exp((sim[j] - best) / temperature);
            votes[labels[idx[j]]] += w;
            similarity[labels[idx[j]]] += sim[j];
            total += w;
        }
        return new Tally(votes, similarity, total);
    }

    /** Summed vote weights and cosine similarities per class. */
    private final class Tally {
        private final double[] votes;
        private final double[] similarity;
        private final double total;

        Tally(double[] votes, double[] similarity, double total) {
            this.votes = votes;
            this.similarity = similarity;
            this.total = total;
        }

        float[] shares() {
            float[] out = new float[numClasses];
            for (int c = 0; c < numClasses; c++) {
                out[c] = (float) (votes[c] / total);
            }
            return out;
        }

        int winner() {
            if (temperature != MAJORITY_VOTE) {
                return HeadChecks.argmax(shares());
            }
            int best = 0;
            for (int c = 1; c < numClasses; c++) {
                if (votes[c] > votes[best] || (votes[c] == votes[best] && similarity[c] > similarity[best])) {
                    best = c;
                }
            }
            return best;
        }
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
            if (!(temperature > 0)) {
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
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("temperature must be positive (or MAJORITY_VOTE), got " + temperature);
        }
    }

    @Override
    public String toString() {
        return "KnnClassifier[" + index.size() + " samples, dim " + index.dim() + ", k " + k + ", T " + temperature
                + "]";
    }
}
