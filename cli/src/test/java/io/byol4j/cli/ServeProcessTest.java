package io.byol4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.byol4j.grpc.v1.EmbedRequest;
import io.byol4j.grpc.v1.FeatureServiceGrpc;
import io.byol4j.sdk.testing.TestModels;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code byol4j serve} as a process: it names the model after its file, serves, and SIGTERM drains it to exit 0. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServeProcessTest {

    @TempDir
    Path tmp;

    @Test
    void servesTheModelUnderItsFileNameAndExitsZeroOnSigterm() throws Exception {
        Path model = Files.write(tmp.resolve("tiny-encoder.onnx"), TestModels.model(TestModels.contract(3, 16, 8)));
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx512m",
                        "-cp",
                        classPathJar().toString(),
                        "io.byol4j.cli.Main",
                        "serve",
                        "--model",
                        model.toString(),
                        "--port",
                        "0",
                        "--grace-seconds",
                        "5",
                        "--device",
                        "auto")
                .redirectErrorStream(true)
                .start();
        List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.CompletableFuture<Integer> port = new java.util.concurrent.CompletableFuture<>();
        Thread reader = new Thread(() -> {
            Pattern serving = Pattern.compile("SERVING on 127\\.0\\.0\\.1:(\\d+)");
            try (BufferedReader out =
                    new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    lines.add(line);
                    Matcher m = serving.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (java.io.IOException e) {
                lines.add("(output closed: " + e + ")");
            }
            port.complete(-1);
        });
        reader.start();
        try {
            int bound = port.get(90, TimeUnit.SECONDS);
            assertTrue(
                    bound > 0,
                    "never served (exit " + (p.isAlive() ? "none" : p.exitValue()) + "): " + String.join("\n", lines));
            assertTrue(
                    lines.stream()
                            .anyMatch(l -> l.contains("model 'tiny-encoder' version 1") && l.endsWith("; device cpu")),
                    lines.toString());
            assertTrue(
                    lines.stream().anyMatch(l -> l.contains("plain text (no TLS), no authentication")),
                    lines.toString());
            // --device auto on this CPU-only ONNX Runtime build: one warning from the SDK saying why, one line
            // saying where the models run.
            assertEquals(
                    1,
                    lines.stream()
                            .filter(l -> l.contains("CUDA requested but") && l.contains("running on CPU instead"))
                            .count(),
                    lines.toString());
            assertTrue(
                    lines.stream().anyMatch(l -> l.contains("byol4j serve: device auto: no usable CUDA GPU")),
                    lines.toString());
            ManagedChannel channel = Grpc.newChannelBuilderForAddress(
                            "127.0.0.1", bound, InsecureChannelCredentials.create())
                    .build();
            try {
                BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
                ByteArrayOutputStream png = new ByteArrayOutputStream();
                ImageIO.write(img, "png", png);
                var response = FeatureServiceGrpc.newBlockingStub(channel)
                        .embed(EmbedRequest.newBuilder()
                                .addImages(ByteString.copyFrom(png.toByteArray()))
                                .build());
                assertEquals("tiny-encoder", response.getModel());
                assertEquals(8, response.getResults(0).getFeaturesCount());
            } finally {
                channel.shutdownNow();
            }
            // SIGTERM, without closing our end of the output pipe (Process.destroy() would close it).
            new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "did not stop");
            reader.join(10_000);
        } finally {
            p.destroyForcibly();
        }
        assertEquals(0, p.exitValue(), String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(l -> l.contains("draining")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.contains("byol4j serve: stopped")), lines.toString());
    }

    @Test
    void aCallRefusedForItsTokenIsCountedInTheServedMetrics() throws Exception {
        Path model = Files.write(tmp.resolve("tiny-encoder.onnx"), TestModels.model(TestModels.contract(3, 16, 8)));
        Path tokens = Files.writeString(tmp.resolve("tokens.txt"), "s3cret-token-for-the-test\n");
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx512m",
                        "-cp",
                        classPathJar().toString(),
                        "io.byol4j.cli.Main",
                        "serve",
                        "--model",
                        model.toString(),
                        "--port",
                        "0",
                        "--tokens",
                        tokens.toString(),
                        "--metrics-port",
                        "0",
                        "--grace-seconds",
                        "5")
                .redirectErrorStream(true)
                .start();
        List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.CompletableFuture<Integer> metricsPort = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CompletableFuture<Integer> port = new java.util.concurrent.CompletableFuture<>();
        Thread reader = new Thread(() -> {
            Pattern serving = Pattern.compile("SERVING on 127\\.0\\.0\\.1:(\\d+)");
            Pattern metrics = Pattern.compile("metrics on http://127\\.0\\.0\\.1:(\\d+)/metrics");
            try (BufferedReader out =
                    new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    lines.add(line);
                    Matcher m = metrics.matcher(line);
                    if (m.find()) {
                        metricsPort.complete(Integer.parseInt(m.group(1)));
                    }
                    m = serving.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (java.io.IOException e) {
                lines.add("(output closed: " + e + ")");
            }
            port.complete(-1);
            metricsPort.complete(-1);
        });
        reader.start();
        try {
            int bound = port.get(90, TimeUnit.SECONDS);
            assertTrue(bound > 0 && metricsPort.get(1, TimeUnit.SECONDS) > 0, String.join("\n", lines));
            ManagedChannel channel = Grpc.newChannelBuilderForAddress(
                            "127.0.0.1", bound, InsecureChannelCredentials.create())
                    .build();
            try {
                io.grpc.StatusRuntimeException refused = org.junit.jupiter.api.Assertions.assertThrows(
                        io.grpc.StatusRuntimeException.class,
                        () -> FeatureServiceGrpc.newBlockingStub(channel)
                                .embed(EmbedRequest.newBuilder()
                                        .addImages(ByteString.copyFromUtf8("x"))
                                        .build()));
                assertEquals(
                        io.grpc.Status.Code.UNAUTHENTICATED, refused.getStatus().getCode());
            } finally {
                channel.shutdownNow();
            }
            String scrape = java.net.http.HttpClient.newHttpClient()
                    .send(
                            java.net.http.HttpRequest.newBuilder(
                                            java.net.URI.create("http://127.0.0.1:" + metricsPort.get() + "/metrics"))
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString())
                    .body();
            assertTrue(
                    scrape.lines()
                            .anyMatch(l -> l.startsWith("byol4j_refusals_total{")
                                    && l.contains("limit=\"auth\"")
                                    && l.endsWith(" 1.0")),
                    scrape);
            new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "did not stop");
            reader.join(10_000);
        } finally {
            p.destroyForcibly();
        }
        assertEquals(0, p.exitValue(), String.join("\n", lines));
    }

    /**
     * A jar whose manifest carries this test's class path. The child gets a short command line: ONNX Runtime
     * 1.29.0's Java binding crashes (SIGSEGV while creating its environment) when the process command line is
     * longer than about 4,000 bytes, which a -cp listing every ~/.m2 jar is (see {@link LauncherTest}).
     */
    private Path classPathJar() throws java.io.IOException {
        return classPathJar(tmp.resolve("classpath.jar"));
    }

    /** Writes, at {@code jar}, a jar whose manifest's Class-Path is this JVM's class path. */
    static Path classPathJar(Path jar) throws java.io.IOException {
        StringBuilder entries = new StringBuilder();
        for (String element : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path path = Path.of(element).toAbsolutePath();
            String uri = path.toUri().toString();
            entries.append(entries.length() > 0 ? " " : "")
                    .append(Files.isDirectory(path) && !uri.endsWith("/") ? uri + "/" : uri);
        }
        java.util.jar.Manifest manifest = new java.util.jar.Manifest();
        manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(java.util.jar.Attributes.Name.CLASS_PATH, entries.toString());
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar), manifest)) {
            out.flush();
        }
        return jar;
    }
}
