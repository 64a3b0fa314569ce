package io.byol4j.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every public declaration of the SDK's public packages has a Javadoc comment (what it promises, its threads,
 * what it throws); {@code internal} packages are exempt. A line-based reading of the sources: a public
 * declaration must follow a comment's closing line, possibly with annotations in between; an {@code @Override}
 * is documented by the method it overrides.
 */
class PublicApiDocTest {

    private static final Path SOURCES = Path.of("src/main/java/io/byol4j/sdk");
    private static final Pattern PUBLIC_DECLARATION = Pattern.compile("^\\s*public\\s.*");

    @Test
    void everyPublicDeclarationHasJavadoc() throws IOException {
        List<String> missing = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file :
                    files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                if (SOURCES.relativize(file).toString().startsWith("internal")
                        || file.getFileName().toString().equals("package-info.java")
                        || file.getFileName().toString().equals("module-info.java")) {
                    continue;
                }
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    if (PUBLIC_DECLARATION.matcher(lines.get(i)).matches() && !documented(lines, i)) {
                        missing.add(SOURCES.relativize(file) + ":" + (i + 1) + ": "
                                + lines.get(i).strip());
                    }
                }
            }
        }
        assertEquals(List.of(), missing, missing.size() + " public declarations without Javadoc");
    }

    private static boolean documented(List<String> lines, int declaration) {
        int i = declaration - 1;
        while (i >= 0 && lines.get(i).strip().startsWith("@")) {
            if (lines.get(i).strip().equals("@Override")) {
                return true; // documented where it is declared
            }
            i--;
        }
        return i >= 0 && lines.get(i).strip().endsWith("*/");
    }
}
