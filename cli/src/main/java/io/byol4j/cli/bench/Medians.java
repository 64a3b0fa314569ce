package io.byol4j.cli.bench;

import java.util.Arrays;

/** The median, the bench's summary of rounds. */
final class Medians {

    private Medians() {}

    /** The middle value, or the mean of the two middle values of an even count; {@code values} is not changed. */
    static double of(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("the median of no values");
        }
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
