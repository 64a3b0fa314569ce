package io.byol4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.byol4j.sdk.testing.TestModels;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./byol4j} launcher starts {@code serve} from a deep checkout path with a JVM command line that would be
 * far over the ~4,000 bytes at which ONNX Runtime 1.29.0's Java binding crashes (SIGSEGV, exit 139) if it were
 * passed on the process command line; arguments with spaces and quotes arrive intact, and the argument file is
 * deleted.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LauncherTest {

    @TempDir
    Path tmp;

    @Test
    void servesFromADeepCheckoutWithAVeryLongCommandLine() throws Exception {
        Path root = tmp;
        for (int i = 0; i < 8; i++) {
            root = root.resolve("a-rather-long-directory-name-for-a-deep-checkout-" + i);
        }
        Path target = Files.createDirectories(root.resolve("cli").resolve("target"));
        Path launcher = root.resolve("byol4j");
        Files.copy(Path.of("..", "byol4j"), launcher);
        ServeProcessTest.classPathJar(target.resolve("byol4j-cli.jar"));
        Files.createFile(target.resolve(".byol4j-built"));
        Path odd = Files.createDirectories(tmp.resolve("it's a \"model\" dir"));
        Path model = Files.write(odd.resolve("tiny-encoder.onnx"), TestModels.model(TestModels.contract(3, 16, 8)));
        Path argTmp = Files.createDirectories(tmp.resolve("t"));

        ProcessBuilder pb = new ProcessBuilder(
                        "bash",
                        launcher.toString(),
                        "serve",
                        "--model",
                        model.toString(),
                        "--port",
                        "0",
                        "--grace-seconds",
                        "5")
                .redirectErrorStream(true);
        pb.environment().put("BYOL4J_SKIP_BUILD", "1");
        pb.environment().put("TMPDIR", argTmp.toString());
        pb.environment().put("BYOL4J_JAVA_OPTS", "-Xmx512m -Dpadding=" + "y".repeat(6000));
        Process p = pb.start();
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Boolean> serving = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out =
                    new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    lines.add(line);
                    if (line.contains("SERVING on 127.0.0.1:")) {
                        serving.complete(true);
                    }
                }
            } catch (java.io.IOException e) {
                lines.add("(output closed: " + e + ")");
            }
            serving.complete(false);
        });
        reader.start();
        try {
            assertTrue(
                    serving.get(90, TimeUnit.SECONDS),
                    "never served (exit " + (p.isAlive() ? "none" : p.exitValue()) + "): " + String.join("\n", lines));
            assertTrue(
                    lines.stream().anyMatch(l -> l.contains("model 'tiny-encoder' version 1 from " + model)),
                    String.join("\n", lines));
            try (Stream<Path> left = Files.list(argTmp)) {
                assertEquals(
                        List.of(),
                        left.filter(f -> f.getFileName().toString().startsWith("byol4j-args."))
                                .toList(),
                        "the launcher's argument file is deleted once read");
            }
            new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "did not stop");
            reader.join(10_000);
        } finally {
            p.destroyForcibly();
        }
        assertEquals(0, p.exitValue(), String.join("\n", lines));
    }
}
