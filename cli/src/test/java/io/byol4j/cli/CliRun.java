package io.byol4j.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** One in-process run of the {@code byol4j} command line, with what it printed: the tests' single way to run it. */
record CliRun(int code, String out, String err) {

    /** Runs {@code byol4j args...} in this JVM, capturing standard output (commands print there) and picocli's errors. */
    static CliRun execute(String... args) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.out;
        int code;
        try (PrintStream capture = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            picocli.CommandLine cl = Main.commandLine();
            cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
            cl.setOut(new PrintWriter(capture, true, StandardCharsets.UTF_8));
            code = cl.execute(args);
        } finally {
            System.setOut(old);
        }
        return new CliRun(code, buf.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
