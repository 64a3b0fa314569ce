package io.byol4j.exporter;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The exporter's output folders and their clean-up after a failed export. Temporary files and their atomic
 * placement are the SDK's {@link io.byol4j.sdk.internal.io.AtomicFiles}.
 */
final class ExportFiles {

    private ExportFiles() {}

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
