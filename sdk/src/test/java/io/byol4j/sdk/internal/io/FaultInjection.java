package io.byol4j.sdk.internal.io;

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
    private volatile java.util.function.Predicate<String> failWhen;

    private FaultInjection() {
        this.previous = AtomicFiles.swapOps(new Counting());
    }

    /** Starts counting steps; nothing fails until {@link #failAt(int)}. */
    public static FaultInjection install() {
        return new FaultInjection();
    }

    /** Makes the {@code step}-th step from now (1-based) fail once; restarts the count. */
    public FaultInjection failAt(int step) {
        failWhen = null;
        steps.clear();
        failed = null;
        failAt = step;
        return this;
    }

    /** Makes the first step of {@code kind} whose path contains {@code pathPart} fail once; restarts the count. */
    public FaultInjection failAtFirst(String kind, String pathPart) {
        failAt(-1);
        failWhen = step -> step.startsWith(kind + " ") && step.contains(pathPart);
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
                    })
                    .toList();
        }
    }

    /** A file-system action of a test. */
    @FunctionalInterface
    public interface Action {
        void run() throws Exception;
    }

    /**
     * Fails a write at each of its steps in turn and checks that it is all or nothing. For k = 1, 2, ...:
     * {@code reset} rebuilds the previous state under {@code root}, the k-th step of {@code write} fails,
     * {@code write} must throw, and every file under {@code root} (hidden ones included) must be exactly as
     * before. Stops when {@code write} gets through all its steps, and checks that this last, successful
     * run changed {@code root}.
     *
     * @return the steps the write took, as "kind path"
     */
    public static List<String> assertAllOrNothing(Path root, Action reset, Action write) throws Exception {
        try (FaultInjection faults = install()) {
            for (int k = 1; ; k++) {
                faults.countOnly();
                clear(root);
                reset.run();
                java.util.Map<String, String> before = snapshot(root);
                faults.failAt(k);
                Exception thrown = null;
                try {
                    write.run();
                } catch (Exception e) {
                    thrown = e;
                }
                if (faults.failedStep() == null) {
                    if (thrown != null) {
                        throw new AssertionError("the write failed without an injected failure", thrown);
                    }
                    if (k == 1) {
                        throw new AssertionError("the write took no file-system step");
                    }
                    if (snapshot(root).equals(before)) {
                        throw new AssertionError("the successful write changed nothing under " + root);
                    }
                    return faults.steps();
                }
                if (thrown == null) {
                    throw new AssertionError(
                            "step " + k + " (" + faults.failedStep() + ") failed but the write" + " reported success");
                }
                java.util.Map<String, String> after = snapshot(root);
                if (!after.equals(before)) {
                    throw new AssertionError(
                            "after a failure at step " + k + " (" + faults.failedStep() + "): "
                                    + "files before " + before.keySet() + ", after " + after.keySet()
                                    + " (or a file's content changed); error was: " + thrown,
                            thrown);
                }
            }
        }
    }

    /** Every regular file under {@code root}: relative path -> SHA-256 of its content. */
    public static java.util.Map<String, String> snapshot(Path root) throws IOException {
        java.util.Map<String, String> files = new java.util.TreeMap<>();
        if (!Files.exists(root)) {
            return files;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(p).toString(), sha256(Files.readAllBytes(p)));
            }
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isDirectory).toList()) {
                files.put(root.relativize(p) + "/", "folder");
            }
        }
        return files;
    }

    private static void clear(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                if (!p.equals(root)) {
                    Files.delete(p);
                }
            }
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of()
                    .formatHex(
                            java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void step(String kind, Path path) throws IOException {
        String name = kind + " " + path;
        int n;
        synchronized (steps) {
            steps.add(name);
            n = steps.size();
        }
        java.util.function.Predicate<String> when = failWhen;
        if (n == failAt || (when != null && failed == null && when.test(name))) {
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
