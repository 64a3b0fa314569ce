package io.byol4j.trainer.memory;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.util.Locale;

/**
 * Keeps glibc's allocator from giving libtorch's large, short-lived tensor buffers back to the kernel
 * after every training step.
 *
 * <p>Why: a JVM thread allocates from a secondary glibc arena made of 64 MiB heaps, and glibc unmaps a heap
 * as soon as it is empty. A training step allocates and frees hundreds of activation buffers of a few MiB,
 * so every step maps fresh heaps and page-faults every page of them in again (measured on the cpu-tiny
 * preset: about 20,000 page faults per step; forward and backward took 556–576 ms with them, 512–520 ms
 * without). Python's PyTorch, running on the main arena, reuses its freed memory. {@link #apply()} sets three process-wide {@code mallopt} options
 * (through JNA, which DJL already ships) so that freed memory stays mapped and is reused:
 *
 * <ul>
 *   <li>{@code M_TOP_PAD} = {@value #TOP_PAD_BYTES} bytes: an empty heap is kept instead of unmapped;
 *   <li>{@code M_TRIM_THRESHOLD} = {@value #TRIM_THRESHOLD_BYTES} bytes: free memory at the top of a heap is
 *       kept up to this size instead of being returned;
 *   <li>{@code M_MMAP_THRESHOLD} = {@value #MMAP_THRESHOLD_BYTES} bytes (glibc's maximum): buffers up to this
 *       size come from the heaps rather than from a private mapping that is unmapped on free.
 * </ul>
 *
 * <p>The cost is memory the process keeps after its peak instead of returning it, which suits a training
 * process. It only acts on Linux with glibc; elsewhere, or with {@code -D}{@value #DISABLE_PROPERTY}{@code
 * =false}, it changes nothing and says why.
 */
public final class MallocTuning {

    /** System property; {@code false} turns the tuning off. */
    public static final String DISABLE_PROPERTY = "byol4j.mallocTuning";

    static final int TOP_PAD_BYTES = 64 << 20;
    static final int TRIM_THRESHOLD_BYTES = 1 << 30;
    static final int MMAP_THRESHOLD_BYTES = 32 << 20;

    private static final int M_TRIM_THRESHOLD = -1;
    private static final int M_TOP_PAD = -2;
    private static final int M_MMAP_THRESHOLD = -3;

    private static Outcome outcome;

    /**
     * What {@link #apply()} did.
     *
     * @param applied true when all three options were set
     * @param detail one line for logs: the values set, or why nothing was changed
     */
    public record Outcome(boolean applied, String detail) {}

    /** glibc's C library, as far as this class uses it. */
    interface GlibC extends Library {
        String gnu_get_libc_version();

        int mallopt(int param, int value);
    }

    private MallocTuning() {}

    /** Applies the tuning once per process; later calls return the first outcome. Thread-safe. */
    public static synchronized Outcome apply() {
        if (outcome == null) {
            outcome = tune(System.getProperty(DISABLE_PROPERTY, "true"), System.getProperty("os.name", ""));
        }
        return outcome;
    }

    static Outcome tune(String enabled, String osName) {
        if ("false".equalsIgnoreCase(enabled.trim())) {
            return new Outcome(false, "malloc tuning off (-D" + DISABLE_PROPERTY + "=false)");
        }
        if (!osName.toLowerCase(Locale.ROOT).startsWith("linux")) {
            return new Outcome(false, "malloc tuning skipped: only for Linux with glibc, this is " + osName);
        }
        GlibC libc;
        String version;
        try {
            libc = Native.load("c", GlibC.class);
            version = libc.gnu_get_libc_version();
        } catch (UnsatisfiedLinkError e) {
            return new Outcome(false, "malloc tuning skipped: the C library is not glibc (" + e.getMessage() + ")");
        }
        // All three are set even when one is refused; the outcome reports whether every one was accepted.
        boolean topPadSet = libc.mallopt(M_TOP_PAD, TOP_PAD_BYTES) == 1;
        boolean trimThresholdSet = libc.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES) == 1;
        boolean mmapThresholdSet = libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES) == 1;
        boolean ok = topPadSet && trimThresholdSet && mmapThresholdSet;
        String values = String.format(
                Locale.ROOT,
                "top pad %d MiB, trim threshold %d MiB, mmap threshold %d MiB",
                TOP_PAD_BYTES >> 20,
                TRIM_THRESHOLD_BYTES >> 20,
                MMAP_THRESHOLD_BYTES >> 20);
        return ok
                ? new Outcome(true, "glibc " + version + " malloc tuned for training: " + values)
                : new Outcome(false, "glibc " + version + " refused part of the malloc tuning (" + values + ")");
    }
}
