package io.byol4j.sdk.head;

/**
 * Limited-memory BFGS minimiser for smooth functions of many variables, with a line search that
 * enforces the strong Wolfe conditions (bracketing, then zooming with safeguarded cubic
 * interpolation). Stops when the gradient norm falls below {@code gradientTolerance × max(1, |x|)},
 * when one iteration reduces the value by less than {@code valueTolerance × max(1, |f|)}, or after
 * {@code maxIterations}. Instances are immutable; {@link #minimize} may run concurrently.
 */
final class Lbfgs {

    /** A differentiable function. */
    @FunctionalInterface
    interface Objective {
        /** Returns f(x) and writes ∇f(x) into {@code gradient} (same length as x). */
        double evaluate(double[] x, double[] gradient);
    }

    /** Where the minimiser stopped and why. */
    static final class Result {
        private final double[] x;
        private final double value;
        private final double gradientNorm;
        private final int iterations;
        private final int evaluations;
        private final boolean converged;
        private final String stopReason;

        Result(
                double[] x,
                double value,
                double gradientNorm,
                int iterations,
                int evaluations,
                boolean converged,
                String stopReason) {
            this.x = x;
            this.value = value;
            this.gradientNorm = gradientNorm;
            this.iterations = iterations;
            this.evaluations = evaluations;
            this.converged = converged;
            this.stopReason = stopReason;
        }

        /** The minimiser's point (shared, not copied). */
        double[] x() {
            return x;
        }

        double value() {
            return value;
        }

        double gradientNorm() {
            return gradientNorm;
        }

        int iterations() {
            return iterations;
        }

        int evaluations() {
            return evaluations;
        }

        boolean converged() {
            return converged;
        }

        String stopReason() {
            return stopReason;
        }

        @Override
        public String toString() {
            return "Lbfgs.Result[value " + value + ", gradient norm " + gradientNorm + ", " + iterations
                    + " iterations, " + evaluations + " evaluations, " + stopReason + "]";
        }
    }

    private static final double C1 = 1e-4;
    private static final double C2 = 0.9;
    private static final int MAX_LINE_SEARCH_STEPS = 40;

    private final int memory;
    private final int maxIterations;
    private final double gradientTolerance;
    private final double valueTolerance;

    Lbfgs(int memory, int maxIterations, double gradientTolerance, double valueTolerance) {
        if (memory <= 0 || maxIterations <= 0 || !(gradientTolerance >= 0) || !(valueTolerance >= 0)) {
            throw new IllegalArgumentException(
                    "bad L-BFGS settings: memory=" + memory + ", maxIterations=" + maxIterations
                            + ", gradientTolerance=" + gradientTolerance + ", valueTolerance=" + valueTolerance);
        }
        this.memory = memory;
        this.maxIterations = maxIterations;
        this.gradientTolerance = gradientTolerance;
        this.valueTolerance = valueTolerance;
    }

    /** Memory 10, at most 1000 iterations, gradient tolerance 1e-6, value tolerance 1e-10. */
    static Lbfgs defaults() {
        return new Lbfgs(10, 1000, 1e-6, 1e-10);
    }

    Result minimize(Objective f, double[] start) {
        int n = start.length;
        LineSearch search = new LineSearch(f, n);
        double[] x = start.clone();
        double[] g = new double[n];
        double fx = f.evaluate(x, g);
        search.evaluations++;
        if (!Double.isFinite(fx)) {
            throw new IllegalArgumentException("objective is not finite at the starting point: " + fx);
        }
        History history = new History(memory, n);
        double[] direction = new double[n];
        for (int iteration = 1; iteration <= maxIterations; iteration++) {
            double gNorm = norm(g);
            if (gNorm <= gradientTolerance * Math.max(1, norm(x))) {
                return new Result(x, fx, gNorm, iteration - 1, search.evaluations, true, "gradient tolerance reached");
            }
            history.direction(g, direction);
            if (!(dot(g, direction) < 0)) {
                history.clear();
                history.direction(g, direction);
            }
            double firstStep = history.isEmpty() ? Math.min(1.0, 1.0 / gNorm) : 1.0;
            boolean found = search.run(x, fx, g, direction, firstStep);
            if (!found && !history.isEmpty()) {
                history.clear();
                history.direction(g, direction);
                found = search.run(x, fx, g, direction, Math.min(1.0, 1.0 / gNorm));
            }
            if (!found) {
                return new Result(
                        x, fx, gNorm, iteration - 1, search.evaluations, false, "line search found no acceptable step");
            }
            history.add(x, search.xNew, g, search.gNew);
            double previous = fx;
            System.arraycopy(search.xNew, 0, x, 0, n);
            System.arraycopy(search.gNew, 0, g, 0, n);
            fx = search.value;
            if (previous - fx <= valueTolerance * Math.max(1, Math.max(Math.abs(previous), Math.abs(fx)))) {
                return new Result(x, fx, norm(g), iteration, search.evaluations, true, "value tolerance reached");
            }
        }
        return new Result(x, fx, norm(g), maxIterations, search.evaluations, false, "iteration limit reached");
    }

    /** The last {@code m} curvature pairs (s, y) and the two-loop recursion that applies them. */
    private static final class History {
        private final double[][] s;
        private final double[][] y;
        private final double[] rho;
        private final double[] alpha;
        private int stored;
        private int newest = -1;

        History(int m, int n) {
            s = new double[m][n];
            y = new double[m][n];
            rho = new double[m];
            alpha = new double[m];
        }

        boolean isEmpty() {
            return stored == 0;
        }

        void clear() {
            stored = 0;
            newest = -1;
        }

