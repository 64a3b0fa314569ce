package io.byol4j.trainer.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;

/** Applies dotted-key overrides ({@code optimizer.baseLr=0.2}) to a config JSON tree. */
final class ConfigOverrides {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ConfigOverrides() {}

    static void apply(JsonNode tree, Map<String, String> overrides) {
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            set(tree, e.getKey(), e.getValue());
        }
        String channels = overrides.get("channels");
        if (channels != null) {
            int c = tree.get("channels").asInt();
            if (!overrides.containsKey("encoder.inputChannels")) {
                ((ObjectNode) tree.get("encoder")).put("inputChannels", c);
            }
            boolean normalizationGiven = overrides.keySet().stream().anyMatch(k -> k.startsWith("normalization"));
            if (!normalizationGiven && tree.get("normalization").get("mean").size() != c) {
                NormalizationConfig n = NormalizationConfig.defaultFor(c);
                ObjectNode norm = (ObjectNode) tree.get("normalization");
                norm.set("mean", floats(n.mean()));
                norm.set("std", floats(n.std()));
            }
        }
    }

    private static void set(JsonNode tree, String dottedKey, String value) {
        if (dottedKey == null || dottedKey.isBlank()) {
            throw new IllegalArgumentException("empty override key");
        }
        String[] parts = dottedKey.trim().split("\\.");
        JsonNode node = tree;
        String path = "";
        for (int i = 0; i < parts.length - 1; i++) {
            node = child(node, parts[i], path);
            path = path.isEmpty() ? parts[i] : path + "." + parts[i];
            if (!node.isObject()) {
                throw new IllegalArgumentException(
                        "'" + path + "' is a value, not a section, in override '" + dottedKey + "'");
            }
        }
        String leaf = parts[parts.length - 1];
        JsonNode current = child(node, leaf, path);
        ((ObjectNode) node).set(leaf, convert(dottedKey, current, value));
    }

    private static JsonNode child(JsonNode node, String key, String path) {
        JsonNode child = node.get(key);
        if (child == null) {
            throw new IllegalArgumentException("unknown config key '" + (path.isEmpty() ? key : path + "." + key)
                    + "'; known keys" + (path.isEmpty() ? "" : " in " + path) + ": " + ConfigJson.knownKeys(node));
        }
        return child;
    }

    private static JsonNode convert(String key, JsonNode current, String raw) {
        if (raw == null) {
            throw new IllegalArgumentException("override '" + key + "' has no value");
        }
        String value = raw.trim();
        if (current.isObject()) {
            throw new IllegalArgumentException(
                    "'" + key + "' is a section; override one of its keys: " + ConfigJson.knownKeys(current));
        }
        if (current.isTextual()) {
            return NODES.textNode(value);
        }
        if (current.isBoolean()) {
            String v = value.toLowerCase(Locale.ROOT);
            if (!v.equals("true") && !v.equals("false")) {
                throw new IllegalArgumentException("'" + key + "' expects true or false, got '" + raw + "'");
            }
            return NODES.booleanNode(Boolean.parseBoolean(v));
        }
        if (current.isArray()) {
            ArrayNode array = NODES.arrayNode();
            for (String part : value.split(",")) {
                array.add(number(key, part.trim(), false));
            }
            return array;
        }
        if (current.isNumber()) {
            return number(key, value, current.isIntegralNumber());
        }
        throw new IllegalArgumentException("'" + key + "' cannot be overridden");
    }

    private static JsonNode number(String key, String value, boolean integral) {
        try {
            if (integral) {
                return NODES.numberNode(Long.parseLong(value));
            }
            return NODES.numberNode(new BigDecimal(value));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "'" + key + "' expects " + (integral ? "an integer" : "a number") + ", got '" + value + "'", e);
        }
    }

    private static ArrayNode floats(float[] values) {
        ArrayNode array = NODES.arrayNode();
        for (float v : values) {
            array.add(v);
        }
        return array;
    }
}
