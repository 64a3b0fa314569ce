package io.byol4j.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.byol4j.sdk.internal.io.AtomicFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Each command's configuration is a record: defaults, then an optional JSON file ({@code --config}),
 * then the flags given on the command line. The result is printed at start and saved beside the
 * command's outputs, so any run can be repeated with {@code --config <saved file>}.
 */
public final class CommandConfigs {

    /** The mapper of every command configuration and JSON output: indented, unknown keys refused. */
    public static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private CommandConfigs() {}

    /** Merges {@code defaults}, then the file (if any), then non-null {@code flags} (by record component). */
    public static <T extends Record> T resolve(Class<T> type, T defaults, Path file, Map<String, Object> flags) {
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

    /**
     * Like {@link #resolve(Class, Record, Path, Map)}, with the flags taken from {@code command}'s picocli
     * {@code @Option} fields instead of a map: each field is named after the record component it sets and has
     * that component's type (boxed, so that an unset flag is {@code null}); the {@value #CONFIG_OPTION} option
     * names the file and is skipped, as are options marked {@link RunFlag} (such as {@code --force}). A flag key is therefore never typed twice.
     *
     * @throws IllegalStateException when an option field names no component of {@code type} or has another
     *     type (a programming error in the command)
     * @throws IllegalArgumentException when the file cannot be read or the merged values do not fit the record
     */
    public static <T extends Record> T resolve(Class<T> type, T defaults, Path file, Object command) {
        return resolve(type, defaults, file, flagValues(type, command));
    }

    /** The option that names a command's JSON configuration file. */
    public static final String CONFIG_OPTION = "--config";

    /** {@code command}'s option fields by record component name, checked against {@code type}'s components. */
    static Map<String, Object> flagValues(Class<? extends Record> type, Object command) {
        Map<String, Type> components = new LinkedHashMap<>();
        for (RecordComponent c : type.getRecordComponents()) {
            components.put(c.getName(), boxed(c.getGenericType()));
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (Field field : command.getClass().getDeclaredFields()) {
            Option option = field.getAnnotation(Option.class);
            if (option == null
                    || Arrays.asList(option.names()).contains(CONFIG_OPTION)
                    || field.isAnnotationPresent(RunFlag.class)) {
                continue;
            }
            String where = command.getClass().getSimpleName() + "." + field.getName();
            Type expected = components.get(field.getName());
            if (expected == null) {
                throw new IllegalStateException(where + " (" + String.join("/", option.names()) + ") is not a key of "
                        + type.getSimpleName() + "; keys: " + components.keySet());
            }
            if (!expected.equals(boxed(field.getGenericType()))) {
                throw new IllegalStateException(
                        where + " has type " + field.getGenericType().getTypeName() + " but " + type.getSimpleName()
                                + "." + field.getName() + " is " + expected.getTypeName());
            }
            try {
                field.setAccessible(true);
                values.put(field.getName(), field.get(command));
            } catch (IllegalAccessException | RuntimeException e) {
                throw new IllegalStateException("cannot read the flag field " + where + ": " + e.getMessage(), e);
            }
        }
        return values;
    }

    private static Type boxed(Type type) {
        return type instanceof Class<?> c && c.isPrimitive()
                ? MethodType.methodType(c).wrap().returnType()
                : type;
    }

    /** The configuration as indented JSON. */
    public static String toJson(Object config) {
        try {
            return JSON.writeValueAsString(config);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Prints the configuration under a heading. */
    public static void print(PrintStream out, String command, Object config) {
        out.println("== " + command + " configuration");
        out.println(toJson(config));
    }

    /** Writes the configuration as JSON into {@code dir/<command>-config.json}, atomically. */
    public static Path save(Path dir, String command, Object config) throws IOException {
        Path target = dir.resolve(command + "-config.json");
        saveJson(target, config);
        return target;
    }

    /** Writes {@code value} as JSON to {@code target} via a temporary file and an atomic rename. */
    public static void saveJson(Path target, Object value) throws IOException {
        AtomicFiles.writeString(target, toJson(value) + System.lineSeparator());
    }
}
