package io.byol4j.cli;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The settings a sweep varies, one axis per {@code --grid}: {@code key=v1,v2,...} varies one config key;
 * {@code key1+key2=a1+a2,b1+b2} varies keys together (linked values, e.g. an optimiser type with its learning rate
 * and weight decay, or the crop scale of both views). The cells are every combination of one value of each axis
 * (the first axis varies slowest), each with a stable folder name built from its settings, so a sweep that is
 * extended or restarted finds its finished cells.
 */
record SweepGrid(List<Axis> axes) {

    /** Keys a grid may not vary: the sweep sets them itself. */
    static final Set<String> RESERVED = Set.of("seed", "outputDir");

    /** Keys varied together and their value tuples (one value per key), in the order given. */
    record Axis(List<String> keys, List<List<String>> values) {}

    /** One combination of values; {@code settings} in axis order. */
    record Cell(Map<String, String> settings) {

        /** A folder name made of the settings ({@code base} for an empty grid), safe on every file system. */
        String id() {
            if (settings.isEmpty()) {
                return "base";
            }
            StringBuilder sb = new StringBuilder();
            settings.forEach((k, v) -> {
                if (sb.length() > 0) {
                    sb.append("__");
                }
                sb.append(k).append('=').append(v);
            });
            return sb.toString().replaceAll("[^A-Za-z0-9._=+-]", "_");
        }

        /** The values only, separated by slashes ({@code base} for an empty grid): short enough for a chart axis. */
        String values() {
            return settings.isEmpty() ? "base" : String.join(" / ", settings.values());
        }

        /** The keys, separated by slashes, in the order of {@link #values()}. */
        String keys() {
            return String.join(" / ", settings.keySet());
        }

        /** The settings as {@code key=value} pairs separated by spaces ({@code base} for an empty grid). */
        String label() {
            if (settings.isEmpty()) {
                return "base";
            }
            List<String> parts = new ArrayList<>();
            settings.forEach((k, v) -> parts.add(k + "=" + v));
            return String.join(" ", parts);
        }
    }

    /**
     * Parses {@code key=v1,v2,...} and {@code key1+key2=a1+a2,b1+b2} specifications.
     *
     * @throws CliException for a specification without {@code =} or values, an empty value, a tuple with another
     *     number of values than keys, a value listed twice, a key given twice or a reserved key ({@link #RESERVED}),
     *     naming the specification
     */
    static SweepGrid parse(List<String> specs) {
        List<Axis> axes = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String spec : specs == null ? List.<String>of() : specs) {
            int eq = spec.indexOf('=');
            if (eq <= 0 || eq == spec.length() - 1) {
                throw new CliException(
                        "--grid expects key=value1,value2,... (or key1+key2=a1+a2,b1+b2), got '" + spec + "'");
            }
            List<String> keys = new ArrayList<>();
            for (String k : spec.substring(0, eq).split("\\+", -1)) {
                String key = k.trim();
                if (key.isEmpty()) {
                    throw new CliException("--grid '" + spec + "' has an empty key");
                }
                if (RESERVED.contains(key)) {
                    throw new CliException(
                            "--grid cannot vary '" + key + "': the sweep sets it (use --seeds for seeds)");
                }
                if (!seen.add(key)) {
                    throw new CliException("--grid names '" + key + "' twice; give all its values in one --grid");
                }
                keys.add(key);
            }
            List<List<String>> values = new ArrayList<>();
            for (String v : spec.substring(eq + 1).split(",", -1)) {
                List<String> tuple = new ArrayList<>();
                for (String part : keys.size() == 1 ? new String[] {v} : v.split("\\+", -1)) {
                    String value = part.trim();
                    if (value.isEmpty()) {
                        throw new CliException("--grid '" + spec + "' has an empty value");
                    }
                    tuple.add(value);
                }
                if (tuple.size() != keys.size()) {
                    throw new CliException("--grid '" + spec + "': value '" + v + "' has " + tuple.size()
                            + " part(s) for " + keys.size() + " keys; join the values of linked keys with +");
                }
                if (values.contains(tuple)) {
                    throw new CliException("--grid '" + spec + "' lists '" + v.trim() + "' twice");
                }
                values.add(List.copyOf(tuple));
            }
            axes.add(new Axis(List.copyOf(keys), List.copyOf(values)));
        }
        return new SweepGrid(List.copyOf(axes));
    }

    /**
     * Every combination, the first axis varying slowest; one empty cell for an empty grid.
     *
     * @throws CliException if two cells would share a folder name
     */
    List<Cell> cells() {
        List<Map<String, String>> combos = new ArrayList<>();
        combos.add(new LinkedHashMap<>());
        for (Axis axis : axes) {
            List<Map<String, String>> next = new ArrayList<>();
            for (Map<String, String> partial : combos) {
                for (List<String> tuple : axis.values()) {
                    Map<String, String> m = new LinkedHashMap<>(partial);
                    for (int i = 0; i < tuple.size(); i++) {
                        m.put(axis.keys().get(i), tuple.get(i));
                    }
                    next.add(m);
                }
            }
            combos = next;
        }
        List<Cell> cells = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (Map<String, String> settings : combos) {
            Cell cell = new Cell(Collections.unmodifiableMap(settings));
            if (!ids.add(cell.id())) {
                throw new CliException("two grid cells map to the same folder name '" + cell.id()
                        + "'; use values that differ in letters or digits");
            }
            cells.add(cell);
        }
        return List.copyOf(cells);
    }
}
