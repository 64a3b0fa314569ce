package io.byol4j.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.byol4j.sdk.encoder.Encoder;
import java.io.File;
import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, docs/sdk-api.md section 1: the SDK is the named module {@code io.byol4j.sdk}, exporting exactly the API
 * packages. An application compiled on the module path can use {@code io.byol4j.sdk.encoder} and cannot reach
 * {@code io.byol4j.sdk.internal}.
 */
class ModuleBoundaryTest {

    private static final Set<String> API = Set.of(
            "io.byol4j.sdk.classify",
            "io.byol4j.sdk.data",
            "io.byol4j.sdk.encoder",
            "io.byol4j.sdk.features",
            "io.byol4j.sdk.head",
            "io.byol4j.sdk.image",
            "io.byol4j.sdk.model");

    /** The jars the SDK module requires, found on the test class path. */
    private static final Pattern REQUIRED_JARS = Pattern.compile(
            ".*/(onnxruntime|commons-imaging|commons-io|commons-lang3|jackson-(core|databind|annotations)"
                    + "|slf4j-api)-[^/]*\\.jar");

    @Test
    void theModuleExportsExactlyTheApiPackages() throws URISyntaxException {
        Path classes = sdkClasses();
        ModuleDescriptor sdk = ModuleFinder.of(classes)
                .find("io.byol4j.sdk")
                .orElseThrow(() -> new AssertionError("no module-info.class in " + classes))
                .descriptor();
        Set<String> exported =
                sdk.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
        assertEquals(API, exported);
        assertTrue(sdk.exports().stream().noneMatch(ModuleDescriptor.Exports::isQualified));
        assertTrue(
                sdk.packages().contains("io.byol4j.sdk.internal"),
                sdk.packages().toString());
        assertTrue(sdk.opens().isEmpty(), "nothing is opened to reflection: " + sdk.opens());
    }

    @Test
    void aModularApplicationReadsTheApiAndNotTheInternals(@TempDir Path dir) throws Exception {
        List<String> ok = compileConsumer(
                dir.resolve("ok"),
                "import io.byol4j.sdk.encoder.Encoder;\n"
                        + "import io.byol4j.sdk.encoder.ImageEmbedding;\n"
                        + "public class App {\n"
                        + "  static boolean good(ImageEmbedding e) { return e.ok(); }\n"
                        + "  static Class<?> type() { return Encoder.class; }\n"
                        + "}\n");
        assertEquals(List.of(), ok, "the API compiles from the module path");

        List<String> internal = compileConsumer(
                dir.resolve("internal"),
                "import io.byol4j.sdk.internal.Vectors;\n"
                        + "public class App {\n"
                        + "  static void f(float[] v) { Vectors.normalizeL2(v); }\n"
                        + "}\n");
        assertFalse(internal.isEmpty(), "io.byol4j.sdk.internal must not be readable");
        String all = String.join("\n", internal);
        assertTrue(all.contains("io.byol4j.sdk.internal") && all.contains("does not export"), all);
    }

    /** Compiles module {@code app} with one class against the SDK on the module path; returns the errors. */
    private static List<String> compileConsumer(Path root, String appSource) throws IOException, URISyntaxException {
        Path src = Files.createDirectories(root.resolve("src/app"));
        Files.writeString(src.resolve("module-info.java"), "module app { requires io.byol4j.sdk; }\n");
        Files.createDirectories(src.resolve("app"));
        Files.writeString(src.resolve("app/App.java"), "package app;\n" + appSource, StandardCharsets.UTF_8);
        List<String> modulePath = new ArrayList<>();
        modulePath.add(sdkClasses().toString());
        modulePath.addAll(requiredJars());
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
            Iterable<? extends JavaFileObject> units = files.getJavaFileObjects(
                    src.resolve("module-info.java").toFile(),
                    src.resolve("app/App.java").toFile());
            List<String> options = List.of(
                    "--module-path",
                    String.join(File.pathSeparator, modulePath),
                    "--class-path", // nothing but the module path: the test JVM's own class path would hold the SDK too
                    Files.createDirectories(root.resolve("empty")).toString(),
                    "-d",
                    Files.createDirectories(root.resolve("out")).toString(),
                    "-proc:none");
            javac.getTask(null, files, diagnostics, options, null, units).call();
        }
        return diagnostics.getDiagnostics().stream()
                .filter(d -> d.getKind() == javax.tools.Diagnostic.Kind.ERROR)
                .map(d -> d.getMessage(Locale.ROOT))
                .toList();
    }

    private static Path sdkClasses() throws URISyntaxException {
        return Path.of(Encoder.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
    }

    private static List<String> requiredJars() {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> jars = Arrays.stream(classPath.split(Pattern.quote(File.pathSeparator)))
                .filter(entry -> REQUIRED_JARS
                        .matcher(entry.replace(File.separatorChar, '/'))
                        .matches())
                .toList();
        assertTrue(jars.stream().anyMatch(j -> j.contains("onnxruntime")), "onnxruntime not on " + classPath);
        return jars;
    }
}
