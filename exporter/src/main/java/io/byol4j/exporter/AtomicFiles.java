package io.byol4j.exporter;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** File placement helpers: temporary siblings and atomic renames. */
final class AtomicFiles {

    private AtomicFiles() {}

    /**
     * Creates a new, empty {@code <file>.<random>.tmp} in the same folder as {@code file}, so that the
     * final move is a rename and concurrent writers never share a temporary file.
     */
    static Path createTemporarySibling(Path file) throws IOException {
        return io.byol4j.sdk.io.AtomicFiles.temporarySibling(file);
    }

    /**
     * Creates the missing folders above {@code file}.
     *
     * @return the topmost folder this call created, or null if the parent already existed
     */
    static Path createParentFolders(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Path topmostMissing = null;
        for (Path p = parent; p != null && !Files.exists(p); p = p.getParent()) {
            topmostMissing = p;
        }
        Files.createDirectories(parent);
        return topmostMissing;
    }

    /**
     * Deletes {@code folder} and its ancestors up to and including {@code topmost} while they are
     * empty; does nothing when {@code topmost} is null. Failures are added to {@code primary}.
     */
    static void deleteEmptyFolders(Path folder, Path topmost, Throwable primary) {
        if (topmost == null) {
            return;
        }
        for (Path p = folder; p != null && p.startsWith(topmost); p = p.getParent()) {
            try {
                Files.deleteIfExists(p);
            } catch (DirectoryNotEmptyException e) {
                return;
            } catch (IOException e) {
                primary.addSuppressed(e);
                return;
            }
        }
    }

    /** Atomically renames {@code source} to {@code target}, replacing it if it exists. */
    static void moveInto(Path source, Path target) throws IOException {
        Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Deletes {@code file} (if not null and existing), adding a failure to {@code primary} instead of throwing. */
    static void deleteQuietly(Path file, Throwable primary) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            if (primary != null) {
                primary.addSuppressed(e);
            }
        }
    }
}
