package io.byol4j.sdk.encoder;

import io.byol4j.sdk.internal.Durations;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Prints "done/total, images/s, ETA" lines at most once per interval, plus one line per skipped
 * image and a final line. A null stream makes it silent. Not thread-safe.
 */
final class ExtractionProgress {

    private final PrintStream out;
    private final String label;
    private final long total;
    private final long intervalNanos;
    private final LongSupplier clock;
    private final long start;
    private long lastPrint;
    private long done;

    ExtractionProgress(PrintStream out, String label, long total, long intervalNanos, LongSupplier clock) {
        this.out = out;
        this.label = label;
        this.total = total;
        this.intervalNanos = intervalNanos;
        this.clock = clock;
        this.start = clock.getAsLong();
        this.lastPrint = start;
    }

    /** Records {@code count} more images processed; prints if the interval has passed since the last line. */
    void advance(long count) {
        done += count;
        long now = clock.getAsLong();
        if (out != null && now - lastPrint >= intervalNanos && done < total) {
            out.println(line(now));
            lastPrint = now;
        }
    }

    void skipped(int index, String reason) {
        if (out != null) {
            out.println(label + ": skipped image #" + index + ": " + reason);
        }
    }

    /** Prints the closing line and returns the elapsed seconds. */
    double finish(long written, long skipped) {
        long now = clock.getAsLong();
        double seconds = seconds(now);
        if (out != null) {
            out.println(String.format(
                    Locale.ROOT,
                    "%s: done, %d images written, %d skipped in %s (%.1f images/s)",
                    label,
                    written,
                    skipped,
                    Durations.seconds(seconds),
                    rate(now)));
        }
        return seconds;
    }

    double seconds(long now) {
        return (now - start) / 1e9;
    }

    double rate(long now) {
        double s = seconds(now);
        return s > 0 ? done / s : 0;
    }

    String line(long now) {
        double rate = rate(now);
        String eta = rate > 0 ? Durations.seconds((total - done) / rate) : "?";
        return String.format(
                Locale.ROOT,
                "%s: %d/%d images (%.1f%%), %.1f images/s, ETA %s",
                label,
                done,
                total,
                total == 0 ? 100.0 : 100.0 * done / total,
                rate,
                eta);
    }
}
