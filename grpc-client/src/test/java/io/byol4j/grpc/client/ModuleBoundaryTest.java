package io.byol4j.grpc.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, docs/sdk-api.md section 7: the gRPC client is the named module {@code io.byol4j.grpc.client}, exporting
 * the client and the two protocols' generated packages. An application compiled on the module path can call the
 * client, build the messages and use the stubs, and reads the gRPC types of their signatures through the client
 * module alone.
 */
class ModuleBoundaryTest {

    private static final Set<String> API = Set.of("io.byol4j.grpc.client", "io.byol4j.grpc.v1", "inference");

    /** The jars the client module requires (and those their classes need at compile time), on the test class path. */
    private static final Pattern REQUIRED_JARS = Pattern.compile(".*/(grpc-(api|stub|protobuf|protobuf-lite|services)"
            + "|protobuf-java|guava|failureaccess|javax\\.annotation-api)-[0-9][^/]*\\.jar");

    @Test
    void theModuleExportsExactlyTheApiPackages() throws URISyntaxException {
        Path classes = clientClasses();
        ModuleDescriptor client = ModuleFinder.of(classes)
                .find("io.byol4j.grpc.client")
                .orElseThrow(() -> new AssertionError("no module-info.class in " + classes))
                .descriptor();
        Set<String> exported =
                client.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
        assertEquals(API, exported);
        assertEquals(API, client.packages(), "every package of the client is API");
        assertTrue(client.exports().stream().noneMatch(ModuleDescriptor.Exports::isQualified));
        assertTrue(client.opens().isEmpty(), "nothing is opened to reflection: " + client.opens());
    }

    @Test
    void aModularApplicationUsesTheClientMessagesAndStubs(@TempDir Path dir) throws Exception {
        List<String> errors = compileConsumer(
                dir.resolve("ok"),
                "import com.google.protobuf.ByteString;\n"
                        + "import inference.GRPCInferenceServiceGrpc;\n"
                        + "import inference.ModelInferRequest;\n"
                        + "import io.byol4j.grpc.client.Embedding;\n"
                        + "import io.byol4j.grpc.client.FeatureClient;\n"
                        + "import io.byol4j.grpc.v1.EmbedRequest;\n"
                        + "import io.byol4j.grpc.v1.FeatureServiceGrpc;\n"
                        + "import io.grpc.Channel;\n"
                        + "import java.time.Duration;\n"
                        + "public class App {\n"
                        + "  static FeatureClient client(Channel c) { return FeatureClient.over(c, null, Duration.ZERO); }\n"
                        + "  static boolean good(Embedding e) { return e.ok(); }\n"
                        + "  static EmbedRequest request() {\n"
                        + "    return EmbedRequest.newBuilder().addImages(ByteString.EMPTY).build();\n"
                        + "  }\n"
                        + "  static Object stubs(Channel c) {\n"
                        + "    return List.of(FeatureServiceGrpc.newFutureStub(c), GRPCInferenceServiceGrpc.newBlockingStub(c),\n"
                        + "        ModelInferRequest.getDefaultInstance());\n"
                        + "  }\n"
                        + "}\n");
        assertEquals(List.of(), errors, "the API compiles from the module path");
    }

    /** Compiles module {@code app} with one class against the client on the module path; returns the errors. */
    private static List<String> compileConsumer(Path root, String appSource) throws IOException, URISyntaxException {
        Path src = Files.createDirectories(root.resolve("src/app"));
        Files.writeString(src.resolve("module-info.java"), "module app { requires io.byol4j.grpc.client; }\n");
        Files.createDirectories(src.resolve("app"));
        Files.writeString(
                src.resolve("app/App.java"),
                "package app;\nimport java.util.List;\n" + appSource,
                StandardCharsets.UTF_8);
        List<String> modulePath = new ArrayList<>();
        modulePath.add(clientClasses().toString());
        modulePath.addAll(requiredJars());
        ToolProvider javac = ToolProvider.findFirst("javac").orElseThrow(() -> new AssertionError("no javac"));
        StringWriter output = new StringWriter();
        int exit;
        try (PrintWriter out = new PrintWriter(output)) {
            exit = javac.run(
                    out,
                    out,
                    "--module-path",
                    String.join(File.pathSeparator, modulePath),
                    "--class-path", // only the module path: the test JVM's class path holds the client too
                    Files.createDirectories(root.resolve("empty")).toString(),
                    "-d",
                    Files.createDirectories(root.resolve("out")).toString(),
                    "-proc:none",
                    "-XDrawDiagnostics",
                    src.resolve("module-info.java").toString(),
                    src.resolve("app/App.java").toString());
        }
        // with -XDrawDiagnostics every error is one line "file:line:col: compiler.err.key: args"
        List<String> errors = output.toString()
                .lines()
                .filter(l -> l.contains("compiler.err."))
                .toList();
        return exit == 0 || !errors.isEmpty() ? errors : List.of("javac exit " + exit + ": " + output);
    }

    private static Path clientClasses() throws URISyntaxException {
        return Path.of(FeatureClient.class
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
        assertTrue(jars.stream().anyMatch(j -> j.contains("grpc-api")), "grpc-api not on " + classPath);
        return jars;
    }
}
