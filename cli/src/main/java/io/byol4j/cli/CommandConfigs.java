package io.byol4j.cli;

import io.byol4j.sdk.io.AtomicFiles;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Each command's configuration is a record: defaults, then an optional JSON file ({@code --config}),
 * then the flags given on the command line. The result is printed at start and saved beside the
 * command's outputs, so any run can be repeated with {@code --config <saved file>}.
 */
final class CommandConfigs {

    static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private CommandConfigs() {}

    /** Merges {@code defaults}, then the file (if any), then non-null {@code flags} (by record component). */
    static <T extends Record> T resolve(Class<T> type, T defaults, Path file, Map<String, Object> flags) {
        @SuppressWarnings("unchecked")
        Map<String, Object> merged = new LinkedHashMap<>(JSON.convertValue(defaults, Map.class));
        if (file != null) {
            try {
                @SuppressWarnings("unchecked")
                Map<String, Object> fromFile = JSON.readValue(file.toFile(), Map.class);
                for (String key : fromFile.keySet()) {
                    if (!merged.containsKey(key)) {
                        throw new IllegalArgumentException("config file " + file + " has unknown key '" + key
                                + "'; known keys: " + merged.keySet());
                    }
                }
                merged.putAll(fromFile);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read config file " + file + ": " + e.getMessage(), e);
            }
        }
        flags.forEach((k, v) -> {
            if (v != null) {
                merged.put(k, v);
            }
        });
        try {
            return JSON.convertValue(merged, type);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    static String toJson(Object config) {
        try {
            return JSON.writeValueAsString(config);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Prints the configuration under a heading. */
    static void print(PrintStream out, String command, Object config) {
        out.println("== " + command + " configuration");
        out.println(toJson(config));
    }

    /** Writes the configuration as JSON into {@code dir/<command>-config.json}, atomically. */
    static Path save(Path dir, String command, Object config) throws IOException {
        Path target = dir.resolve(command + "-config.json");
        saveJson(target, config);
        return target;
    }

    /** Writes {@code value} as JSON to {@code target} via a temporary file and an atomic rename. */
    static void saveJson(Path target, Object value) throws IOException {
        AtomicFiles.writeString(target, toJson(value) + System.lineSeparator());
    }
}
