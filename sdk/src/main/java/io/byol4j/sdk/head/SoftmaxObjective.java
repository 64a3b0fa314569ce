package io.byol4j.sdk.head;

import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * Weighted mean cross-entropy of a multinomial logistic model on standardised features, plus
 * {@code l2/2 · |V|²} on the weights and {@code BIAS_L2/2 · |c|²} on the biases.
 *
 * <p>Parameters are laid out as {@code [V (classes × dim, row-major), c (classes)]} and act on
 * standardised features {@code z = (x - mean) / std}. The standardisation is applied on the fly, so
 * the raw feature matrix is never copied; rows are processed in parallel.
 */
final class SoftmaxObjective implements Lbfgs.Objective {

    /** Tiny bias penalty that keeps the problem strictly convex (e.g. for a class without samples). */
    static final double BIAS_L2 = 1e-6;

    private static final int MIN_ROWS_PER_TASK = 256;

    private final float[][] x;
    private final int[] y;
    private final double[] weights;
    private final double totalWeight;
    private final int classes;
    private final int dim;
    private final double l2;
    private final double[] mean;
    private final double[] invStd;
    private final int tasks;

    SoftmaxObjective(float[][] x, int[] y, double[] sampleWeights, int classes, double l2) {
        this.x = x;
        this.y = y;
        this.weights = sampleWeights;
        this.classes = classes;
        this.dim = x[0].length;
        this.l2 = l2;
        double total = 0;
        for (int i = 0; i < x.length; i++) {
            total += weight(i);
        }
        this.totalWeight = total;
        this.mean = new double[dim];
        this.invStd = new double[dim];
        standardise();
        int parallelism = ForkJoinPool.getCommonPoolParallelism();
        this.tasks = Math.max(1, Math.min(parallelism * 2, x.length / MIN_ROWS_PER_TASK));
    }

    int parameterCount() {
        return classes * dim + classes;
    }

    /** Per-feature mean and inverse standard deviation (1 for constant features). */
    private void standardise() {
        int n = x.length;
        double[] sumSq = new double[dim];
        for (float[] row : x) {
            for (int j = 0; j < dim; j++) {
                mean[j] += row[j];
            }
        }
        for (int j = 0; j < dim; j++) {
            mean[j] /= n;
        }
        for (float[] row : x) {
            for (int j = 0; j < dim; j++) {
                double d = row[j] - mean[j];
                sumSq[j] += d * d;
            }
        }
        for (int j = 0; j < dim; j++) {
            double std = Math.sqrt(sumSq[j] / n);
            invStd[j] = std > 1e-12 * Math.max(1, Math.abs(mean[j])) ? 1 / std : 1;
        }
    }

    /** Raw-feature weights {@code A = V / std} (row-major, classes × dim) for parameters {@code theta}. */
    double[] rawWeights(double[] theta) {
        double[] a = new double[classes * dim];
        for (int k = 0; k < classes; k++) {
            for (int j = 0; j < dim; j++) {
                a[k * dim + j] = theta[k * dim + j] * invStd[j];
            }
        }
        return a;
    }

    /** Raw-feature biases {@code b = c - A · mean} for parameters {@code theta} and {@code rawWeights(theta)}. */
    double[] rawBias(double[] theta, double[] a) {
        double[] b = new double[classes];
        for (int k = 0; k < classes; k++) {
            double shift = 0;
            for (int j = 0; j < dim; j++) {
                shift += a[k * dim + j] * mean[j];
            }
            b[k] = theta[classes * dim + k] - shift;
        }
        return b;
    }

    @Override
    public double evaluate(double[] theta, double[] gradient) {
        double[] a = rawWeights(theta);
        double[] b = rawBias(theta, a);
        int n = x.length;
        Partial total = IntStream.range(0, tasks)
                .parallel()
                .mapToObj(t -> partial(a, b, (int) ((long) n * t / tasks), (int) ((long) n * (t + 1) / tasks)))
                .reduce(Partial::merge)
                .orElseThrow();
        double penalty = 0;
        for (int k = 0; k < classes; k++) {
            for (int j = 0; j < dim; j++) {
                int p = k * dim + j;
                double v = theta[p];
                penalty += 0.5 * l2 * v * v;
                gradient[p] = invStd[j] * (total.g[p] - mean[j] * total.r[k]) / totalWeight + l2 * v;
            }
            double c = theta[classes * dim + k];
            penalty += 0.5 * BIAS_L2 * c * c;
            gradient[classes * dim + k] = total.r[k] / totalWeight + BIAS_L2 * c;
        }
        return total.loss / totalWeight + penalty;
    }

    /** Loss and raw gradient sums over rows [from, to). */
    private Partial partial(double[] a, double[] b, int from, int to) {
        Partial out = new Partial(classes, dim);
        double[] logits = new double[classes];
        for (int i = from; i < to; i++) {
            float[] row = x[i];
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < classes; k++) {
                double s = b[k];
                int off = k * dim;
                for (int j = 0; j < dim; j++) {
                    s += a[off + j] * row[j];
                }
                logits[k] = s;
                max = Math.max(max, s);
            }
            int label = y[i];
            double labelLogit = logits[label];
            double sum = 0;
            for (int k = 0; k < classes; k++) {
                logits[k] = Math.exp(logits[k] - max);
                sum += logits[k];
            }
            double w = weight(i);
            out.loss += w * (max + Math.log(sum) - labelLogit);
            for (int k = 0; k < classes; k++) {
                double residual = w * (logits[k] / sum - (k == label ? 1 : 0));
                out.r[k] += residual;
                int off = k * dim;
                for (int j = 0; j < dim; j++) {
                    out.g[off + j] += residual * row[j];
                }
            }
        }
        return out;
    }

    private double weight(int i) {
        return weights == null ? 1 : weights[i];
    }

    /** Sums of loss, residual-weighted features ({@code g}) and residuals ({@code r}). */
    private static final class Partial {
        final double[] g;
        final double[] r;
        double loss;

        Partial(int classes, int dim) {
            g = new double[classes * dim];
            r = new double[classes];
        }

        Partial merge(Partial other) {
            for (int i = 0; i < g.length; i++) {
                g[i] += other.g[i];
            }
            for (int k = 0; k < r.length; k++) {
                r[k] += other.r[k];
            }
            loss += other.loss;
            return this;
        }
    }
}
