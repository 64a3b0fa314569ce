package io.byol4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class JvmUsageTest {

    @Test
    void reportsTheDifferenceOfTwoSnapshotsAndCoresBusy() {
        JvmUsage start = new JvmUsage(500_000_000L, 40, 1_000);
        JvmUsage end = new JvmUsage(3_500_000_000L, 140, 1_250);
        assertEquals(
                "spark-embed: JVM during the write: 3.00 s CPU in 2.00 s wall (1.50 cores busy), GC 0.10 s,"
                        + " JIT compiler 0.25 s",
                end.since(start, 2.0));
    }

    @Test
    void partsTheJvmCannotMeasureAreNotApplicable() {
        JvmUsage start = new JvmUsage(-1, 0, -1);
        JvmUsage end = new JvmUsage(-1, 30, -1);
        assertEquals("spark-embed: JVM during the write: n/a, GC 0.03 s, JIT compiler n/a", end.since(start, 1.0));
    }

    @Test
    void aRealSnapshotOfThisJvmMeasuresCpuThatOnlyGrows() {
        JvmUsage first = JvmUsage.now();
        long sink = 0;
        for (int i = 0; i < 1_000_000; i++) {
            sink += Integer.toString(i).length();
        }
        JvmUsage second = JvmUsage.now();
        assertTrue(sink > 0);
        assertTrue(first.cpuNanos() > 0, "process CPU time is measurable on this JVM");
        assertTrue(second.cpuNanos() >= first.cpuNanos());
        assertTrue(second.gcMillis() >= first.gcMillis());
        assertTrue(second.jitMillis() >= first.jitMillis());
    }
}
