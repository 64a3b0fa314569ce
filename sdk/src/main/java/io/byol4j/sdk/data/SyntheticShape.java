package io.byol4j.sdk.data;

/**
 * The ten shapes of {@link SyntheticDataset}, each defined by a point-inside test in local coordinates
 * where the shape fits in the unit circle (x to the right, y down). They were chosen to stay distinct
 * under any rotation: no shape is a rotated copy of another.
 */
enum SyntheticShape {
    DISK("disk") {
        @Override
        boolean contains(double x, double y) {
            return x * x + y * y <= 1.0;
        }
    },
    RING("ring") {
        @Override
        boolean contains(double x, double y) {
            double r2 = x * x + y * y;
            return r2 <= 1.0 && r2 >= 0.58 * 0.58;
        }
    },
    SQUARE("square") {
        @Override
        boolean contains(double x, double y) {
            return Math.abs(x) <= 0.7 && Math.abs(y) <= 0.7;
        }
    },
    TRIANGLE("triangle") {
        @Override
        boolean contains(double x, double y) {
            return Polygons.inside(Polygons.TRIANGLE, x, y);
        }
    },
    CROSS("cross") {
        @Override
        boolean contains(double x, double y) {
            double ax = Math.abs(x);
            double ay = Math.abs(y);
            return (ax <= 0.28 && ay <= 0.95) || (ay <= 0.28 && ax <= 0.95);
        }
    },
    STAR("star") {
        @Override
        boolean contains(double x, double y) {
            return Polygons.inside(Polygons.STAR, x, y);
        }
    },
    CRESCENT("crescent") {
        @Override
        boolean contains(double x, double y) {
            double dx = x - 0.5;
            return x * x + y * y <= 1.0 && dx * dx + y * y > 0.8 * 0.8;
        }
    },
    L_SHAPE("l-shape") {
        @Override
        boolean contains(double x, double y) {
            boolean upright = x >= -0.65 && x <= -0.18 && y >= -0.72 && y <= 0.72;
            boolean foot = x >= -0.65 && x <= 0.65 && y >= 0.25 && y <= 0.72;
            return upright || foot;
        }
    },
    BARS("bars") {
        @Override
        boolean contains(double x, double y) {
            double ay = Math.abs(y);
            return Math.abs(x) <= 0.8 && ay >= 0.26 && ay <= 0.6;
        }
    },
    BOWTIE("bowtie") {
        @Override
        boolean contains(double x, double y) {
            double ax = Math.abs(x);
            return ax <= 0.8 && Math.abs(y) <= 0.75 * ax;
        }
    };

    private final String displayName;

    SyntheticShape(String displayName) {
        this.displayName = displayName;
    }

    /** The class name used by the dataset. */
    String displayName() {
        return displayName;
    }

    /** True when the point {@code (x, y)} (unit-circle coordinates) is inside the shape. */
    abstract boolean contains(double x, double y);

    /** Polygon outlines and an even-odd inside test. */
    private static final class Polygons {

        static final double[][] TRIANGLE = regular(3, 1.0, -Math.PI / 2);
        static final double[][] STAR = star(5, 1.0, 0.42);

        private Polygons() {}

        private static double[][] regular(int n, double radius, double phase) {
            double[][] pts = new double[n][];
            for (int i = 0; i < n; i++) {
                double a = phase + 2 * Math.PI * i / n;
                pts[i] = new double[] {radius * StrictMath.cos(a), radius * StrictMath.sin(a)};
            }
            return pts;
        }

        private static double[][] star(int points, double outer, double inner) {
            double[][] pts = new double[2 * points][];
            for (int i = 0; i < 2 * points; i++) {
                double a = -Math.PI / 2 + Math.PI * i / points;
                double r = i % 2 == 0 ? outer : inner;
                pts[i] = new double[] {r * StrictMath.cos(a), r * StrictMath.sin(a)};
            }
            return pts;
        }

        static boolean inside(double[][] poly, double x, double y) {
            boolean in = false;
            for (int i = 0, j = poly.length - 1; i < poly.length; j = i++) {
                double xi = poly[i][0];
                double yi = poly[i][1];
                double xj = poly[j][0];
                double yj = poly[j][1];
                if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) {
                    in = !in;
                }
            }
            return in;
        }
    }
}
