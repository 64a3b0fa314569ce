package io.byol4j.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.byol4j.exporter.testing.TestEncoders;
import io.byol4j.sdk.internal.io.FaultInjection;
import io.byol4j.trainer.checkpoint.LoadedEncoder;
import io.byol4j.trainer.model.EncoderSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, item 2: export is all or nothing. Failed at each step of writing the model, its report and the
 * saved configuration, an export leaves the previous three files exactly as they were (or, for a first
 * export, no file at all, so a retry is not refused as "already exists").
 */
class ExportFaultInjectionTest {

    private static NDManager manager;
    private static LoadedEncoder encoder;

    @TempDir
    Path dir;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
        encoder = TestEncoders.loaded(new EncoderSpec("resnet10", 4, true, 3), 16, manager, 7);
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    private static final ExportOptions FORCE =
            ExportOptions.builder().force(true).randomInputs(2).build();

    @Test
    void aFailedExportOverAnEarlierOneLeavesModelReportAndConfigAsTheyWere() throws Exception {
        Path model = dir.resolve("models/m.onnx");
        Path config = dir.resolve("models/m.export-config.json");
        List<String> steps = FaultInjection.assertAllOrNothing(
                dir,
                () -> {
                    Files.createDirectories(model.getParent());
                    Files.writeString(model, "old model");
                    Files.writeString(OnnxExporter.reportPath(model), "{\"old\":true}");
                    Files.writeString(config, "{\"oldConfig\":true}");
                },
                () -> OnnxExporter.export(encoder, model, FORCE, Map.of(config, "{\"newConfig\":true}")));
        assertEquals(3, steps.stream().filter(s -> s.startsWith("fsync ")).count(), steps.toString());
        assertEquals(3, steps.stream().filter(s -> s.startsWith("rename ")).count(), steps.toString());
        assertEquals("{\"newConfig\":true}", Files.readString(config));
    }

    @Test
    void aFailedFirstExportLeavesNothingAndTheRetryIsNotRefused() throws Exception {
        Path model = dir.resolve("fresh/m.onnx");
        FaultInjection.assertAllOrNothing(
                dir,
                () -> {},
                () -> OnnxExporter.export(
                        encoder,
                        model,
                        ExportOptions.builder().randomInputs(2).build(),
                        Map.of(dir.resolve("fresh/m.export-config.json"), "{}")));
        try (FaultInjection faults = FaultInjection.install()) {
            faults.failAt(3);
            Files.walk(dir)
                    .sorted(java.util.Comparator.reverseOrder())
                    .filter(p -> !p.equals(dir))
                    .forEach(p -> p.toFile().delete());
            ExportException e = assertThrows(
                    ExportException.class, () -> OnnxExporter.export(encoder, model, ExportOptions.defaults()));
            assertTrue(
                    e.getMessage().contains(model.toString()) && e.getMessage().contains("nothing was written"),
                    e.getMessage());
        }
        OnnxExporter.export(encoder, model, ExportOptions.defaults());
        assertTrue(Files.exists(model) && Files.exists(OnnxExporter.reportPath(model)));
    }
}
