package io.byol4j.exporter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** File placement helpers: temporary siblings and atomic renames. */
final class AtomicFiles {

    private AtomicFiles() {}

    /** {@code <file>.tmp} in the same folder, so that the final move is a rename. */
    static Path temporarySibling(Path file) {
        return file.resolveSibling(file.getFileName() + ".tmp");
    }

    /** Atomically renames {@code source} to {@code target}, replacing it if it exists. */
    static void moveInto(Path source, Path target) throws IOException {
        Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Deletes {@code file} if it exists, adding a failure to {@code primary} instead of throwing. */
    static void deleteQuietly(Path file, Throwable primary) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            if (primary != null) {
                primary.addSuppressed(e);
            }
        }
    }
}
