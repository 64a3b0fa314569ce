package io.byol4j.sdk.internal.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Writes files so that readers see either the old content or the complete new content, never a
 * half-written file, and so that a committed file survives a power cut: data goes to a hidden temporary
 * file in the target's folder, is fsync'd, renamed over the target, and the folder is fsync'd. Several
 * files can be committed together ({@link #commitAll}): either all of them replace their targets or, on
 * any failure (including the folder fsync), every target is put back to its previous content, which is
 * kept under a hidden second name (a hard link) until the commit is complete. Used by every module that writes results.
 *
 * <p>Every step goes through one {@link FileOps} (open, write, fsync, rename), which tests replace to
 * fail each step in turn. Thread-safe; a {@link StagedFile} itself is not.
 */
public final class AtomicFiles {

    private static volatile FileOps ops = FileOps.SYSTEM;

    private AtomicFiles() {}

    /** Replaces the file operations (tests only: fault injection); returns the previous ones. */
    static FileOps swapOps(FileOps replacement) {
        FileOps previous = ops;
        ops = Objects.requireNonNull(replacement, "replacement");
        return previous;
    }

    static FileOps ops() {
        return ops;
    }

    /**
     * Starts a new version of {@code target} (its folder must exist) in a new hidden temporary file
     * {@code .<target name>.<random>.tmp} beside it, with the default (umask) permissions so the committed file
     * is as readable as any other file the user writes. Nothing is visible at {@code target} until
     * {@link StagedFile#commit()} or {@link #commitAll}.
     *
     * @throws IOException if the temporary file cannot be created (the message names it)
     */
    public static StagedFile stage(Path target) throws IOException {
        Path absolute = target.toAbsolutePath();
        FileOps current = ops;
        FileChannel[] channel = new FileChannel[1];
        Path temp = uniqueSibling(absolute, ".tmp", p -> {
            channel[0] = current.create(p);
            return p;
        });
        return new StagedFile(absolute, temp, channel[0], current);
    }

    /** Stages {@code text} (UTF-8) as the new content of {@code target}; see {@link #stage(Path)}. */
    public static StagedFile stage(Path target, String text) throws IOException {
        StagedFile file = stage(target);
        try {
            file.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
            return file;
        } catch (IOException | RuntimeException e) {
            file.discard();
            throw e;
        }
    }

    /**
     * Commits staged files together: each is fsync'd and renamed over its target, then the folders are
     * fsync'd. On any failure every target is restored to its previous state (present with its old content,
     * or absent), the temporary files are deleted, and the exception is thrown.
     *
     * @throws IOException naming the file and the step that failed
     */
    public static void commitAll(List<StagedFile> files) throws IOException {
        List<StagedFile> all = List.copyOf(files);
        try {
            for (StagedFile f : all) {
                f.syncAndClose();
            }
        } catch (IOException | RuntimeException e) {
            all.forEach(StagedFile::discard);
            throw e;
        }
        List<Path[]> done = new ArrayList<>(); // {target, backup or null}
        try {
            for (StagedFile f : all) {
                // the old version stays reachable under a hidden second name until everything is committed;
                // readers keep seeing a complete file at the target throughout
                Path backup = Files.isRegularFile(f.target, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                        ? uniqueSibling(f.target, ".bak", p -> keepOldVersion(f.target, p))
                        : null;
                done.add(new Path[] {f.target, backup});
                rename(f.ops, f.temp, f.target);
                f.committed = true;
            }
            Set<Path> folders = new LinkedHashSet<>();
            for (StagedFile f : all) {
                folders.add(f.target.getParent());
            }
            for (Path folder : folders) {
                syncFolder(all.get(0).ops, folder);
            }
        } catch (IOException | RuntimeException e) {
            rollBack(done, all, e);
            throw e;
        }
        for (Path[] d : done) {
            if (d[1] != null) {
                deleteQuietly(d[1]);
            }
        }
    }

    /** Writes {@code text} (UTF-8) to {@code target} atomically and durably, creating missing parent folders. */
    public static void writeString(Path target, String text) throws IOException {
        writeBytes(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes {@code bytes} to {@code target} atomically and durably, creating missing parent folders. */
    public static void writeBytes(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    /** Writes what {@code body} produces to {@code target} atomically and durably, creating missing folders. */
    public static void write(Path target, Body body) throws IOException {
        Files.createDirectories(target.toAbsolutePath().getParent());
        StagedFile staged = stage(target);
        try {
            OutputStream out = staged.stream();
            body.write(out);
            out.flush();
            staged.commit();
        } finally {
            staged.discard();
        }
    }

    /**
     * Renames a fully written folder {@code from} to the absent {@code to} (same parent) and fsyncs the
     * parent, so the folder and its name survive a power cut. If that fsync fails the rename is undone.
     */
    public static void moveFolder(Path from, Path to) throws IOException {
        FileOps current = ops;
        syncFolder(current, from);
        rename(current, from, to);
        try {
            syncFolder(current, to.toAbsolutePath().getParent());
        } catch (IOException | RuntimeException e) {
            try {
                Files.move(to, from, StandardCopyOption.ATOMIC_MOVE); // not durable: undo, so the caller can clean up
            } catch (IOException undo) {
                e.addSuppressed(undo);
            }
            throw e;
        }
    }

    /**
     * Deletes {@code path} and, when it is a folder, everything under it, deepest first; does nothing when it does
     * not exist. Symbolic links are deleted, never followed. Not atomic: a failure leaves part of the tree.
     *
     * @throws IOException naming the entry that could not be deleted
     */
    public static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Produces the content of a file written by {@link #write(Path, Body)}. */
    @FunctionalInterface
    public interface Body {
        void write(OutputStream out) throws IOException;
    }

    /**
     * The steps an atomic write is made of. The system implementation uses the default file system;
     * tests substitute one that fails a chosen step.
     */
    interface FileOps {
        /** Creates {@code file}, which must not exist, and opens it for writing. */
        FileChannel create(Path file) throws IOException;

        /** Writes all of {@code data} to {@code channel} (the file {@code file}) at its position. */
        void write(FileChannel channel, Path file, ByteBuffer data) throws IOException;

        /** Flushes {@code file}'s data and metadata to the storage device. */
        void sync(FileChannel channel, Path file) throws IOException;

        /** Flushes the entries of {@code folder} (new names, renames) to the storage device. */
        void syncFolder(Path folder) throws IOException;

        /** Renames {@code from} to {@code to} atomically, replacing {@code to}. */
        void rename(Path from, Path to) throws IOException;

        FileOps SYSTEM = new FileOps() {
            @Override
            public FileChannel create(Path file) throws IOException {
                return FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            }

            @Override
            public void write(FileChannel channel, Path file, ByteBuffer data) throws IOException {
                while (data.hasRemaining()) {
                    channel.write(data);
                }
            }

            @Override
            public void sync(FileChannel channel, Path file) throws IOException {
                channel.force(true);
            }

            @Override
            public void syncFolder(Path folder) throws IOException {
                try (FileChannel dir = FileChannel.open(folder, StandardOpenOption.READ)) {
                    dir.force(true);
                } catch (IOException | UnsupportedOperationException e) {
                    if (!WINDOWS) {
                        throw e;
                    }
                    // Windows cannot open a folder as a channel; its renames are durable without it
                }
            }

            @Override
            public void rename(Path from, Path to) throws IOException {
                Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
        };
    }

    private static final boolean WINDOWS =
            System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("windows");

    static void rename(FileOps fileOps, Path from, Path to) throws IOException {
        try {
            fileOps.rename(from, to);
        } catch (IOException e) {
            throw withPath("cannot rename " + from + " to " + to, e);
        }
    }

    static void syncFolder(FileOps fileOps, Path folder) throws IOException {
        try {
            fileOps.syncFolder(folder);
        } catch (IOException e) {
            throw withPath("cannot fsync folder " + folder, e);
        }
    }

    /** An IOException whose message says what failed and where, keeping the cause's own reason. */
    static IOException withPath(String what, IOException cause) {
        String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        if (cause instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) {
            reason = fse.getReason();
        }
        return new IOException(what + ": " + reason, cause);
    }

    /** A second name (hard link, or a copy where links are unsupported) for the current {@code target}. */
    private static Path keepOldVersion(Path target, Path backup) throws IOException {
        try {
            return Files.createLink(backup, target);
        } catch (UnsupportedOperationException | java.nio.file.FileSystemException e) {
            if (e instanceof FileAlreadyExistsException) {
                throw (FileAlreadyExistsException) e;
            }
            return Files.copy(target, backup, StandardCopyOption.COPY_ATTRIBUTES);
        }
    }

    private static void rollBack(List<Path[]> done, List<StagedFile> all, Exception primary) {
        for (int i = done.size() - 1; i >= 0; i--) {
            Path target = done.get(i)[0];
            Path backup = done.get(i)[1];
            try {
                if (backup != null && Files.exists(target) && Files.isSameFile(backup, target)) {
                    Files.delete(backup); // never replaced (rename(2) of a link onto itself would do nothing)
                } else if (backup != null) {
                    Files.move(backup, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } else if (all.get(i).committed) {
                    Files.deleteIfExists(target);
                }
            } catch (IOException e) {
                primary.addSuppressed(
                        new IOException("could not restore " + target + (backup != null ? " from " + backup : ""), e));
            }
        }
        all.forEach(StagedFile::discard);
    }

    private interface Creator {
        Path create(Path candidate) throws IOException;
    }

    private static Path uniqueSibling(Path target, String suffix, Creator creator) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        String name = absolute.getFileName().toString();
        for (int attempt = 0; ; attempt++) {
            Path candidate = dir.resolve("." + name + "."
                    + Long.toHexString(ThreadLocalRandom.current().nextLong()) + suffix);
            try {
                return creator.create(candidate);
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 100) {
                    throw e;
                }
            } catch (IOException e) {
                throw withPath("cannot create " + candidate, e);
            }
        }
    }

    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // best effort: a stray hidden temporary file is harmless
        }
    }

    /**
     * A new version of one file, written to a hidden temporary file beside its target. Write through
     * {@link #stream()} or {@link #write(ByteBuffer)}; then {@link #commit()} (or {@link #commitAll}) makes
     * it visible, or {@link #discard()} deletes it. Not thread-safe.
     */
    public static final class StagedFile implements AutoCloseable {
        private final Path target;
        private final Path temp;
        private final FileChannel channel;
        private final FileOps ops;
        private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
        private OutputStream stream;
        private boolean closed;
        private boolean committed;

        private StagedFile(Path target, Path temp, FileChannel channel, FileOps ops) {
            this.target = target;
            this.temp = temp;
            this.channel = channel;
            this.ops = ops;
        }

        /** Where the file goes on commit. */
        public Path target() {
            return target;
        }

        /** The hidden temporary file holding the data until commit. */
        public Path temp() {
            return temp;
        }

        /** Appends {@code data} (buffered). */
        public void write(ByteBuffer data) throws IOException {
            ensureOpen();
            while (data.hasRemaining()) {
                if (!buffer.hasRemaining()) {
                    flush();
                }
                int n = Math.min(buffer.remaining(), data.remaining());
                ByteBuffer slice = data.slice();
                slice.limit(n);
                buffer.put(slice);
                data.position(data.position() + n);
            }
        }

        /** Writes {@code data} at byte {@code position} of the file (e.g. a header fixed at the end). */
        public void writeAt(ByteBuffer data, long position) throws IOException {
            flush();
            long end = channel.position();
            channel.position(position);
            try {
                ops.write(channel, temp, data);
            } catch (IOException e) {
                throw withPath("cannot write " + target + " (temporary file " + temp + ")", e);
            }
            channel.position(Math.max(end, channel.position()));
        }

        /** An output stream appending to this file; closing it does not commit. */
        public OutputStream stream() {
            if (stream == null) {
                stream = new OutputStream() {
                    @Override
                    public void write(int b) throws IOException {
                        ensureOpen();
                        if (!buffer.hasRemaining()) {
                            flush();
                        }
                        buffer.put((byte) b);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        StagedFile.this.write(ByteBuffer.wrap(b, off, len));
                    }
                };
            }
            return stream;
        }

        /** Writes buffered bytes to the temporary file. */
        public void flush() throws IOException {
            ensureOpen();
            buffer.flip();
            try {
                ops.write(channel, temp, buffer);
            } catch (IOException e) {
                throw withPath("cannot write " + target + " (temporary file " + temp + ")", e);
            } finally {
                buffer.clear();
            }
        }

        /** Commits this file alone (see {@link AtomicFiles#commitAll}). */
        public void commit() throws IOException {
            commitAll(List.of(this));
        }

        /** Closes and deletes the temporary file if it was not committed; never throws. Idempotent. */
        public void discard() {
            closeQuietly();
            if (!committed) {
                deleteQuietly(temp);
            }
        }

        /** Same as {@link #discard()}: a staged file closed without commit leaves nothing behind. */
        @Override
        public void close() {
            discard();
        }

        private void syncAndClose() throws IOException {
            flush();
            try {
                ops.sync(channel, temp);
            } catch (IOException e) {
                throw withPath("cannot fsync " + target + " (temporary file " + temp + ")", e);
            }
            closed = true;
            channel.close();
        }

        private void closeQuietly() {
            closed = true;
            try {
                channel.close();
            } catch (IOException ignored) {
                // the file is deleted next or already committed
            }
        }

        private void ensureOpen() throws IOException {
            if (closed) {
                throw new IOException(temp + " is already closed");
            }
        }
    }
}
