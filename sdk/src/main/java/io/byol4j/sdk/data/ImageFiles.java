package io.byol4j.sdk.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/** Finds image files in folders, in a stable order. Hidden entries (names starting with '.') are skipped. */
final class ImageFiles {

    /** File extensions treated as images, lower case. */
    static final Set<String> EXTENSIONS =
            Set.of("png", "jpg", "jpeg", "bmp", "gif", "tif", "tiff", "pgm", "ppm", "pbm", "pnm");

    private ImageFiles() {}

    static boolean hasImageExtension(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /** Throws a clear {@link IllegalArgumentException} unless {@code dir} is an existing directory. */
    static void requireDirectory(Path dir, String what) {
        if (!Files.exists(dir)) {
            throw new IllegalArgumentException(what + " does not exist: " + dir.toAbsolutePath());
        }
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(what + " is not a directory: " + dir.toAbsolutePath());
        }
    }

    /**
     * Image files under {@code dir}, recursively (following symbolic links), sorted by their path
     * relative to {@code dir} with '/' as separator.
     */
    static List<Path> listRecursively(Path dir) {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir, FileVisitOption.FOLLOW_LINKS)) {
            walk.filter(p -> !p.equals(dir))
                    .filter(p -> !isHidden(dir.relativize(p)))
                    .filter(p -> hasImageExtension(p) && Files.isRegularFile(p))
                    .forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + describe(e), e);
        } catch (UncheckedIOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + describe(e.getCause()), e.getCause());
        }
        files.sort(Comparator.comparing(p -> relativeName(dir, p)));
        return files;
    }

    /** What went wrong while listing, with the path: the JDK's own messages are often only the path. */
    private static String describe(IOException e) {
        if (e instanceof java.nio.file.FileSystemLoopException loop) {
            return "symbolic link loop at " + loop.getFile() + " (it points to a folder that contains it);"
                    + " remove the link or point it elsewhere";
        }
        if (e instanceof java.nio.file.AccessDeniedException denied) {
            return "permission denied: " + denied.getFile();
        }
        if (e instanceof java.nio.file.FileSystemException fse) {
            return fse.getFile() + ": "
                    + (fse.getReason() != null
                            ? fse.getReason()
                            : fse.getClass().getSimpleName());
        }
        return String.valueOf(e.getMessage());
    }

    /** Non-hidden direct sub-directories of {@code dir}, sorted by name. */
    static List<Path> subdirectories(Path dir) {
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(Files::isDirectory)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    /** {@code file} relative to {@code dir}, with '/' separators whatever the platform. */
    static String relativeName(Path dir, Path file) {
        Path rel = dir.relativize(file);
        StringBuilder sb = new StringBuilder();
        for (Path part : rel) {
            if (sb.length() > 0) {
                sb.append('/');
            }
            sb.append(part);
        }
        return sb.toString();
    }

    private static boolean isHidden(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }
}