        /** Stores the step from (x, g) to (xNew, gNew) when it has positive curvature. */
        void add(double[] x, double[] xNew, double[] g, double[] gNew) {
            int m = s.length;
            int slot = (newest + 1) % m;
            double sy = 0;
            double yy = 0;
            for (int i = 0; i < x.length; i++) {
                s[slot][i] = xNew[i] - x[i];
                y[slot][i] = gNew[i] - g[i];
                sy += s[slot][i] * y[slot][i];
                yy += y[slot][i] * y[slot][i];
            }
            if (yy > 0 && sy > 1e-12 * yy) {
                rho[slot] = 1.0 / sy;
                newest = slot;
                stored = Math.min(stored + 1, m);
            }
        }

        /** d = -H g; steepest descent when empty. */
        void direction(double[] g, double[] d) {
            int m = s.length;
            for (int i = 0; i < g.length; i++) {
                d[i] = -g[i];
            }
            if (stored == 0) {
                return;
            }
            for (int k = 0; k < stored; k++) {
                int j = (newest - k + m) % m;
                alpha[j] = rho[j] * dot(s[j], d);
                axpy(-alpha[j], y[j], d);
            }
            double gamma = dot(s[newest], y[newest]) / dot(y[newest], y[newest]);
            for (int i = 0; i < d.length; i++) {
                d[i] *= gamma;
            }
            for (int k = stored - 1; k >= 0; k--) {
                int j = (newest - k + m) % m;
                double beta = rho[j] * dot(y[j], d);
                axpy(alpha[j] - beta, s[j], d);
            }
        }
    }

    /**
     * Strong Wolfe line search. After a successful {@link #run}, {@link #xNew}, {@link #gNew} and
     * {@link #value} describe the accepted point.
     */
    private static final class LineSearch {
        final Objective f;
        final double[] xNew;
        final double[] gNew;
        double value;
        int evaluations;
        private double[] x;
        private double[] d;
        private double f0;
        private double slope0;

        LineSearch(Objective f, int n) {
            this.f = f;
            this.xNew = new double[n];
            this.gNew = new double[n];
        }

        boolean run(double[] start, double fStart, double[] gStart, double[] direction, double firstStep) {
            x = start;
            d = direction;
            f0 = fStart;
            slope0 = dot(gStart, direction);
            double prevStep = 0;
            double prevValue = f0;
            double prevSlope = slope0;
            double step = firstStep;
            for (int i = 0; i < MAX_LINE_SEARCH_STEPS; i++) {
                double v = probe(step);
                double slope = dot(gNew, d);
                if (v > f0 + C1 * step * slope0 || (i > 0 && v >= prevValue)) {
                    return zoom(prevStep, prevValue, prevSlope, step, v, slope);
                }
                if (Math.abs(slope) <= -C2 * slope0) {
                    value = v;
                    return true;
                }
                if (slope >= 0) {
                    return zoom(step, v, slope, prevStep, prevValue, prevSlope);
                }
                prevStep = step;
                prevValue = v;
                prevSlope = slope;
                step *= 2;
            }
            return settle(prevStep, prevValue);
        }

        /** Narrows a bracket whose {@code lo} end satisfies sufficient decrease. */
        private boolean zoom(double lo, double fLo, double slopeLo, double hi, double fHi, double slopeHi) {
            for (int i = 0; i < MAX_LINE_SEARCH_STEPS; i++) {
                double step = interpolate(lo, fLo, slopeLo, hi, fHi, slopeHi);
                double v = probe(step);
                double slope = dot(gNew, d);
                if (v > f0 + C1 * step * slope0 || v >= fLo) {
                    hi = step;
                    fHi = v;
                    slopeHi = slope;
                } else {
                    if (Math.abs(slope) <= -C2 * slope0) {
                        value = v;
                        return true;
                    }
                    if (slope * (hi - lo) >= 0) {
                        hi = lo;
                        fHi = fLo;
                        slopeHi = slopeLo;
                    }
                    lo = step;
                    fLo = v;
                    slopeLo = slope;
                }
                if (Math.abs(hi - lo) <= 1e-15 * Math.max(1, Math.abs(lo))) {
                    break;
                }
            }
            return settle(lo, fLo);
        }

        /** Out of trials: accept {@code step} if it lowered the value, else fail. */
        private boolean settle(double step, double stepValue) {
            if (step > 0 && stepValue < f0) {
                value = probe(step);
                return true;
            }
            return false;
        }

        private double probe(double step) {
            for (int i = 0; i < x.length; i++) {
                xNew[i] = x[i] + step * d[i];
            }
            evaluations++;
            double v = f.evaluate(xNew, gNew);
            return Double.isNaN(v) ? Double.POSITIVE_INFINITY : v;
        }
    }

    /** Minimiser of the cubic through both end points, kept inside the middle 80% of the bracket. */
    static double interpolate(double a, double fa, double ga, double b, double fb, double gb) {
        double low = Math.min(a, b);
        double width = Math.abs(b - a);
        double d1 = ga + gb - 3 * (fa - fb) / (a - b);
        double radicand = d1 * d1 - ga * gb;
        double candidate = Double.NaN;
        if (radicand >= 0 && Double.isFinite(radicand)) {
            double d2 = Math.signum(b - a) * Math.sqrt(radicand);
            double denominator = gb - ga + 2 * d2;
            if (denominator != 0) {
                candidate = b - (b - a) * (gb + d2 - d1) / denominator;
            }
        }
        if (!Double.isFinite(candidate) || candidate < low + 0.1 * width || candidate > low + 0.9 * width) {
            return (a + b) / 2;
        }
        return candidate;
    }

    static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    private static void axpy(double alpha, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] += alpha * x[i];
        }
    }
}
