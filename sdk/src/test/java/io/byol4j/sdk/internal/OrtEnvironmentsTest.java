package io.byol4j.sdk.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OrtEnvironmentsTest {

    /** Run in a child JVM: initialises ONNX Runtime through OrtEnvironments and prints the outcome. */
    public static void main(String[] args) {
        System.out.println("cmdline=" + OrtEnvironments.commandLineBytes());
        System.out.println("env=" + (OrtEnvironments.get() != null));
    }

    @Test
    void initialisesOnnxRuntimeUnderAVeryLongProcessCommandLine(@TempDir Path dir) throws Exception {
        // ONNX Runtime 1.29's first environment creation overflows a 1 MiB thread stack (SIGSEGV) once
        // /proc/self/cmdline passes ~4,000 bytes; 20,000 bytes of arguments is what stock spark-submit reaches.
        String padding = "x".repeat(20_000);
        Path log = dir.resolve("child.log");
        Process child = new ProcessBuilder(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        OrtEnvironmentsTest.class.getName(),
                        padding))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        assertTrue(child.waitFor(5, TimeUnit.MINUTES), "child JVM did not finish");
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, child.exitValue(), "child JVM failed (139 = SIGSEGV):\n" + out);
        assertTrue(out.contains("env=true"), out);
        if (new File("/proc/self/cmdline").canRead()) {
            long cmdline = Long.parseLong(out.lines()
                    .filter(l -> l.startsWith("cmdline="))
                    .findFirst()
                    .orElseThrow()
                    .substring("cmdline=".length()));
            assertTrue(cmdline > 20_000, "the child's command line should hold the padding: " + cmdline);
        }
    }

    @Test
    void returnsOneEnvironmentForTheProcess() {
        assertSame(OrtEnvironments.get(), OrtEnvironments.get());
    }

    @Test
    void sizesTheStackFromTheCommandLine() {
        assertEquals(OrtEnvironments.MIN_STACK_BYTES, OrtEnvironments.stackBytesFor(0));
        assertEquals(OrtEnvironments.MIN_STACK_BYTES, OrtEnvironments.stackBytesFor(4_000));
        assertEquals(1_000_000L * 1024, OrtEnvironments.stackBytesFor(1_000_000));
    }
}
