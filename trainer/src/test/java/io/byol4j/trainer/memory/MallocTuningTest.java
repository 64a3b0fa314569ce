package io.byol4j.trainer.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Memory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MallocTuningTest {

    /** Like a training step: 24 native buffers of 4 MiB (more than one 64 MiB arena heap), written, freed. */
    private static final int BUFFERS_PER_ROUND = 24;

    private static final long BUFFER_BYTES = 4L << 20;
    private static final int ROUNDS = 30;

    @Test
    void offWhenThePropertySaysFalse() {
        MallocTuning.Outcome o = MallocTuning.tune("false", "Linux");
        assertFalse(o.applied());
        assertTrue(o.detail().contains("-D" + MallocTuning.DISABLE_PROPERTY + "=false"), o.detail());
    }

    @Test
    void skippedOutsideLinux() {
        MallocTuning.Outcome o = MallocTuning.tune("true", "Mac OS X");
        assertFalse(o.applied());
        assertTrue(o.detail().contains("Mac OS X"), o.detail());
    }

    /**
     * On this Linux/glibc machine the options are set, and memory freed by one round is reused by the next:
     * after the first round the rounds fault in few fresh pages. Without the tuning glibc unmaps the
     * emptied heaps and every round faults all of its 24,576 pages again.
     */
    @Test
    void freedBuffersAreReusedWithoutFreshPageFaults() throws Exception {
        MallocTuning.Outcome o = MallocTuning.apply();
        assertTrue(o.applied(), o.detail());
        assertTrue(o.detail().startsWith("glibc "), o.detail());
        assertEquals(o, MallocTuning.apply(), "applied once per process");

        AtomicLong faults = new AtomicLong();
        // A thread of its own gets a secondary arena, like the trainer's step thread.
        Thread worker = new Thread(() -> {
            rounds(1); // the first round maps the memory
            long before = minorFaults();
            rounds(ROUNDS);
            faults.set(minorFaults() - before);
        });
        worker.start();
        worker.join();
        long pagesWritten = ROUNDS * BUFFERS_PER_ROUND * (BUFFER_BYTES / 4096);
        assertTrue(
                faults.get() < pagesWritten / 10,
                "fresh page faults " + faults.get() + " for " + pagesWritten
                        + " pages written: freed memory not reused");
    }

    private static void rounds(int n) {
        for (int r = 0; r < n; r++) {
            List<Memory> buffers = new ArrayList<>();
            for (int i = 0; i < BUFFERS_PER_ROUND; i++) {
                Memory m = new Memory(BUFFER_BYTES);
                m.setMemory(0, BUFFER_BYTES, (byte) (r + 1));
                buffers.add(m);
            }
            buffers.forEach(Memory::close);
        }
    }

    /** Minor page faults of this process so far (field 10 of /proc/self/stat). */
    private static long minorFaults() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[7]);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
