package io.byol4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The README's Java example is the code that CI compiles and runs, line for line. */
class ReadmeSnippetTest {

    private static final String README_MARKER = "<!-- examples/src/main/java/io/byol4j/examples/EmbedFolder.java -->";

    @org.junit.jupiter.api.Test
    void readmeShowsTheExampleCode() throws IOException {
        List<String> source = Files.readAllLines(Path.of("src/main/java/io/byol4j/examples/EmbedFolder.java"));
        int start = source.indexOf("        // readme:start");
        int end = source.indexOf("        // readme:end");
        assertTrue(start >= 0 && end > start, "readme markers missing in EmbedFolder.java");
        List<String> fromSource = dedent(source.subList(start + 1, end));

        List<String> readme = Files.readAllLines(Path.of("..", "README.md"));
        int marker = readme.indexOf(README_MARKER);
        assertTrue(marker >= 0, "README.md lacks the line " + README_MARKER);
        int open = marker + 1;
        assertEquals("```java", readme.get(open), "a ```java block must follow the marker in README.md");
        int close = readme.subList(open + 1, readme.size()).indexOf("```") + open + 1;
        assertTrue(close > open, "the README's java block is not closed");
        assertEquals(String.join("\n", fromSource), String.join("\n", readme.subList(open + 1, close)),
                "README.md's example differs from EmbedFolder.java: copy the lines between the readme markers");
    }

    private static List<String> dedent(List<String> lines) {
        int indent = lines.stream()
                .filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length())
                .min()
                .orElse(0);
        return lines.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).toList();
    }
}
