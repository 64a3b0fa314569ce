package io.byol4j.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The optional PyTorch baseline of a bench run: whether it runs, and why not when it does not. Once it fails to
 * start it stays off for the rest of the run, and the reason is reported in the table and in {@code bench.json}.
 */
final class PyTorchBaseline {

    private final String python;
    private final Path script;
    private String disabled;

    private PyTorchBaseline(String python, Path script, String disabled) {
        this.python = python;
        this.script = script;
        this.disabled = disabled;
    }

    /** The baseline {@code cfg} asks for; a missing script turns it off with a note on {@code out}. */
    static PyTorchBaseline locate(BenchConfig cfg, PrintStream out) {
        if (cfg.pytorch() == null || cfg.pytorch().isBlank()) {
            return new PyTorchBaseline(null, null, "not requested (--pytorch PYTHON)");
        }
        Path script = cfg.pytorchScript() != null ? Path.of(cfg.pytorchScript()) : PyTorchScript.find();
        if (script == null || !Files.isRegularFile(script)) {
            String reason = "the PyTorch script " + (script == null ? PyTorchScript.SCRIPT : script) + " is missing"
                    + (cfg.pytorchScript() == null ? " (give --pytorch-script PATH)" : "");
            out.println("note: " + reason + "; continuing without the pytorch column");
            return new PyTorchBaseline(cfg.pytorch(), null, reason);
        }
        return new PyTorchBaseline(cfg.pytorch(), script, null);
    }

    /** The script that runs, {@code null} when there is none. */
    Path script() {
        return script;
    }

    /** Why the baseline does not run, if it does not. */
    Optional<String> note() {
        return Optional.ofNullable(disabled);
    }

    /** Starts and warms up the script for one preset, or returns null (after saying why) when it cannot. */
    PyTorchServer start(
            String preset,
            Path configJson,
            int threads,
            int warmup,
            int lrWarmup,
            long total,
            long seed,
            Path root,
            Map<String, Object> info,
            PrintStream out)
            throws InterruptedException {
        if (disabled != null) {
            return null;
        }
        Path log = root.resolve("pytorch-" + preset + ".log");
        List<String> command = List.of(
                python,
                script.toString(),
                "--serve",
                "--config",
                configJson.toString(),
                "--name",
                preset,
                "--threads",
                Integer.toString(threads),
                "--warmup",
                Integer.toString(warmup),
                "--lr-warmup-steps",
                Integer.toString(lrWarmup),
                "--total-steps",
                Long.toString(total),
                "--seed",
                Long.toString(seed));
        try {
            PyTorchServer server = PyTorchServer.start(command, log);
            JsonNode ready = server.ready();
            info.put("torch", ready.path("torch").asText());
            info.put("blas", ready.path("blas").asText());
            info.put("threads", ready.path("threads").asInt());
            out.printf(
                    Locale.ROOT,
                    "pytorch %s ready: %d threads, warm-up %d steps in %.1f s%n",
                    ready.path("torch").asText(),
                    ready.path("threads").asInt(),
                    warmup,
                    ready.path("warmupSeconds").asDouble());
            return server;
        } catch (IOException e) {
            disabled = "cannot run the PyTorch baseline (" + python + " " + script + "): " + e.getMessage();
            out.println("note: " + disabled + "; continuing without the pytorch column");
            return null;
        }
    }
}
