package io.byol4j.sdk.head;

import java.util.Arrays;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * Semi-supervised label propagation over a k-nearest-neighbour graph of frozen features, after Zhou
 * et al. 2004 ("Learning with local and global consistency") with the graph of Iscen et al. 2019.
 *
 * <ol>
 *   <li>Graph: each sample links to its {@code k} most cosine-similar samples with weight
 *       {@code max(s, 0)^gamma}; the affinity is {@code W + Wᵀ}, normalised as
 *       {@code S = D^-1/2 (W + Wᵀ) D^-1/2}.
 *   <li>Propagation: class scores {@code F} are the fixed point of {@code F = alpha · S · F + (1 - alpha) · Y},
 *       where {@code Y} one-hot encodes the known labels. It is reached iteratively, by conjugate
 *       gradients on {@code (I - alpha · S) F = Y} (same fixed point as Zhou's iteration, far fewer sweeps).
 *   <li>Output: each unlabeled sample gets {@code argmax F}, probabilities {@code F} clipped at 0 and
 *       normalised per row, and a confidence {@code 1 - H(p) / log(C)} (1 = certain, 0 = uniform).
 *       Labeled samples keep their label with confidence 1; samples the graph cannot reach get
 *       label -1 and confidence 0.
 * </ol>
 *
 * <p>Building the graph compares every pair of samples: O(N² · D) work, run in parallel, which suits
 * up to some tens of thousands of samples. Instances are immutable and thread-safe.
 */
public final class LabelPropagation {

    /** Default neighbours per sample. */
    public static final int DEFAULT_K = 10;
    /** Default propagation strength. */
    public static final double DEFAULT_ALPHA = 0.99;
    /** Default exponent applied to similarities. */
    public static final double DEFAULT_GAMMA = 3;

    private static final int MAX_ITERATIONS = 500;
    private static final double TOLERANCE = 1e-6;

    private final int k;
    private final double alpha;
    private final double gamma;

    /**
     * @param k neighbours per sample, >= 1
     * @param alpha in (0, 1): how far labels spread (close to 1 = far)
     * @param gamma >= 1: how sharply the weights favour the most similar neighbours
     */
    public LabelPropagation(int k, double alpha, double gamma) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1), got " + alpha);
        }
        if (!(gamma >= 1) || !Double.isFinite(gamma)) {
            throw new IllegalArgumentException("gamma must be finite and >= 1, got " + gamma);
        }
        this.k = k;
        this.alpha = alpha;
        this.gamma = gamma;
    }

    /** k = {@value #DEFAULT_K}, alpha = {@value #DEFAULT_ALPHA}, gamma = {@value #DEFAULT_GAMMA}. */
    public static LabelPropagation defaults() {
        return new LabelPropagation(DEFAULT_K, DEFAULT_ALPHA, DEFAULT_GAMMA);
    }

    /**
     * Propagated labels for every sample: an immutable value (arrays copied out, {@code equals}/{@code hashCode} over
     * contents). {@link #label(int)} and {@link #confidence(int)} read one sample without copying.
     */
    public static final class Result {

        private final int[] labels;
        private final float[][] probabilities;
        private final float[] confidence;
        private final int iterations;

        /** Over arrays {@link LabelPropagation} has just filled and hands to no one else. */
        Result(int[] labels, float[][] probabilities, float[] confidence, int iterations) {
            this.labels = labels;
            this.probabilities = probabilities;
            this.confidence = confidence;
            this.iterations = iterations;
        }

        /** A copy of the class every sample would be assigned (given labels kept; -1 if unreachable). */
        public int[] labels() {
            return labels.clone();
        }

        /** A copy of the per-sample, per-class probabilities; rows sum to 1 (all zero when unreachable). */
        public float[][] probabilities() {
            float[][] copy = new float[probabilities.length][];
            for (int i = 0; i < copy.length; i++) {
                copy[i] = probabilities[i].clone();
            }
            return copy;
        }

        /** A copy of every sample's confidence in [0, 1]. */
        public float[] confidence() {
            return confidence.clone();
        }

        /** Conjugate-gradient sweeps used by the slowest class. */
        public int iterations() {
            return iterations;
        }

        /** Number of samples. */
        public int size() {
            return labels.length;
        }

        /**
         * The class sample {@code i} would be assigned (-1 if unreachable).
         *
         * @throws IndexOutOfBoundsException unless {@code 0 <= i < size()}
         */
        public int label(int i) {
            return labels[i];
        }

        /**
         * Sample {@code i}'s confidence in [0, 1].
         *
         * @throws IndexOutOfBoundsException unless {@code 0 <= i < size()}
         */
        public float confidence(int i) {
            return confidence[i];
        }

        /** Indices of samples whose label is known with confidence >= {@code minConfidence}. */
        public int[] confident(double minConfidence) {
            return IntStream.range(0, labels.length)
                    .filter(i -> labels[i] >= 0 && confidence[i] >= minConfidence)
                    .toArray();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Result r
                    && iterations == r.iterations
                    && Arrays.equals(labels, r.labels)
                    && Arrays.deepEquals(probabilities, r.probabilities)
                    && Arrays.equals(confidence, r.confidence);
        }

        @Override
        public int hashCode() {
            return Objects.hash(
                    iterations,
                    Arrays.hashCode(labels),
                    Arrays.deepHashCode(probabilities),
                    Arrays.hashCode(confidence));
        }

        @Override
        public String toString() {
            return "LabelPropagation.Result[" + labels.length + " samples, " + iterations + " iterations]";
        }
    }

    /**
     * Propagates the labels in {@code y} (-1 = unlabeled) to all samples of {@code x}.
     *
     * @throws IllegalArgumentException if no sample is labeled or the inputs are malformed
     */
    public Result propagate(float[][] x, int[] y, int numClasses) {
        HeadChecks.matrix(x, "x");
        HeadChecks.labels(y, x.length, numClasses, true);
        if (IntStream.of(y).allMatch(label -> label < 0)) {
            throw new IllegalArgumentException("label propagation needs at least one labeled sample");
        }
        return propagate(Graph.build(CosineIndex.of(x), k, gamma), y, numClasses, alpha, false);
    }

    /**
     * Propagates {@code y} over a prebuilt graph. With {@code classBalanced}, each class's scores are divided by
     * their sum over all samples before the argmax (Iscen et al. 2019), so a class whose seeds sit in a dense
     * part of the graph does not swallow its neighbours.
     */
    static Result propagate(Graph graph, int[] y, int numClasses, double alpha, boolean classBalanced) {
        int n = y.length;
        double[][] scores = new double[numClasses][];
        int iterations = 0;
        for (int c = 0; c < numClasses; c++) {
            double[] seeds = new double[n];
            for (int i = 0; i < n; i++) {
                seeds[i] = y[i] == c ? 1 : 0;
            }
            double[] solution = new double[n];
            iterations = Math.max(iterations, graph.solve(alpha, seeds, solution));
            if (classBalanced) {
                double mass = 0;
                for (double v : solution) {
                    mass += Math.max(0, v);
                }
                if (mass > 0) {
                    for (int i = 0; i < n; i++) {
                        solution[i] /= mass;
                    }
                }
            }
            scores[c] = solution;
        }
        return summarise(y, scores, numClasses, iterations);
    }

    /**
     * Trains a {@link LogisticRegression} on the labeled samples plus the unlabeled ones whose
     * propagated label has confidence >= {@code minConfidence}, each pseudo-labeled sample weighted by
     * its confidence.
     */
    public LogisticRegression fitWithPseudoLabels(
            float[][] x, int[] y, int numClasses, double minConfidence, double l2) {
        return fitWithPseudoLabels(x, y, numClasses, propagate(x, y, numClasses), minConfidence, l2);
    }

    /** As {@link #fitWithPseudoLabels(float[][], int[], int, double, double)} with a precomputed result. */
    public static LogisticRegression fitWithPseudoLabels(
            float[][] x, int[] y, int numClasses, Result propagated, double minConfidence, double l2) {
        HeadChecks.labels(y, x.length, numClasses, true);
        if (propagated.size() != x.length) {
            throw new IllegalArgumentException(
                    "propagation result covers " + propagated.size() + " samples, x has " + x.length);
        }
        int[] chosen = IntStream.range(0, x.length)
                .filter(i -> y[i] >= 0 || (propagated.label(i) >= 0 && propagated.confidence(i) >= minConfidence))
                .toArray();
        float[][] trainX = new float[chosen.length][];
        int[] trainY = new int[chosen.length];
        double[] weights = new double[chosen.length];
        for (int m = 0; m < chosen.length; m++) {
            int i = chosen[m];
            trainX[m] = x[i];
            trainY[m] = y[i] >= 0 ? y[i] : propagated.label(i);
            weights[m] = y[i] >= 0 ? 1 : propagated.confidence(i);
        }
        return LogisticRegression.fit(trainX, trainY, numClasses, l2, weights);
    }

    private static Result summarise(int[] y, double[][] scores, int numClasses, int iterations) {
        int n = y.length;
        int[] labels = new int[n];
        float[][] probabilities = new float[n][numClasses];
        float[] confidence = new float[n];
        double logC = Math.log(numClasses);
        for (int i = 0; i < n; i++) {
            if (y[i] >= 0) {
                labels[i] = y[i];
                probabilities[i][y[i]] = 1;
                confidence[i] = 1;
                continue;
            }
            double total = 0;
            for (int c = 0; c < numClasses; c++) {
                total += Math.max(0, scores[c][i]);
            }
            if (!(total > 1e-300)) {
                labels[i] = -1;
                continue;
            }
            double entropy = 0;
            int best = 0;
            for (int c = 0; c < numClasses; c++) {
                double p = Math.max(0, scores[c][i]) / total;
                probabilities[i][c] = (float) p;
                if (p > 0) {
                    entropy -= p * Math.log(p);
                }
                if (p > probabilities[i][best]) {
                    best = c;
                }
            }
            labels[i] = best;
            confidence[i] = (float) Math.max(0, 1 - entropy / logC);
        }
        return new Result(labels, probabilities, confidence, iterations);
    }

    /** Sparse symmetric kNN affinity with its symmetric degree normalisation. */
    static final class Graph {
        private final int n;
        private final int k;
        private final int[] neighbours;
        private final float[] weights;
        private final double[] invSqrtDegree;

        int k() {
            return k;
        }

        private Graph(int n, int k, int[] neighbours, float[] weights) {
            this.n = n;
            this.k = k;
            this.neighbours = neighbours;
            this.weights = weights;
            double[] degree = new double[n];
            for (int i = 0; i < n; i++) {
                for (int e = i * k; e < (i + 1) * k; e++) {
                    degree[i] += weights[e];
                    degree[neighbours[e]] += weights[e];
                }
            }
            invSqrtDegree = new double[n];
            for (int i = 0; i < n; i++) {
                invSqrtDegree[i] = degree[i] > 0 ? 1 / Math.sqrt(degree[i]) : 0;
            }
        }

        /**
         * The {@code k} nearest rows of every row (at most {@code n - 1}), each row's edges in a canonical order:
         * most similar first, ties to the lower index. So {@link #truncate} of a wider graph equals the graph
         * built with the smaller {@code k}.
         */
        static Graph build(CosineIndex index, int k, double gamma) {
            int n = index.size();
            int kk = Math.max(1, Math.min(k, n - 1));
            int[] neighbours = new int[n * kk];
            float[] weights = new float[n * kk];
            IntStream.range(0, n).parallel().forEach(i -> {
                int[] idx = new int[kk];
                float[] sim = new float[kk];
                int found = index.nearest(index.row(i), kk, i, idx, sim);
                Integer[] order = new Integer[found];
                for (int e = 0; e < found; e++) {
                    order[e] = e;
                }
                Arrays.sort(
                        order,
                        (a, b) -> sim[a] != sim[b] ? Float.compare(sim[b], sim[a]) : Integer.compare(idx[a], idx[b]));
                for (int e = 0; e < kk; e++) {
                    boolean real = e < found;
                    neighbours[i * kk + e] = real ? idx[order[e]] : i;
                    weights[i * kk + e] = real ? (float) Math.pow(Math.max(0, sim[order[e]]), gamma) : 0;
                }
            });
            return new Graph(n, kk, neighbours, weights);
        }

        /** The graph of each row's first {@code k} edges (this graph when {@code k >= k()}), without a search. */
        Graph truncate(int k) {
            int kk = Math.max(1, Math.min(k, n - 1));
            if (kk >= this.k) {
                return this;
            }
            int[] nb = new int[n * kk];
            float[] w = new float[n * kk];
            for (int i = 0; i < n; i++) {
                System.arraycopy(neighbours, i * this.k, nb, i * kk, kk);
                System.arraycopy(weights, i * this.k, w, i * kk, kk);
            }
            return new Graph(n, kk, nb, w);
        }

        /** out = (I - alpha S) v. */
        private void applySystem(double alpha, double[] v, double[] scaled, double[] out) {
            for (int i = 0; i < n; i++) {
                scaled[i] = invSqrtDegree[i] * v[i];
                out[i] = 0;
            }
            for (int i = 0; i < n; i++) {
                for (int e = i * k; e < (i + 1) * k; e++) {
                    int j = neighbours[e];
                    double w = weights[e];
                    out[i] += w * scaled[j];
                    out[j] += w * scaled[i];
                }
            }
            for (int i = 0; i < n; i++) {
                out[i] = v[i] - alpha * invSqrtDegree[i] * out[i];
            }
        }

        /** Conjugate gradients on (I - alpha S) f = b; returns the sweeps used. */
        int solve(double alpha, double[] b, double[] f) {
            double[] r = b.clone();
            double[] p = b.clone();
            double[] ap = new double[n];
            double[] scratch = new double[n];
            double bNorm = Math.sqrt(Lbfgs.dot(b, b));
            double rr = bNorm * bNorm;
            if (bNorm == 0) {
                return 0;
            }
            for (int it = 1; it <= MAX_ITERATIONS; it++) {
                applySystem(alpha, p, scratch, ap);
                double step = rr / Lbfgs.dot(p, ap);
                for (int i = 0; i < n; i++) {
                    f[i] += step * p[i];
                    r[i] -= step * ap[i];
                }
                double rrNew = Lbfgs.dot(r, r);
                if (Math.sqrt(rrNew) <= TOLERANCE * bNorm) {
                    return it;
                }
                double beta = rrNew / rr;
                for (int i = 0; i < n; i++) {
                    p[i] = r[i] + beta * p[i];
                }
                rr = rrNew;
            }
            return MAX_ITERATIONS;
        }
    }
}
