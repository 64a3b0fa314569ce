package io.byol4j.trainer.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** JSON binding of {@link TrainConfig}: strict parsing, merge over defaults, translated error messages. */
final class ConfigJson {

    private static final ObjectMapper PRETTY = baseBuilder().build().enable(SerializationFeature.INDENT_OUTPUT);

    private static final ObjectMapper CANONICAL = baseBuilder()
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private ConfigJson() {}

    private static JsonMapper.Builder baseBuilder() {
        return JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS);
    }

    static String pretty(TrainConfig cfg) {
        try {
            return PRETTY.writeValueAsString(cfg);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise config", e);
        }
    }

    static String canonical(TrainConfig cfg) {
        try {
            return CANONICAL.writeValueAsString(CANONICAL.valueToTree(cfg));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise config", e);
        }
    }

    /** The config as a mutable JSON tree. */
    static ObjectNode tree(TrainConfig cfg) {
        return PRETTY.valueToTree(cfg);
    }

    /** Parses JSON text into a tree; the top level must be an object. */
    static JsonNode parse(String text, String source) {
        JsonNode node;
        try {
            node = PRETTY.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    source + " is not valid JSON: " + e.getOriginalMessage() + location(e), e);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(source + " must hold a JSON object");
        }
        return node;
    }

    /** Merges {@code user} over the defaults and binds the result, translating errors. */
    static TrainConfig bind(JsonNode user, String source) {
        ObjectNode merged = tree(TrainConfig.defaults());
        try {
            mergeInto(merged, user, "");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid " + source + ": " + e.getMessage(), e);
        }
        try {
            return PRETTY.treeToValue(merged, TrainConfig.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("invalid " + source + ": " + describe(e), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid " + source + ": " + rootMessage(e), e);
        }
    }

    /**
     * Deep merge: objects merge key by key; anything else (numbers, strings, arrays, null) replaces.
     * Unknown keys are rejected here with the list of known keys, before binding.
     */
    private static void mergeInto(ObjectNode target, JsonNode source, String path) {
        for (Map.Entry<String, JsonNode> field : source.properties()) {
            String key = field.getKey();
            String dotted = path.isEmpty() ? key : path + "." + key;
            JsonNode existing = target.get(key);
            if (existing == null) {
                throw new IllegalArgumentException("unknown config key '" + dotted + "'; known keys"
                        + (path.isEmpty() ? "" : " in " + path) + ": " + knownKeys(target));
            }
            if (existing.isObject() && field.getValue().isObject()) {
                mergeInto((ObjectNode) existing, field.getValue(), dotted);
            } else {
                target.set(key, field.getValue());
            }
        }
    }

    /** Collects the dotted keys of leaves that differ between two trees of the same shape. */
    static void diff(JsonNode a, JsonNode b, String path, List<String> out) {
        if (a.isObject() && b.isObject()) {
            Iterator<String> names = a.fieldNames();
            while (names.hasNext()) {
                String name = names.next();
                JsonNode other = b.get(name);
                String dotted = path.isEmpty() ? name : path + "." + name;
                if (other == null) {
                    out.add(dotted);
                } else {
                    diff(a.get(name), other, dotted, out);
                }
            }
        } else if (!a.equals(b)) {
            out.add(path);
        }
    }

    static TreeSet<String> knownKeys(JsonNode node) {
        TreeSet<String> keys = new TreeSet<>();
        node.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    private static String describe(JsonProcessingException e) {
        if (e instanceof ValueInstantiationException && e.getCause() != null) {
            return rootMessage(e.getCause());
        }
        if (e instanceof UnrecognizedPropertyException u) {
            return "unknown key '" + u.getPropertyName() + "' at " + path(u) + "; known keys: "
                    + u.getKnownPropertyIds();
        }
        if (e instanceof JsonMappingException m) {
            String where = path(m);
            String msg = e.getOriginalMessage();
            int cut = msg.indexOf('\n');
            return (where.isEmpty() ? "" : "key '" + where + "': ") + (cut > 0 ? msg.substring(0, cut) : msg);
        }
        return e.getOriginalMessage() + location(e);
    }

    private static String rootMessage(Throwable t) {
        Throwable cur = t;
        while (cur.getCause() != null
                && cur.getCause() != cur
                && (cur instanceof JsonMappingException || cur.getMessage() == null)) {
            cur = cur.getCause();
        }
        return cur.getMessage();
    }

    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null
                ? ""
                : " (line " + e.getLocation().getLineNr() + ", column "
                        + e.getLocation().getColumnNr() + ")";
    }
}
