package io.byol4j.sdk.head;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LbfgsTest {

    private static final Lbfgs PRECISE = new Lbfgs(10, 2000, 1e-10, 0);

    @Test
    void minimisesAnIllConditionedQuadratic() {
        int n = 50;
        double[] target = new double[n];
        double[] scale = new double[n];
        for (int i = 0; i < n; i++) {
            target[i] = Math.sin(i) * 3;
            scale[i] = Math.pow(1000, i / (double) (n - 1));
        }
        Lbfgs.Result r = PRECISE.minimize(
                (x, g) -> {
                    double f = 0;
                    for (int i = 0; i < n; i++) {
                        double d = x[i] - target[i];
                        f += 0.5 * scale[i] * d * d;
                        g[i] = scale[i] * d;
                    }
                    return f;
                },
                new double[n]);
        assertTrue(r.converged(), r.stopReason());
        for (int i = 0; i < n; i++) {
            assertEquals(target[i], r.x()[i], 1e-8, "coordinate " + i);
        }
        // condition number 1000: memory-10 L-BFGS needs ~350 iterations for 1e-10 (as does SciPy's L-BFGS-B)
        assertTrue(r.iterations() < 450, "iterations " + r.iterations());
    }

    @Test
    void minimisesRosenbrock() {
        int n = 10;
        double[] start = new double[n];
        for (int i = 0; i < n; i++) {
            start[i] = i % 2 == 0 ? -1.2 : 1.0;
        }
        Lbfgs.Result r = PRECISE.minimize(LbfgsTest::rosenbrock, start);
        assertTrue(r.converged(), r.stopReason());
        for (int i = 0; i < n; i++) {
            assertEquals(1.0, r.x()[i], 1e-6, "coordinate " + i);
        }
        assertEquals(0.0, r.value(), 1e-12);
        assertTrue(r.iterations() < 150, "iterations " + r.iterations());
    }

    @Test
    void defaultsStopOnSmallProgress() {
        Lbfgs.Result r = Lbfgs.defaults().minimize(LbfgsTest::rosenbrock, new double[] {-1.2, 1});
        assertTrue(r.converged(), r.stopReason());
        assertEquals(1.0, r.x()[0], 1e-3);
        assertEquals(1.0, r.x()[1], 1e-3);
    }

    @Test
    void survivesNonFiniteValuesAlongTheWay() {
        // f = x - log(x) is undefined for x <= 0, where it reports NaN; the minimum is at x = 1.
        Lbfgs.Result r = PRECISE.minimize(
                (x, g) -> {
                    if (x[0] <= 0) {
                        g[0] = Double.NaN;
                        return Double.NaN;
                    }
                    g[0] = 1 - 1 / x[0];
                    return x[0] - Math.log(x[0]);
                },
                new double[] {8});
        assertEquals(1.0, r.x()[0], 1e-8);
    }

    @Test
    void cubicInterpolationIsExactOnAQuadratic() {
        // f(t) = (t - 0.3)^2: f(0) = 0.09, f'(0) = -0.6, f(1) = 0.49, f'(1) = 1.4
        assertEquals(0.3, Lbfgs.interpolate(0, 0.09, -0.6, 1, 0.49, 1.4), 1e-12);
        assertEquals(0.3, Lbfgs.interpolate(1, 0.49, 1.4, 0, 0.09, -0.6), 1e-12);
    }

    @Test
    void rejectsANonFiniteStart() {
        assertThrows(
                IllegalArgumentException.class,
                () -> PRECISE.minimize((x, g) -> Double.POSITIVE_INFINITY, new double[] {0}));
    }

    static double rosenbrock(double[] x, double[] g) {
        double f = 0;
        java.util.Arrays.fill(g, 0);
        for (int i = 0; i + 1 < x.length; i++) {
            double a = x[i + 1] - x[i] * x[i];
            double b = 1 - x[i];
            f += 100 * a * a + b * b;
            g[i] += -400 * x[i] * a - 2 * b;
            g[i + 1] += 200 * a;
        }
        return f;
    }
}
