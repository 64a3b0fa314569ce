package io.byol4j.cli;

import java.time.Duration;
import java.util.Locale;

/** Formats durations for people: {@code 4.2 s}, {@code 3 min 05 s}. */
final class Durations {

    private Durations() {}

    static String format(Duration d) {
        return seconds(d.toNanos() / 1e9);
    }

    static String seconds(double s) {
        if (s < 60) {
            return String.format(Locale.ROOT, "%.1f s", s);
        }
        long total = Math.round(s);
        return String.format(Locale.ROOT, "%d min %02d s", total / 60, total % 60);
    }
}
