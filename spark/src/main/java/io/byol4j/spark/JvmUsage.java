package io.byol4j.spark;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * A snapshot of this JVM's own CPU use: process CPU time (all threads), time in garbage collection and in the
 * JIT compiler. The difference of two snapshots says where a span of wall-clock time went beyond the threads a
 * job accounts for itself. In local mode the driver and the executor are this JVM.
 */
record JvmUsage(long cpuNanos, long gcMillis, long jitMillis) {

    /** Now; a part the JVM cannot measure is -1 (and printed as n/a). */
    static JvmUsage now() {
        long cpu = -1;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            cpu = os.getProcessCpuTime();
        }
        long gc = 0;
        for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
            gc += Math.max(0, bean.getCollectionTime());
        }
        var jit = ManagementFactory.getCompilationMXBean();
        long compile = jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
        return new JvmUsage(cpu, gc, compile);
    }

    /**
     * One line on the span since {@code start}: the process's CPU seconds over that span and the part of the
     * wall-clock time of the span the garbage collector and the JIT compiler took (the JIT compiles on its own
     * threads, so its time is CPU time taken from the tasks on a machine with few cores).
     */
    String since(JvmUsage start, double wallSeconds) {
        String cpu = cpuNanos < 0 || start.cpuNanos < 0
                ? "n/a"
                : String.format(
                        Locale.ROOT,
                        "%.2f s CPU in %.2f s wall (%.2f cores busy)",
                        (cpuNanos - start.cpuNanos) / 1e9,
                        wallSeconds,
                        wallSeconds > 0 ? (cpuNanos - start.cpuNanos) / 1e9 / wallSeconds : 0);
        String jit = jitMillis < 0 || start.jitMillis < 0
                ? "n/a"
                : String.format(Locale.ROOT, "%.2f s", (jitMillis - start.jitMillis) / 1e3);
        return String.format(
                Locale.ROOT,
                "spark-embed: JVM during the write: %s, GC %.2f s, JIT compiler %s",
                cpu,
                (gcMillis - start.gcMillis) / 1e3,
                jit);
    }
}
