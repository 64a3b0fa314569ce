package io.byol4j.grpc.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Refusal lines are rate-limited per limit, and what is suppressed is summed up in one line. */
class RefusalLogTest {

    private final List<String> lines = new ArrayList<>();
    private final AtomicLong now = new AtomicLong(1_000);
    private final RefusalLog log = new RefusalLog(lines::add, now::get, 3);

    private void advanceMillis(long ms) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms));
    }

    @Test
    void aFloodWritesAFewLinesPerSecondThenOneSummary() {
        AtomicInteger built = new AtomicInteger();
        for (int i = 0; i < 1000; i++) {
            int n = i;
            log.refused("max_concurrent_calls", () -> {
                built.incrementAndGet();
                return "refusal " + n;
            });
            advanceMillis(1);
        }
        // 1000 refusals over 1 s: window 1 writes 3 lines and suppresses 997; the refusal at 1000 ms is not yet due.
        assertEquals(List.of("refusal 0", "refusal 1", "refusal 2"), lines);
        assertEquals(3, built.get(), "suppressed lines are never built");
        log.refused("max_concurrent_calls", () -> "after");
        assertEquals(5, lines.size(), lines.toString());
        assertTrue(
                lines.get(3).matches("suppressed 997 refusals of limit max_concurrent_calls in the last 1\\.0 s"),
                lines.get(3));
        assertEquals("after", lines.get(4));
    }

    @Test
    void eachLimitHasItsOwnAllowance() {
        for (int i = 0; i < 10; i++) {
            log.refused("auth", () -> "auth line");
            log.refused("queue_capacity", () -> "queue line");
        }
        assertEquals(3, lines.stream().filter("auth line"::equals).count());
        assertEquals(3, lines.stream().filter("queue line"::equals).count());
        log.flush();
        assertTrue(lines.contains("suppressed 7 refusals of limit auth in the last 0.0 s"), lines.toString());
        assertTrue(lines.contains("suppressed 7 refusals of limit queue_capacity in the last 0.0 s"), lines.toString());
        int before = lines.size();
        log.flush();
        assertEquals(before, lines.size(), "a summary is written once");
    }

    @Test
    void aQuietLimitWritesEveryRefusal() {
        for (int i = 0; i < 20; i++) {
            log.refused("max_pixels_per_image", () -> "line");
            advanceMillis(400);
        }
        assertEquals(20, lines.size(), "two or three refusals a second stay under the allowance");
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("suppressed")));
    }

    @Test
    void theAllowanceMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new RefusalLog(lines::add, now::get, 0));
    }
}
