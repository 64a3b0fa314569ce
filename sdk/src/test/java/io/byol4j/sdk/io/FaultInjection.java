package io.byol4j.sdk.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

/**
 * Replaces {@link AtomicFiles}' file operations with ones that count every step (open, write, fsync,
 * folder fsync, rename) and fail a chosen one, the way a full disk, an I/O error or a vanished folder
 * would: a failing write first writes half of its bytes. Install with try-with-resources; {@link #close()}
 * restores the system operations. One writer at a time (a static seam).
 */
public final class FaultInjection implements AutoCloseable {

    private final AtomicFiles.FileOps previous;
    private final List<String> steps = Collections.synchronizedList(new ArrayList<>());
    private volatile int failAt = -1;
    private volatile String failed;

    private FaultInjection() {
        this.previous = AtomicFiles.swapOps(new Counting());
    }

    /** Starts counting steps; nothing fails until {@link #failAt(int)}. */
    public static FaultInjection install() {
        return new FaultInjection();
    }

    /** Makes the {@code step}-th step from now (1-based) fail once; restarts the count. */
    public FaultInjection failAt(int step) {
        steps.clear();
        failed = null;
        failAt = step;
        return this;
    }

    /** Restarts the count without failing anything. */
    public FaultInjection countOnly() {
        return failAt(-1);
    }

    /** The steps seen since the last {@link #failAt}/{@link #countOnly}, as "kind path". */
    public List<String> steps() {
        synchronized (steps) {
            return List.copyOf(steps);
        }
    }

    /** The step that was made to fail, or null. */
    public String failedStep() {
        return failed;
    }

    @Override
    public void close() {
        AtomicFiles.swapOps(previous);
    }

    /** Hidden temporary or backup files left anywhere under {@code root}. */
    public static List<Path> leftovers(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(".") && (n.endsWith(".tmp") || n.endsWith(".bak")) || n.endsWith(".tmp");
            }).toList();
        }
    }

    private void step(String kind, Path path) throws IOException {
        String name = kind + " " + path;
        int n;
        synchronized (steps) {
            steps.add(name);
            n = steps.size();
        }
        if (n == failAt) {
            failed = name;
            throw new IOException("injected failure at step " + n + ": " + name);
        }
    }

    private final class Counting implements AtomicFiles.FileOps {
        @Override
        public FileChannel create(Path file) throws IOException {
            step("open", file);
            return AtomicFiles.FileOps.SYSTEM.create(file);
        }

        @Override
        public void write(FileChannel channel, Path file, ByteBuffer data) throws IOException {
            try {
                step("write", file);
            } catch (IOException e) {
                ByteBuffer half = data.slice();
                half.limit(half.remaining() / 2);
                AtomicFiles.FileOps.SYSTEM.write(channel, file, half);
                throw new IOException(e.getMessage() + " (No space left on device)");
            }
            AtomicFiles.FileOps.SYSTEM.write(channel, file, data);
        }

        @Override
        public void sync(FileChannel channel, Path file) throws IOException {
            step("fsync", file);
            AtomicFiles.FileOps.SYSTEM.sync(channel, file);
        }

        @Override
        public void syncFolder(Path folder) throws IOException {
            step("fsync-folder", folder);
            AtomicFiles.FileOps.SYSTEM.syncFolder(folder);
        }

        @Override
        public void rename(Path from, Path to) throws IOException {
            step("rename", from);
            AtomicFiles.FileOps.SYSTEM.rename(from, to);
        }
    }
}
