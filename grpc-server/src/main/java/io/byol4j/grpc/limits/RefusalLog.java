package io.byol4j.grpc.limits;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Structured log lines for refused calls, rate-limited per limit so that a flood of refusals cannot flood the
 * log: for each limit (e.g. {@code max_concurrent_calls}, {@code auth}) at most {@link #LINES_PER_SECOND} lines
 * are written per second; the refusals beyond that are counted, and the first refusal of that limit after the
 * second has passed (or {@link #flush()}) writes one summary line
 * {@code suppressed K refusals of limit X in the last T s}. A suppressed refusal costs a map lookup and a
 * counter increment: its line is never built. Every refusal is still counted in the metrics by its caller.
 *
 * <p>{@link #calls()} is the JVM-wide instance writing WARN lines to the {@code io.byol4j.grpc.calls} logger.
 * Thread-safe.
 */
public final class RefusalLog {

    /** Lines written per limit per second before further refusals of that limit are only counted. */
    public static final int LINES_PER_SECOND = 5;

    private static final Logger CALLS = LoggerFactory.getLogger("io.byol4j.grpc.calls");
    private static final RefusalLog SHARED = new RefusalLog(CALLS::warn, System::nanoTime, LINES_PER_SECOND);
    private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Consumer<String> sink;
    private final LongSupplier clock;
    private final int linesPerWindow;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    RefusalLog(Consumer<String> sink, LongSupplier nanoClock, int linesPerSecond) {
        this.sink = Objects.requireNonNull(sink, "sink");
        this.clock = Objects.requireNonNull(nanoClock, "nanoClock");
        if (linesPerSecond < 1) {
            throw new IllegalArgumentException("linesPerSecond must be at least 1, got " + linesPerSecond);
        }
        this.linesPerWindow = linesPerSecond;
    }

    /** The JVM-wide refusal log (logger {@code io.byol4j.grpc.calls}, level WARN). */
    public static RefusalLog calls() {
        return SHARED;
    }

    /**
     * A call was refused by {@code limit}: writes {@code line} (built only if written) unless this limit
     * already wrote its lines for the current second, in which case the refusal is counted for the summary.
     */
    public void refused(String limit, Supplier<String> line) {
        String key = limit == null ? "-" : limit;
        long now = clock.getAsLong();
        Window w = windows.computeIfAbsent(key, k -> new Window(now));
        String summary;
        boolean write;
        synchronized (w) {
            summary = w.rollIfDue(key, now);
            write = w.logged < linesPerWindow;
            if (write) {
                w.logged++;
            } else {
                if (w.suppressed == 0) {
                    w.firstSuppressed = now;
                }
                w.suppressed++;
            }
        }
        if (summary != null) {
            sink.accept(summary);
        }
        if (write) {
            sink.accept(line.get());
        }
    }

    /** Writes the summary of every limit with refusals suppressed and not yet reported (e.g. at shutdown). */
    public void flush() {
        long now = clock.getAsLong();
        windows.forEach((key, w) -> {
            String summary;
            synchronized (w) {
                summary = w.summary(key, now);
            }
            if (summary != null) {
                sink.accept(summary);
            }
        });
    }

    /** One limit's current one-second window: lines written in it and refusals suppressed since the last summary. */
    private static final class Window {
        long start;
        int logged;
        long suppressed;
        long firstSuppressed;

        Window(long start) {
            this.start = start;
        }

        /** Starts a new window when the current one is over; returns the summary line to write, if any. */
        String rollIfDue(String key, long now) {
            if (now - start < WINDOW_NANOS) {
                return null;
            }
            start = now;
            logged = 0;
            return summary(key, now);
        }

        String summary(String key, long now) {
            if (suppressed == 0) {
                return null;
            }
            String line = String.format(
                    Locale.ROOT,
                    "suppressed %d refusals of limit %s in the last %.1f s",
                    suppressed,
                    key,
                    (now - firstSuppressed) / 1e9);
            suppressed = 0;
            return line;
        }
    }
}
