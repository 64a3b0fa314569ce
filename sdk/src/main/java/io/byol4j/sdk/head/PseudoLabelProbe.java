package io.byol4j.sdk.head;

import io.byol4j.sdk.data.LabelFractions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The semi-supervised head: label propagation over the unlabeled images, then a linear probe fitted on the
 * labeled images plus the most confident pseudo-labels that two views agree on, with every setting chosen on a
 * validation split of the labeled images.
 *
 * <ol>
 *   <li>Graph: the {@code k} most cosine-similar neighbours of each L2-normalised feature, weights
 *       {@code max(s, 0)^3}, symmetric normalisation {@code D^-1/2 (W + Wᵀ) D^-1/2} ({@link LabelPropagation}).
 *   <li>Propagation with strength {@code alpha}, class scores normalised by class mass; confidence
 *       {@code 1 - H(p) / log C}.
 *   <li>Agreement: an unlabeled image is a pseudo-label candidate only when propagation and the labeled-only
 *       linear probe predict the same class for it. On real features this filter is what makes pseudo-labels
 *       pay: on Fashion-MNIST BYOL features at 10% of the labels, the most confident propagated labels alone
 *       (83% right) made the probe worse than the labeled-only one, while every agreement-filtered variant tried
 *       beat it in the mean over three seeds (README, Results).
 *   <li>Pseudo-labels: of each predicted class, the {@code keep} most confident share of the candidates, each
 *       weighted by {@code weight} times its confidence, the labeled images with weight 1.
 *   <li>Choice: a stratified {@link #VALIDATION_SHARE} of the labeled images is hidden; for each
 *       {@code (k, alpha, keep, weight)} of the grid, and for "no pseudo-labels" (the labeled-only probe), the pipeline
 *       runs on the rest and is scored on them. The best setting (ties: fewer pseudo-labels) is then run with
 *       every label. So the head never does worse on the validation images than the labeled-only probe it
 *       would replace.
 * </ol>
 * Stateless; {@link #fit} is thread-safe.
 */
public final class PseudoLabelProbe {

    /** Share of the labeled images (per class) hidden to choose the setting. */
    public static final double VALIDATION_SHARE = 0.3;
    /** Neighbour counts tried. */
    static final int[] K_GRID = {10, 30};
    /** Propagation strengths tried. */
    static final double[] ALPHA_GRID = {0.99};
    /** Shares of each class's pseudo-labels kept (0 = labeled images only). */
    static final double[] KEEP_GRID = {0.0, 0.5, 1.0};
    /** Weights of a pseudo-label relative to a true label (times its confidence). */
    static final double[] WEIGHT_GRID = {0.3, 1.0};

    private static final double GAMMA = 3;

    /**
     * A setting and its validation accuracy.
     *
     * @param keep share of pseudo-labels kept per class; 0 means the labeled-only probe
     * @param weight weight of a pseudo-label relative to a true label, before its confidence
     */
    public record Choice(int k, double alpha, double keep, double weight, double validationAccuracy) {}

    /**
     * The fitted head.
     *
     * @param model the final linear classifier
     * @param choice the chosen setting
     * @param pseudoLabels unlabeled images used with a pseudo-label in the final fit
     * @param pseudoLabelAccuracy accuracy of those pseudo-labels against {@code truth}, NaN without truth
     */
    public record Fit(LogisticRegression model, Choice choice, int pseudoLabels, double pseudoLabelAccuracy) {}

    private PseudoLabelProbe() {}

    /**
     * The kNN graphs of {@link #fit} over one feature matrix: the costly part that does not depend on the labels
     * (an exact search over every pair of rows). Build it once with {@link #graphs} and reuse it for every label
     * fraction and seed of the same features. Immutable and thread-safe.
     */
    public static final class Graphs {
        private final float[][] x;
        private final Map<Integer, LabelPropagation.Graph> byK;

        private Graphs(float[][] x, Map<Integer, LabelPropagation.Graph> byK) {
            this.x = x;
            this.byK = byK;
        }

        /** Rows the graphs were built over. */
        public int size() {
            return x.length;
        }

        LabelPropagation.Graph graph(int k) {
            return byK.get(k);
        }
    }

    /**
     * Builds the graphs {@link #fit} searches over, once for every {@code k} of the grid: the widest is searched, the
     * others are its first edges (the same graphs as searching each {@code k}).
     *
     * @param x every training feature (labeled and unlabeled); kept by reference, do not modify it afterwards
     * @throws IllegalArgumentException for a malformed matrix
     */
    public static Graphs graphs(float[][] x) {
        HeadChecks.matrix(x, "x");
        int widestK = Arrays.stream(K_GRID).max().orElseThrow();
        LabelPropagation.Graph widest = LabelPropagation.Graph.build(CosineIndex.of(x), widestK, GAMMA);
        Map<Integer, LabelPropagation.Graph> byK = new HashMap<>();
        for (int k : K_GRID) {
            byK.put(k, widest.truncate(k));
        }
        return new Graphs(x, byK);
    }

    /**
     * Fits the head.
     *
     * @param x every training feature (labeled and unlabeled)
     * @param partial labels of the labeled images, -1 for the unlabeled
     * @param truth every true label (only to report the pseudo-labels' accuracy), or null
     * @param l2 penalty of the logistic regressions
     * @throws IllegalArgumentException for malformed inputs
     */
    public static Fit fit(float[][] x, int[] partial, int[] truth, int numClasses, double l2, long seed) {
        HeadChecks.matrix(x, "x");
        HeadChecks.labels(partial, x.length, numClasses, true);
        requireLabeled(partial);
        return fit(graphs(x), partial, truth, numClasses, l2, seed);
    }

    /**
     * Fits the head on the features {@code graphs} was built over; the same result as
     * {@link #fit(float[][], int[], int[], int, double, long)} without searching the neighbours again.
     *
     * @param partial labels of the labeled images, -1 for the unlabeled, one per row of the graphs' features
     * @throws IllegalArgumentException for malformed inputs
     */
    public static Fit fit(Graphs graphs, int[] partial, int[] truth, int numClasses, double l2, long seed) {
        float[][] x = graphs.x;
        HeadChecks.labels(partial, x.length, numClasses, true);
        requireLabeled(partial);
        int[] labeled =
                IntStream.range(0, x.length).filter(i -> partial[i] >= 0).toArray();
        int[][] parts = LabelFractions.holdOut(partial, labeled, VALIDATION_SHARE, seed);
        int[] validation = parts[1];
        Choice best;
        if (validation.length == 0) {
            best = new Choice(K_GRID[0], ALPHA_GRID[0], 0.0, WEIGHT_GRID[0], Double.NaN);
        } else {
            int[] hidden = partial.clone();
            for (int i : validation) {
                hidden[i] = -1;
            }
            boolean[] excluded = new boolean[x.length];
            for (int i : validation) {
                excluded[i] = true;
            }
            float[][] valX = select(x, validation);
            int[] valY = Arrays.stream(validation).map(i -> partial[i]).toArray();
            // The labeled-only probe and each k's propagation do not depend on keep or weight: once each.
            LogisticRegression labeledOnly = labeledOnly(x, hidden, numClasses, l2);
            int[] probe = probePredictions(x, hidden, labeledOnly, excluded);
            Map<String, LabelPropagation.Result> propagated = new HashMap<>();
            best = null;
            for (double keep : KEEP_GRID) {
                for (int k : keep == 0.0 ? new int[] {K_GRID[0]} : K_GRID) {
                    for (double alpha : keep == 0.0 ? new double[] {ALPHA_GRID[0]} : ALPHA_GRID) {
                        for (double weight : keep == 0.0 ? new double[] {WEIGHT_GRID[0]} : WEIGHT_GRID) {
                            Choice setting = new Choice(k, alpha, keep, weight, Double.NaN);
                            LogisticRegression model;
                            if (keep == 0.0) {
                                model = labeledOnly;
                            } else {
                                LabelPropagation.Result r = propagated.computeIfAbsent(
                                        k + "/" + alpha,
                                        key -> LabelPropagation.propagate(
                                                graphs.graph(k), hidden, numClasses, alpha, true));
                                model = withPseudoLabels(x, hidden, numClasses, setting, l2, r, probe, null)
                                        .model();
                            }
                            double accuracy = model.accuracy(valX, valY);
                            if (best == null || accuracy > best.validationAccuracy()) {
                                best = new Choice(k, alpha, keep, weight, accuracy);
                            }
                        }
                    }
                }
            }
        }
        Fit fit = run(x, partial, graphs.graph(best.k()), numClasses, best, l2, new boolean[x.length], truth);
        return new Fit(fit.model(), best, fit.pseudoLabels(), fit.pseudoLabelAccuracy());
    }

    private static void requireLabeled(int[] partial) {
        if (Arrays.stream(partial).noneMatch(label -> label >= 0)) {
            throw new IllegalArgumentException("the semi-supervised head needs at least one labeled image");
        }
    }

    static Fit run(
            float[][] x,
            int[] y,
            LabelPropagation.Graph graph,
            int numClasses,
            Choice setting,
            double l2,
            boolean[] excluded,
            int[] truth) {
        if (setting.keep() <= 0) {
            return new Fit(labeledOnly(x, y, numClasses, l2), setting, 0, Double.NaN);
        }
        LabelPropagation.Result r = LabelPropagation.propagate(graph, y, numClasses, setting.alpha(), true);
        int[] probe = probePredictions(x, y, labeledOnly(x, y, numClasses, l2), excluded);
        return withPseudoLabels(x, y, numClasses, setting, l2, r, probe, truth);
    }

    /** The logistic regression on the labeled rows of {@code y} alone, each with weight 1. */
    private static LogisticRegression labeledOnly(float[][] x, int[] y, int numClasses, double l2) {
        List<Integer> rows = new ArrayList<>();
        List<Integer> targets = new ArrayList<>();
        List<Double> weights = new ArrayList<>();
        addLabeled(y, rows, targets, weights);
        return fitRows(x, rows, targets, weights, numClasses, l2);
    }

    /** Appends every labeled row of {@code y} with its label and weight 1. */
    private static void addLabeled(int[] y, List<Integer> rows, List<Integer> targets, List<Double> weights) {
        for (int i = 0; i < y.length; i++) {
            if (y[i] >= 0) {
                rows.add(i);
                targets.add(y[i]);
                weights.add(1.0);
            }
        }
    }

    /** The probe's class for every unlabeled, not excluded row; -1 elsewhere. */
    private static int[] probePredictions(float[][] x, int[] y, LogisticRegression probe, boolean[] excluded) {
        int[] out = new int[x.length];
        IntStream.range(0, x.length)
                .parallel()
                .forEach(i -> out[i] = y[i] < 0 && !excluded[i] ? probe.predict(x[i]) : -1);
        return out;
    }

    /** The labeled rows plus the kept pseudo-labels where propagation {@code r} and {@code probe} agree. */
    private static Fit withPseudoLabels(
            float[][] x,
            int[] y,
            int numClasses,
            Choice setting,
            double l2,
            LabelPropagation.Result r,
            int[] probe,
            int[] truth) {
        List<Integer> rows = new ArrayList<>();
        List<Double> weights = new ArrayList<>();
        List<Integer> targets = new ArrayList<>();
        addLabeled(y, rows, targets, weights);
        int pseudo = 0;
        int correct = 0;
        for (int c = 0; c < numClasses; c++) {
            int cls = c;
            int[] members = IntStream.range(0, x.length)
                    .filter(i -> probe[i] == cls && r.label(i) == cls)
                    .boxed()
                    .sorted((a, b) -> Float.compare(r.confidence(b), r.confidence(a)))
                    .mapToInt(Integer::intValue)
                    .toArray();
            int take = (int) Math.round(setting.keep() * members.length);
            for (int m = 0; m < take; m++) {
                int i = members[m];
                rows.add(i);
                targets.add(cls);
                weights.add(setting.weight() * r.confidence(i));
                pseudo++;
                if (truth != null && truth[i] == cls) {
                    correct++;
                }
            }
        }
        LogisticRegression model = fitRows(x, rows, targets, weights, numClasses, l2);
        double accuracy = truth == null || pseudo == 0 ? Double.NaN : (double) correct / pseudo;
        return new Fit(model, setting, pseudo, accuracy);
    }

    private static LogisticRegression fitRows(
            float[][] x, List<Integer> rows, List<Integer> targets, List<Double> weights, int numClasses, double l2) {
        float[][] trainX = new float[rows.size()][];
        int[] trainY = new int[rows.size()];
        double[] w = new double[rows.size()];
        for (int m = 0; m < trainX.length; m++) {
            trainX[m] = x[rows.get(m)];
            trainY[m] = targets.get(m);
            w[m] = weights.get(m);
        }
        return LogisticRegression.fit(trainX, trainY, numClasses, l2, w);
    }

    private static float[][] select(float[][] x, int[] rows) {
        float[][] out = new float[rows.length][];
        for (int m = 0; m < rows.length; m++) {
            out[m] = x[rows[m]];
        }
        return out;
    }
}
