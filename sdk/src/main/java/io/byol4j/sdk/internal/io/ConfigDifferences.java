package io.byol4j.sdk.internal.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The top-level keys in which a saved JSON configuration and the current one differ, worded for a refusal:
 * {@code "seeds (was [1], now [1,2])"}. Both sides are parsed, so number types and formatting do not count.
 */
public final class ConfigDifferences {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ConfigDifferences() {}

    /**
     * Each key of {@code currentJson}, outside {@code ignored}, whose value differs from {@code savedJson}'s.
     *
     * @throws IOException when either side is not JSON
     */
    public static List<String> of(String savedJson, String currentJson, Set<String> ignored) throws IOException {
        JsonNode was = JSON.readTree(savedJson);
        JsonNode now = JSON.readTree(currentJson);
        List<String> differ = new ArrayList<>();
        now.fieldNames().forEachRemaining(key -> {
            if (!ignored.contains(key) && !now.get(key).equals(was.get(key))) {
                differ.add(key + " (was " + was.get(key) + ", now " + now.get(key) + ")");
            }
        });
        return differ;
    }
}
