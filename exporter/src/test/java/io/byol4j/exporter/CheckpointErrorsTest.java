package io.byol4j.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.byol4j.trainer.checkpoint.Checkpoints;
import io.byol4j.trainer.config.TrainConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exports from damaged checkpoints and onto occupied outputs: each fails with a message naming the
 * problem, and leaves no model, report, temporary file or new folder behind.
 */
class CheckpointErrorsTest {

    private static Path pristine;

    @TempDir
    Path dir;

    private Path checkpoint;
    private Path outFolder;
    private Path out;

    @BeforeAll
    static void saveCheckpoint(@TempDir Path shared) throws IOException {
        TrainConfig config = TrainConfig.defaults().withOverrides(Map.of("encoder.width", "2"));
        pristine = Checkpoints.saveInitial(config, shared.resolve("run"));
    }

    @BeforeEach
    void copyCheckpoint() throws IOException {
        checkpoint = dir.resolve("ckpt");
        Files.createDirectories(checkpoint);
        try (Stream<Path> files = Files.list(pristine)) {
            for (Path f : files.toList()) {
                Files.copy(f, checkpoint.resolve(f.getFileName()));
            }
        }
        outFolder = dir.resolve("models").resolve("nested");
        out = outFolder.resolve("enc.onnx");
    }

    @Test
    void theCopiedCheckpointExports() throws Exception {
        ExportReport report = OnnxExporter.export(
                checkpoint, out, ExportOptions.builder().randomInputs(2).build());

        assertTrue(report.passed(), report.summary());
        assertEquals(List.of("enc.export.json", "enc.onnx"), listing(outFolder));
    }

    @Test
    void unknownArchitectureIsNamedWithTheKnownOnes() throws Exception {
        Path config = checkpoint.resolve(Checkpoints.CONFIG);
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = (ObjectNode) json.readTree(config.toFile());
        ((ObjectNode) root.get("encoder")).put("architecture", "resnet999");
        json.writeValue(config.toFile(), root);

        ExportException e = assertFails();

        assertMessage(e, "cannot load checkpoint", "resnet999", "resnet18", "resnet50");
    }

    @Test
    void missingParamsFileIsNamed() throws Exception {
        Files.delete(checkpoint.resolve("online.params"));

        ExportException e = assertFails();

        assertMessage(e, "online.params is missing");
    }

    @Test
    void corruptParamsFileIsNamed() throws Exception {
        Files.writeString(checkpoint.resolve("online.params"), "these are not DJL parameters");

        ExportException e = assertFails();

        assertMessage(e, "corrupt online.params");
    }

    @Test
    void truncatedParamsFileIsNamed() throws Exception {
        Path params = checkpoint.resolve("online.params");
        byte[] bytes = Files.readAllBytes(params);
        Files.write(params, java.util.Arrays.copyOf(bytes, bytes.length / 2));

        ExportException e = assertFails();

        assertMessage(e, "corrupt online.params", "truncated");
    }

    @Test
    void corruptConfigIsNamed() throws Exception {
        Files.writeString(checkpoint.resolve(Checkpoints.CONFIG), "{ not json");

        ExportException e = assertFails();

        assertMessage(e, "corrupt config.json");
    }

    @Test
    void anExistingOutputIsRefusedBeforeTheCheckpointIsRead() throws Exception {
        Files.createDirectories(outFolder);
        Files.writeString(out, "precious");
        Path nowhere = dir.resolve("no-such-checkpoint");

        ExportException e =
                assertThrows(ExportException.class, () -> OnnxExporter.export(nowhere, out, ExportOptions.defaults()));

        assertMessage(e, "already exists", "--force");
        assertEquals("precious", Files.readString(out));
        assertEquals(List.of("enc.onnx"), listing(outFolder));
    }

    @Test
    void aFailedParityCheckRemovesTheFoldersItCreated() throws Exception {
        ExportException e = assertThrows(
                ExportException.class,
                () -> OnnxExporter.export(
                        checkpoint,
                        out,
                        ExportOptions.builder()
                                .tolerance(0.0)
                                .relativeTolerance(0.0)
                                .randomInputs(1)
                                .build()));

        assertMessage(e, "parity check failed");
        assertFalse(Files.exists(dir.resolve("models")), "the export created folders and left them behind");
    }

    private ExportException assertFails() throws IOException {
        ExportException e = assertThrows(
                ExportException.class, () -> OnnxExporter.export(checkpoint, out, ExportOptions.defaults()));
        assertFalse(Files.exists(dir.resolve("models")), "a failed export must not create the output folder");
        try (Stream<Path> all = Files.walk(dir)) {
            List<Path> leftovers = all.filter(p -> p.getFileName().toString().endsWith(".tmp")
                            || p.getFileName().toString().endsWith(".onnx"))
                    .sorted(Comparator.naturalOrder())
                    .toList();
            assertEquals(List.of(), leftovers);
        }
        return e;
    }

    private static void assertMessage(Exception e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "message lacks '" + part + "': " + e.getMessage());
        }
    }

    private static List<String> listing(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
