package io.byol4j.sdk.head;

/** Argument checks shared by the heads, with messages that say what is wrong and where. */
final class HeadChecks {

    private HeadChecks() {}

    /** Checks a non-empty rectangular matrix of finite values and returns its column count. */
    static int matrix(float[][] x, String name) {
        if (x == null || x.length == 0) {
            throw new IllegalArgumentException(name + " must hold at least one row");
        }
        int dim = -1;
        for (int i = 0; i < x.length; i++) {
            float[] row = x[i];
            if (row == null) {
                throw new IllegalArgumentException(name + " row " + i + " is null");
            }
            if (dim < 0) {
                dim = row.length;
                if (dim == 0) {
                    throw new IllegalArgumentException(name + " rows must have at least one feature");
                }
            } else if (row.length != dim) {
                throw new IllegalArgumentException(
                        name + " row " + i + " has " + row.length + " features, row 0 has " + dim);
            }
            for (int j = 0; j < dim; j++) {
                if (!Float.isFinite(row[j])) {
                    throw new IllegalArgumentException(
                            name + " row " + i + " has a non-finite value at column " + j + ": " + row[j]);
                }
            }
        }
        return dim;
    }

    /** Checks one label per row, each in [0, numClasses); with {@code allowUnlabeled}, -1 too. */
    static void labels(int[] y, int rows, int numClasses, boolean allowUnlabeled) {
        if (numClasses < 2) {
            throw new IllegalArgumentException("numClasses must be at least 2, got " + numClasses);
        }
        if (y == null || y.length != rows) {
            throw new IllegalArgumentException("need one label per row: " + rows + " rows, "
                    + (y == null ? "no" : Integer.toString(y.length)) + " labels");
        }
        for (int i = 0; i < y.length; i++) {
            boolean ok = (y[i] >= 0 && y[i] < numClasses) || (allowUnlabeled && y[i] == -1);
            if (!ok) {
                throw new IllegalArgumentException("label " + y[i] + " of row " + i + " is outside [0, " + numClasses
                        + ")"
                        + (allowUnlabeled
                                ? " and is not -1 (unlabeled)"
                                : "; unlabeled rows (-1) are not" + " accepted here"));
            }
        }
    }

    static void query(float[] x, int dim) {
        if (x == null || x.length != dim) {
            throw new IllegalArgumentException("expected a feature vector of length " + dim + ", got "
                    + (x == null ? "null" : Integer.toString(x.length)));
        }
    }

    static int argmax(float[] values) {
        int best = 0;
        for (int k = 1; k < values.length; k++) {
            if (values[k] > values[best]) {
                best = k;
            }
        }
        return best;
    }

    static int argmax(double[] values) {
        int best = 0;
        for (int k = 1; k < values.length; k++) {
            if (values[k] > values[best]) {
                best = k;
            }
        }
        return best;
    }
}
