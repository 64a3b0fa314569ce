package io.byol4j.sdk.head;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Measures how much a representation helps when only a few training labels are known.
 *
 * <p>For every label fraction and seed, a stratified subset of the training set keeps its labels
 * ({@link #labeledSubset}: {@code round(fraction · n_c)} samples of each class {@code c}, at least one)
 * and three heads are scored on the test set:
 * <ol>
 *   <li>{@code linear}: {@link LogisticRegression} fitted on the labeled subset only;
 *   <li>{@code knn}: {@link KnnClassifier} on the labeled subset only;
 *   <li>{@code propagation}: {@link LabelPropagation} over the whole training set (labeled subset plus all
 *       other training samples as unlabeled), then a {@link LogisticRegression} on the labeled samples and
 *       the pseudo-labels, each pseudo-label weighted by its confidence
 *       ({@link LabelPropagation#fitWithPseudoLabels}).
 *   <li>{@code semi}: the semi-supervised head, {@link PseudoLabelProbe}: propagation, the most confident
 *       pseudo-labels and a linear probe, every setting chosen on a validation split of the labeled subset (it
 *       falls back to the labeled-only probe when pseudo-labels do not help there); {@code propagation} (fixed
 *       settings, every pseudo-label) is kept for comparison. Neither is yet reliably better than {@code linear}
 *       on real features at 10% of the labels (README, Results), so compare all columns.
 * </ol>
 * Test accuracies are averaged over the seeds; the accuracy of the pseudo-labels on the unlabeled
 * training samples is reported too. Both logistic regressions use the same fixed penalty
 * {@link Settings#l2()}: with one or two labels per class there is nothing to validate a penalty on.
 */
public final class SemiSupervisedEval {

    /**
     * What to evaluate and how.
     *
     * @param fractions label fractions in (0, 1], e.g. 0.01 and 0.1
     * @param seeds runs per fraction, each with another labeled subset; seed {@code s} uses {@code seed + s}
     * @param seed base seed of the labeled subsets
     * @param l2 penalty of both logistic regressions (see {@link LogisticRegression#fit})
     * @param knnK neighbours of the kNN head
     * @param knnTemperature vote temperature of the kNN head
     * @param propagationK neighbours per sample in the propagation graph
     * @param propagationAlpha propagation strength in (0, 1)
     * @param propagationGamma similarity exponent, >= 1
     * @param minConfidence pseudo-labels below this confidence are left out of the final fit
     */
    public record Settings(
            List<Double> fractions,
            int seeds,
            long seed,
            double l2,
            int knnK,
            double knnTemperature,
            int propagationK,
            double propagationAlpha,
            double propagationGamma,
            double minConfidence) {

        /** Default label fractions: 1% and 10%. */
        public static final List<Double> DEFAULT_FRACTIONS = List.of(0.01, 0.1);
        /** Default penalty of the logistic regressions. */
        public static final double DEFAULT_L2 = 1e-3;

        /** Validates the settings. */
        public Settings {
            Objects.requireNonNull(fractions, "fractions");
            if (fractions.isEmpty()) {
                throw new IllegalArgumentException("at least one label fraction is needed");
            }
            for (Double f : fractions) {
                if (f == null || !(f > 0 && f <= 1)) {
                    throw new IllegalArgumentException("label fractions must be in (0, 1], got " + f);
                }
            }
            fractions = List.copyOf(fractions);
            if (seeds < 1) {
                throw new IllegalArgumentException("seeds must be at least 1, got " + seeds);
            }
            if (!(l2 >= 0) || !Double.isFinite(l2)) {
                throw new IllegalArgumentException("l2 must be finite and >= 0, got " + l2);
            }
            if (knnK < 1) {
                throw new IllegalArgumentException("knnK must be at least 1, got " + knnK);
            }
            if (!(knnTemperature > 0) || !Double.isFinite(knnTemperature)) {
                throw new IllegalArgumentException("knnTemperature must be positive and finite, got " + knnTemperature);
            }
            new LabelPropagation(propagationK, propagationAlpha, propagationGamma);
            if (!(minConfidence >= 0 && minConfidence <= 1)) {
                throw new IllegalArgumentException("minConfidence must be in [0, 1], got " + minConfidence);
            }
        }

        /**
         * Fractions 1% and 10%, 3 seeds from seed 1, l2 {@value #DEFAULT_L2}, the kNN and propagation
         * defaults of {@link KnnClassifier} and {@link LabelPropagation}, every pseudo-label kept.
         */
        public static Settings defaults() {
            return new Settings(
                    DEFAULT_FRACTIONS,
                    3,
                    1L,
                    DEFAULT_L2,
                    KnnClassifier.DEFAULT_K,
                    KnnClassifier.DEFAULT_TEMPERATURE,
                    LabelPropagation.DEFAULT_K,
                    LabelPropagation.DEFAULT_ALPHA,
                    LabelPropagation.DEFAULT_GAMMA,
                    0.0);
        }

        LabelPropagation propagation() {
            return new LabelPropagation(propagationK, propagationAlpha, propagationGamma);
        }
    }

    /**
     * One run: one fraction, one labeled subset.
     *
     * @param labeled training samples whose labels were kept
     * @param linear test accuracy of logistic regression on the labeled subset
     * @param knn test accuracy of kNN on the labeled subset
     * @param propagation test accuracy of logistic regression on labels plus propagated pseudo-labels
     * @param pseudoLabelAccuracy fraction of the unlabeled training samples whose propagated label is right
     *     (NaN when every sample was labeled)
     */
    public record Run(
            double fraction,
            long seed,
            int labeled,
            double linear,
            double knn,
            double propagation,
            double pseudoLabelAccuracy,
            double semi,
            PseudoLabelProbe.Choice semiChoice,
            int semiPseudoLabels,
            double semiPseudoLabelAccuracy) {}

    /** Mean and sample standard deviation (0 for a single value) over the seeds. */
    public record Score(double mean, double std) {

        /** Mean and sample standard deviation of {@code values} (NaN values are skipped; NaN when none is left). */
        public static Score of(double[] values) {
            values = java.util.Arrays.stream(values)
                    .filter(v -> !Double.isNaN(v))
                    .toArray();
            if (values.length == 0) {
                return new Score(Double.NaN, Double.NaN);
            }
            double mean = 0;
            for (double v : values) {
                mean += v;
            }
            mean /= values.length;
            double ss = 0;
            for (double v : values) {
                ss += (v - mean) * (v - mean);
            }
            return new Score(mean, values.length > 1 ? Math.sqrt(ss / (values.length - 1)) : 0);
        }
    }

    /** The runs of one fraction, summarised. */
    public record FractionSummary(
            double fraction,
            int labeled,
            Score linear,
            Score knn,
            Score propagation,
            Score pseudoLabelAccuracy,
            Score semi) {}

    /**
     * Everything measured.
     *
     * @param summaries one per fraction, in the order of {@link Settings#fractions()}
     * @param runs every run, in order
     */
    public record Report(
            Settings settings,
            int trainSize,
            int testSize,
            int numClasses,
            int dim,
            List<FractionSummary> summaries,
            List<Run> runs) {

        /** Copies the lists. */
        public Report {
            summaries = List.copyOf(summaries);
            runs = List.copyOf(runs);
        }
    }

    private SemiSupervisedEval() {}

    /** {@link #evaluate(float[][], int[], float[][], int[], int, Settings, Consumer)} without progress. */
    public static Report evaluate(
            float[][] trainX, int[] trainY, float[][] testX, int[] testY, int numClasses, Settings settings) {
        return evaluate(trainX, trainY, testX, testY, numClasses, settings, run -> {});
    }

    /**
     * Runs every fraction and seed of {@code settings}; {@code progress} hears of each run as it ends.
     *
     * @param trainY every training label in [0, numClasses) (the evaluation hides most of them itself)
     * @param testY every test label in [0, numClasses)
     * @throws IllegalArgumentException if the inputs are malformed or the feature dimensions differ
     */
    public static Report evaluate(
            float[][] trainX,
            int[] trainY,
            float[][] testX,
            int[] testY,
            int numClasses,
            Settings settings,
            Consumer<Run> progress) {
        int dim = HeadChecks.matrix(trainX, "train features");
        HeadChecks.labels(trainY, trainX.length, numClasses, false);
        int testDim = HeadChecks.matrix(testX, "test features");
        HeadChecks.labels(testY, testX.length, numClasses, false);
        if (dim != testDim) {
            throw new IllegalArgumentException(
                    "train features have dimension " + dim + " but test features " + testDim);
        }
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(progress, "progress");
        LabelPropagation propagation = settings.propagation();
        List<Run> runs = new ArrayList<>();
        List<FractionSummary> summaries = new ArrayList<>();
        PseudoLabelProbe.Graphs graphs = PseudoLabelProbe.graphs(trainX); // label-free: once for every run
        for (double fraction : settings.fractions()) {
            double[][] scores = new double[5][settings.seeds()];
            int labeledCount = 0;
            for (int s = 0; s < settings.seeds(); s++) {
                long seed = settings.seed() + s;
                int[] labeled = labeledSubset(trainY, numClasses, fraction, seed);
                labeledCount = labeled.length;
                Run run = runOnce(
                        trainX,
                        trainY,
                        testX,
                        testY,
                        numClasses,
                        settings,
                        propagation,
                        graphs,
                        fraction,
                        seed,
                        labeled);
                runs.add(run);
                progress.accept(run);
                scores[0][s] = run.linear();
                scores[1][s] = run.knn();
                scores[2][s] = run.propagation();
                scores[3][s] = run.pseudoLabelAccuracy();
                scores[4][s] = run.semi();
            }
            summaries.add(new FractionSummary(
                    fraction,
                    labeledCount,
                    Score.of(scores[0]),
                    Score.of(scores[1]),
                    Score.of(scores[2]),
                    Score.of(scores[3]),
                    Score.of(scores[4])));
        }
        return new Report(settings, trainX.length, testX.length, numClasses, dim, summaries, runs);
    }

    private static Run runOnce(
            float[][] trainX,
            int[] trainY,
            float[][] testX,
            int[] testY,
            int numClasses,
            Settings settings,
            LabelPropagation propagation,
            PseudoLabelProbe.Graphs graphs,
            double fraction,
            long seed,
            int[] labeled) {
        float[][] labeledX = new float[labeled.length][];
        int[] labeledY = new int[labeled.length];
        int[] partial = new int[trainY.length];
        java.util.Arrays.fill(partial, -1);
        for (int m = 0; m < labeled.length; m++) {
            labeledX[m] = trainX[labeled[m]];
            labeledY[m] = trainY[labeled[m]];
            partial[labeled[m]] = labeledY[m];
        }
        double linear = LogisticRegression.fit(labeledX, labeledY, numClasses, settings.l2())
                .accuracy(testX, testY);
        double knn = KnnClassifier.fit(labeledX, labeledY, numClasses, settings.knnK(), settings.knnTemperature())
                .accuracy(testX, testY);
        LabelPropagation.Result propagated = propagation.propagate(trainX, partial, numClasses);
        double withPseudoLabels = LabelPropagation.fitWithPseudoLabels(
                        trainX, partial, numClasses, propagated, settings.minConfidence(), settings.l2())
                .accuracy(testX, testY);
        PseudoLabelProbe.Fit semi = PseudoLabelProbe.fit(graphs, partial, trainY, numClasses, settings.l2(), seed);
        return new Run(
                fraction,
                seed,
                labeled.length,
                linear,
                knn,
                withPseudoLabels,
                pseudoLabelAccuracy(trainY, partial, propagated.labels()),
                semi.model().accuracy(testX, testY),
                semi.choice(),
                semi.pseudoLabels(),
                semi.pseudoLabelAccuracy());
    }

    private static double pseudoLabelAccuracy(int[] truth, int[] partial, int[] propagated) {
        int unlabeled = 0;
        int correct = 0;
        for (int i = 0; i < truth.length; i++) {
            if (partial[i] < 0) {
                unlabeled++;
                if (propagated[i] == truth[i]) {
                    correct++;
                }
            }
        }
        return unlabeled == 0 ? Double.NaN : (double) correct / unlabeled;
    }

    /**
     * The stratified labeled subset of {@link io.byol4j.sdk.data.LabelFractions#select}: of each class
     * {@code c}, {@code round(fraction · n_c)} samples chosen with {@code seed} (the same images fine-tuning
     * and every other method use for that fraction and seed).
     *
     * @return indices into {@code y}, ascending
     * @throws IllegalArgumentException if a class has no sample or the fraction keeps none of some class
     */
    public static int[] labeledSubset(int[] y, int numClasses, double fraction, long seed) {
        if (y == null) {
            throw new IllegalArgumentException("labels are required");
        }
        HeadChecks.labels(y, y.length, numClasses, false);
        List<String> names = new ArrayList<>();
        for (int c = 0; c < numClasses; c++) {
            names.add("#" + c);
        }
        return io.byol4j.sdk.data.LabelFractions.select(y, names, fraction, seed);
    }
}
