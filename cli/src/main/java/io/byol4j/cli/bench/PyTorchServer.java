package io.byol4j.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.byol4j.cli.CommandConfigs;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code byol_step.py --serve} in a subprocess. The protocol, one line each way: the script first answers
 * {@code {"ready": true, ...}} after its warm-up; each {@code run N} request is answered by one JSON line with
 * {@code imagesPerSecond}, or {@code {"error": ...}}; {@code quit} ends it. Lines not starting with '{' are
 * ignored; the script's stderr goes to a log whose last line is quoted when it dies. Not thread-safe.
 */
final class PyTorchServer implements AutoCloseable {

    private final Process process;
    private final BufferedReader reader;
    private final BufferedWriter writer;
    private final Path log;
    private final JsonNode ready;

    private PyTorchServer(Process process, Path log) throws IOException {
        this.process = process;
        this.log = log;
        this.reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.writer = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        this.ready = nextResult();
        if (!ready.path("ready").asBoolean()) {
            throw new IOException("unexpected first answer " + ready);
        }
    }

    /** Starts {@code command} and waits for its ready line. */
    static PyTorchServer start(List<String> command, Path log) throws IOException {
        Files.createDirectories(log.toAbsolutePath().getParent());
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(log.toFile());
        pb.environment().putIfAbsent("OMP_WAIT_POLICY", "PASSIVE");
        Process process = pb.start();
        try {
            return new PyTorchServer(process, log);
        } catch (IOException | RuntimeException e) {
            process.destroy();
            throw e;
        }
    }

    /** The ready line: torch version, BLAS, threads and warm-up seconds. */
    JsonNode ready() {
        return ready;
    }

    /** Times {@code steps} steps in the subprocess; returns its images/s. */
    double run(int steps) throws IOException {
        writer.write("run " + steps + "\n");
        writer.flush();
        JsonNode result = nextResult();
        double rate = result.path("imagesPerSecond").asDouble(Double.NaN);
        if (!(rate > 0) || Double.isInfinite(rate)) {
            throw new IOException("unexpected answer " + result);
        }
        return rate;
    }

    private JsonNode nextResult() throws IOException {
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.startsWith("{")) {
                JsonNode node = CommandConfigs.JSON.readTree(line);
                if (node.has("error")) {
                    throw new IOException(node.get("error").asText());
                }
                return node;
            }
        }
        throw new IOException("the process ended" + exitText() + lastErrorLine());
    }

    private String exitText() {
        try {
            if (process.waitFor(5, TimeUnit.SECONDS)) {
                return " with exit code " + process.exitValue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "";
    }

    private String lastErrorLine() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                    .filter(l -> !l.isBlank())
                    .toList();
            return lines.isEmpty() ? "" : ": " + lines.get(lines.size() - 1).strip() + " (log " + log + ")";
        } catch (IOException e) {
            return "";
        }
    }

    /** Asks the script to quit, and ends it if it has not after 10 s. */
    @Override
    public void close() {
        try {
            writer.write("quit\n");
            writer.flush();
        } catch (IOException ignored) {
            // the process is gone already
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroy();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroy();
            Thread.currentThread().interrupt();
        }
    }
}
