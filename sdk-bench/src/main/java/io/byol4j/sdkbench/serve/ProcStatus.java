package io.byol4j.sdkbench.serve;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Resident memory and thread count of one Linux process, read from {@code /proc/PID/status} (native threads
 * included, so ONNX Runtime's pools count too).
 *
 * @param rssKb resident set size ({@code VmRSS}) in kB
 * @param threads threads of the process ({@code Threads})
 */
public record ProcStatus(long rssKb, int threads) {

    /** The status of process {@code pid} now; IOException when it is gone or this is not Linux. */
    public static ProcStatus of(long pid) throws IOException {
        Path file = Path.of("/proc", Long.toString(pid), "status");
        long rss = -1;
        int threads = -1;
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith("VmRSS:")) {
                rss = Long.parseLong(
                        line.substring("VmRSS:".length()).replace("kB", "").trim());
            } else if (line.startsWith("Threads:")) {
                threads = Integer.parseInt(line.substring("Threads:".length()).trim());
            }
        }
        if (rss < 0 || threads < 0) {
            throw new IOException(file + " has no VmRSS or Threads line (not Linux, or the process ended?)");
        }
        return new ProcStatus(rss, threads);
    }

    /** The status of this JVM's own process. */
    public static ProcStatus self() throws IOException {
        return of(ProcessHandle.current().pid());
    }

    /**
     * CPU time (user plus system, all threads) process {@code pid} has used so far, in seconds, from
     * {@code /proc/PID/stat} (clock ticks of 1/100 s, Linux's USER_HZ).
     */
    public static double cpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        // the command name (field 2) is in parentheses and may hold spaces: count fields after its closing one
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        // f[0] is field 3 (state); utime and stime are fields 14 and 15
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    }

    /** Resident memory in MB. */
    public double rssMb() {
        return rssKb / 1024.0;
    }
}
