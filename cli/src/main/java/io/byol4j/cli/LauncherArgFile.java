package io.byol4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code ./byol4j} launcher starts the JVM as {@code java @ARGFILE}: options, class path and the command's
 * arguments go through a temporary argument file, so the process command line stays a few hundred bytes whatever
 * the checkout's path or the arguments' length. ONNX Runtime 1.29.0's Java binding crashes the JVM (SIGSEGV in
 * {@code OrtEnvironment.getEnvironment()}) when the process command line ({@code /proc/self/cmdline}) is longer than
 * about 4,000 bytes. The launcher names that file in the system property {@value #PROPERTY}; the JVM has read it
 * before {@code main}, so it is deleted here.
 */
final class LauncherArgFile {

    /** System property naming the launcher's argument file. */
    static final String PROPERTY = "byol4j.argfile";

    private LauncherArgFile() {}

    /** Deletes the argument file named by {@value #PROPERTY}, if any and if it is one of the launcher's. */
    static void deleteIfGiven() {
        String file = System.getProperty(PROPERTY);
        if (file == null || file.isBlank()) {
            return;
        }
        Path path = Path.of(file);
        if (path.getFileName() == null || !path.getFileName().toString().startsWith("byol4j-args.")) {
            return;
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            System.err.println("byol4j: could not delete the launcher's argument file " + path + ": " + e.getMessage());
        }
    }
}
