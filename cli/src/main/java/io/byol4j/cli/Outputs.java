package io.byol4j.cli;

import io.byol4j.sdk.internal.io.AtomicFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The CLI's rule for outputs: no command replaces existing outputs unless {@code --force} is given, and a
 * failed command leaves the previous outputs as they were. Commands that write single files check them with
 * {@link #refuseExisting}; commands that fill a folder either require it to be absent or empty, or, with
 * {@code --force}, {@link #replaceFolder move the previous folder aside} and put it back if they fail.
 */
public final class Outputs {

    private Outputs() {}

    /** Throws a {@link CliException} naming the files of {@code files} that exist, unless {@code force}. */
    public static void refuseExisting(String command, boolean force, List<Path> files) {
        if (force) {
            return;
        }
        List<String> existing = new ArrayList<>();
        for (Path f : files) {
            if (Files.exists(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                existing.add(f.toString());
            }
        }
        if (!existing.isEmpty()) {
            throw new CliException(command + " would replace existing output" + (existing.size() > 1 ? "s " : " ")
                    + String.join(", ", existing) + "; pass --force to replace, or choose another --out");
        }
    }

    /** A folder under {@code parent} named after {@code now} ({@code yyyyMMdd-HHmmss}) that does not exist yet. */
    public static Path newRunFolder(Path parent, java.time.LocalDateTime now) {
        String stamp =
                now.format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", java.util.Locale.ROOT));
        Path candidate = parent.resolve(stamp);
        for (int k = 2; Files.exists(candidate); k++) {
            candidate = parent.resolve(stamp + "-" + k);
        }
        return candidate;
    }

    /** True when {@code dir} exists and holds at least one entry. */
    static boolean isNonEmptyFolder(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.findAny().isPresent();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Throws a {@link CliException} when {@code dir} is a file, or a non-empty folder and not {@code force}.
     *
     * @param alternatives what else the user can do, e.g. "or --resume the run"
     */
    public static void refuseNonEmptyFolder(String command, Path dir, boolean force, String alternatives) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new CliException(command + " output " + dir + " is a file, not a folder");
        }
        if (!force && isNonEmptyFolder(dir)) {
            throw new CliException(command + " output folder " + dir + " already holds " + sample(dir)
                    + "; pass --force to replace its content, choose another --out" + alternatives);
        }
    }

    /**
     * Prepares {@code dir} for a command that replaces it: a non-empty folder is renamed to a hidden sibling
     * and an empty folder takes its place. Call {@link FolderReplacement#commit()} when the command succeeded
     * (the previous content is deleted) or {@link FolderReplacement#rollBack()} when it failed (the new
     * content is deleted and the previous folder put back).
     */
    public static FolderReplacement replaceFolder(Path dir, PrintStream log) throws IOException {
        Path absolute = dir.toAbsolutePath().normalize();
        if (!isNonEmptyFolder(absolute)) {
            return new FolderReplacement(absolute, null);
        }
        Path backup = absolute.resolveSibling("." + absolute.getFileName() + ".previous-"
                + ProcessHandle.current().pid() + "-" + System.nanoTime());
        Files.move(absolute, backup, StandardCopyOption.ATOMIC_MOVE);
        Files.createDirectories(absolute);
        log.println("--force: the previous content of " + absolute + " is kept in " + backup
                + " until this command succeeds, and restored if it fails");
        return new FolderReplacement(absolute, backup);
    }

    /** A folder being replaced; see {@link #replaceFolder}. */
    public static final class FolderReplacement {
        private final Path dir;
        private final Path backup;

        private FolderReplacement(Path dir, Path backup) {
            this.dir = dir;
            this.backup = backup;
        }

        /** The command succeeded: deletes the previous content. */
        public void commit() throws IOException {
            if (backup != null) {
                AtomicFiles.deleteRecursively(backup);
            }
        }

        /** The command failed: deletes what it wrote and restores the previous folder (if there was one). */
        public void rollBack(Throwable failure) {
            if (backup == null) {
                return;
            }
            try {
                AtomicFiles.deleteRecursively(dir);
                Files.move(backup, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                failure.addSuppressed(new IOException("could not restore " + dir + " from " + backup, e));
            }
        }
    }

    private static String sample(Path dir) {
        try (Stream<Path> list = Files.list(dir)) {
            List<String> names =
                    list.map(p -> p.getFileName().toString()).sorted().toList();
            List<String> head = names.subList(0, Math.min(4, names.size()));
            return String.join(", ", head)
                    + (names.size() > head.size() ? " and " + (names.size() - head.size()) + " more" : "");
        } catch (IOException e) {
            return "files";
        }
    }
}
