package io.byol4j.sdk.internal;

import java.time.Duration;
import java.util.Locale;

/**
 * The one way byol4j writes a duration for people: {@code 4.2 s}, {@code 3 min 05 s}, {@code 1 h 01 min 05 s};
 * {@code ?} for an unknown (negative, NaN or infinite) one. Stateless and thread-safe.
 */
public final class Durations {

    private Durations() {}

    /** {@code d} as text (see the class comment). */
    public static String format(Duration d) {
        return seconds(d.toNanos() / 1e9);
    }

    /** {@code seconds} as text (see the class comment). */
    public static String seconds(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) {
            return "?";
        }
        if (seconds < 59.95) {
            return String.format(Locale.ROOT, "%.1f s", seconds);
        }
        long total = Math.round(seconds);
        if (total < 3600) {
            return String.format(Locale.ROOT, "%d min %02d s", total / 60, total % 60);
        }
        return String.format(Locale.ROOT, "%d h %02d min %02d s", total / 3600, total / 60 % 60, total % 60);
    }
}
