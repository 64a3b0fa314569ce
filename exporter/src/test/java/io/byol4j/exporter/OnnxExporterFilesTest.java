package io.byol4j.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.byol4j.exporter.graph.Attributes;
import io.byol4j.exporter.graph.UnsupportedBlockException;
import io.byol4j.exporter.graph.ops.StandardConverters;
import io.byol4j.exporter.testing.TestEncoders;
import io.byol4j.sdk.internal.ModelDigest;
import io.byol4j.trainer.checkpoint.Checkpoints;
import io.byol4j.trainer.checkpoint.LoadedEncoder;
import io.byol4j.trainer.config.TrainConfig;
import io.byol4j.trainer.model.EncoderSpec;
import io.byol4j.trainer.model.GlobalAvgPoolBlock;
import io.byol4j.trainer.model.ReluBlock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the exporter writes, what it refuses to overwrite, and that failures leave nothing behind. */
class OnnxExporterFilesTest {

    private static NDManager manager;
    private static LoadedEncoder encoder;

    @TempDir
    Path dir;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
        encoder = TestEncoders.loaded(new EncoderSpec("resnet10", 4, true, 3), 32, manager, 31);
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    @Test
    void writesModelAndJsonReportAndNothingElse() throws Exception {
        Path out = dir.resolve("models").resolve("enc.onnx");

        ExportReport report = OnnxExporter.export(encoder, out, ExportOptions.defaults());

        Path json = dir.resolve("models").resolve("enc.export.json");
        assertEquals(List.of("enc.export.json", "enc.onnx"), listing(out.getParent()));
        assertEquals(json, OnnxExporter.reportPath(out));
        JsonNode node = new ObjectMapper().readTree(Files.readString(json));
        assertTrue(node.get("passed").asBoolean());
        assertEquals(17, node.get("opset").asInt());
        assertEquals(report.sha256(), node.get("sha256").asText());
        assertEquals(ModelDigest.sha256Hex(Files.readAllBytes(out)), report.sha256());
        assertEquals(
                report.random().maxAbsDiff(),
                node.get("random").get("maxAbsDiff").asDouble());
        assertEquals(8, node.get("random").get("samples").asInt());
        assertTrue(node.get("random").get("maxAbsReference").asDouble()
                > report.random().maxAbsDiff());
        assertTrue(node.get("real").isNull());
        assertTrue(node.get("randomProbabilities").isNull());
        assertEquals(
                ParityTolerance.FLOAT32.absolute(),
                node.get("tolerance").get("absolute").asDouble());
        assertEquals(
                ParityTolerance.FLOAT32.relative(),
                node.get("tolerance").get("relative").asDouble());
        assertEquals(
                ParityTolerance.FLOAT32.allowedDiff(report.random().maxAbsReference()),
                node.get("random").get("allowedDiff").asDouble(),
                1e-15);
        assertTrue(node.get("random").get("passed").asBoolean());
        assertEquals(out.toString(), node.get("model").asText());
        assertTrue(report.seconds() > 0);
    }

    @Test
    void reportNameDropsOnlyAnOnnxSuffix() {
        assertEquals(Path.of("a/m.export.json"), OnnxExporter.reportPath(Path.of("a/m.onnx")));
        assertEquals(Path.of("a/m.bin.export.json"), OnnxExporter.reportPath(Path.of("a/m.bin")));
        assertEquals(Path.of(".onnx.export.json"), OnnxExporter.reportPath(Path.of(".onnx")));
    }

    @Test
    void existingOutputIsKeptWithoutForceAndReplacedWithIt() throws Exception {
        Path out = dir.resolve("enc.onnx");
        Files.writeString(out, "precious");

        ExportException e =
                assertThrows(ExportException.class, () -> OnnxExporter.export(encoder, out, ExportOptions.defaults()));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
        assertEquals("precious", Files.readString(out));
        assertEquals(List.of("enc.onnx"), listing(dir));

        ExportReport report = OnnxExporter.export(
                encoder, out, ExportOptions.builder().force(true).build());
        assertEquals(report.fileSizeBytes(), Files.size(out));
        assertNotEquals("precious", new String(Files.readAllBytes(out), StandardCharsets.ISO_8859_1));
    }

    /** Issue 11: a report or saved configuration of an earlier export is an output too, never replaced unasked. */
    @Test
    void anExistingReportOrCompanionIsKeptWithoutForce() throws Exception {
        Path out = dir.resolve("enc.onnx");
        Files.writeString(OnnxExporter.reportPath(out), "old report");
        ExportException e =
                assertThrows(ExportException.class, () -> OnnxExporter.export(encoder, out, ExportOptions.defaults()));
        assertTrue(e.getMessage().contains("enc.export.json") && e.getMessage().contains("--force"), e.getMessage());
        Files.delete(OnnxExporter.reportPath(out));
        Path config = dir.resolve("enc.export-config.json");
        Files.writeString(config, "old config");
        e = assertThrows(
                ExportException.class,
                () -> OnnxExporter.export(encoder, out, ExportOptions.defaults(), Map.of(config, "new")));
        assertTrue(e.getMessage().contains("enc.export-config.json"), e.getMessage());
        assertEquals(List.of("enc.export-config.json"), listing(dir));
        assertEquals("old config", Files.readString(config));
    }

    @Test
    void directoryAsOutputIsRejected() {
        ExportException e =
                assertThrows(ExportException.class, () -> OnnxExporter.export(encoder, dir, ExportOptions.defaults()));
        assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
    }

    @Test
    void failedParityLeavesNoFileAndReportsTheNumbers() throws Exception {
        Path out = dir.resolve("strict.onnx");

        ExportException e = assertThrows(
                ExportException.class,
                () -> OnnxExporter.export(
                        encoder,
                        out,
                        ExportOptions.builder()
                                .tolerance(0.0)
                                .relativeTolerance(0.0)
                                .build()));

        assertTrue(e.getMessage().contains("parity check failed"), e.getMessage());
        assertTrue(e.getMessage().contains("max |diff|"), e.getMessage());
        ExportReport report = e.report().orElseThrow();
        assertFalse(report.passed());
        assertTrue(report.random().maxAbsDiff() > 0);
        assertEquals(new ParityTolerance(0, 0), report.tolerance());
        assertTrue(e.getMessage().contains("atol 0.00 + rtol 0.00"), e.getMessage());
        assertEquals(List.of(), listing(dir));
    }

    @Test
    void aWrongTranslationIsCaughtByTheParityCheck() throws Exception {
        var broken = StandardConverters.registry()
                .register(ReluBlock.class, (block, input, context) -> context.node("Abs", List.of(input.name())));
        Path out = dir.resolve("broken.onnx");
        Files.writeString(dir.resolve("broken.export.json"), "old report");

        ExportException e = assertThrows(
                ExportException.class,
                () -> new OnnxExporter(broken, Clock.systemUTC())
                        .run(
                                encoder,
                                out,
                                ExportOptions.builder().force(true).build())); // force: a report already exists

        assertTrue(e.report().orElseThrow().random().maxAbsDiff() > 0.01, e.getMessage());
        assertEquals(List.of("broken.export.json"), listing(dir));
        assertEquals("old report", Files.readString(dir.resolve("broken.export.json")));
    }

    @Test
    void aWrongActivationIsCaughtAtFloat16PrecisionToo() {
        var broken = StandardConverters.registry()
                .register(ReluBlock.class, (block, input, context) -> context.node("Abs", List.of(input.name())));

        ExportException e = assertThrows(
                ExportException.class,
                () -> new OnnxExporter(broken, Clock.systemUTC())
                        .run(
                                encoder,
                                dir.resolve("broken16.onnx"),
                                ExportOptions.builder().float16(true).build()));

        assertEquals(ParityTolerance.FLOAT16, e.report().orElseThrow().tolerance());
        assertFalse(e.report().orElseThrow().passed());
    }

    @Test
    void aSubtlyWrongBatchNormEpsilonFailsTheFloat32Defaults() throws Exception {
        var wrongEpsilon = StandardConverters.registry()
                .register(
                        BatchNorm.class,
                        (block, input, context) -> context.node(
                                "BatchNormalization",
                                List.of(
                                        input.name(),
                                        context.parameter(block, "gamma"),
                                        context.parameter(block, "beta"),
                                        context.parameter(block, "runningMean"),
                                        context.parameter(block, "runningVar")),
                                Attributes.real("epsilon", 1e-3f)));

        ExportException e = assertThrows(
                ExportException.class,
                () -> new OnnxExporter(wrongEpsilon, Clock.systemUTC())
                        .run(encoder, dir.resolve("eps.onnx"), ExportOptions.defaults()));

        ParityStats random = e.report().orElseThrow().random();
        assertTrue(random.maxAbsDiff() < 0.01 * random.maxAbsReference(), "the error is subtle: " + e.getMessage());
        assertEquals(List.of(), listing(dir));
    }

    @Test
    void unsupportedBlockIsNamedAndNothingIsWritten() throws Exception {
        Block net = new SequentialBlock()
                .add(new GlobalAvgPoolBlock())
                .add(Linear.builder().setUnits(4).build())
                .addSingleton(x -> x.mul(2));
        TestEncoders.prepare(net, new Shape(2, 3, 8, 8), manager, 1);
        LoadedEncoder odd = new LoadedEncoder(
                net,
                new EncoderSpec("resnet10", 4, true, 3),
                8,
                new float[] {0.5f, 0.5f, 0.5f},
                new float[] {0.2f, 0.2f, 0.2f},
                "{}",
                0,
                "none");

        ExportException e = assertThrows(
                ExportException.class,
                () -> OnnxExporter.export(odd, dir.resolve("odd.onnx"), ExportOptions.defaults()));

        UnsupportedBlockException cause = assertInstanceOf(UnsupportedBlockException.class, e.getCause());
        assertEquals("ai.djl.nn.LambdaBlock", cause.blockClass());
        assertEquals("encoder/03LambdaBlock", cause.path());
        assertTrue(
                e.getMessage().contains("ai.djl.nn.LambdaBlock")
                        && e.getMessage().contains("encoder/03LambdaBlock"),
                e.getMessage());
        assertTrue(listing(dir).isEmpty());
    }

    @Test
    void exportsStraightFromACheckpointFolder() throws Exception {
        TrainConfig config = TrainConfig.defaults().withOverrides(Map.of("encoder.width", "4"));
        Path run = dir.resolve("run");
        Checkpoints.saveInitial(config, run);
        Path out = dir.resolve("ckpt.onnx");

        ExportReport report = OnnxExporter.export(run, out, ExportOptions.defaults());

        assertTrue(report.passed(), report.summary());
        assertEquals(config.encoder().displayName(), report.architecture());
        assertEquals(config.encoder().embeddingDim(), report.embeddingDim());
        assertTrue(Files.isRegularFile(out));
    }

    @Test
    void missingCheckpointIsAClearError() {
        ExportException e = assertThrows(
                ExportException.class,
                () -> OnnxExporter.export(dir.resolve("nowhere"), dir.resolve("x.onnx"), ExportOptions.defaults()));
        assertTrue(e.getMessage().contains("cannot load checkpoint"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("x.onnx")));
    }

    @Test
    void optionsAreValidated() {
        assertThrows(
                IllegalArgumentException.class,
                () -> ExportOptions.builder().parityBatchSize(0).build());
        assertThrows(
                IllegalArgumentException.class,
                () -> ExportOptions.builder().randomInputs(0).build());
        assertThrows(
                IllegalArgumentException.class,
                () -> ExportOptions.builder().tolerance(-1.0).build());
        assertThrows(
                IllegalArgumentException.class,
                () -> ExportOptions.builder().tolerance(Double.NaN).build());
        assertThrows(
                IllegalArgumentException.class,
                () -> ExportOptions.builder().relativeTolerance(-1e-3).build());
        assertThrows(
                IllegalArgumentException.class,
                () -> ExportOptions.builder()
                        .relativeTolerance(Double.POSITIVE_INFINITY)
                        .build());
        assertEquals(ParityTolerance.FLOAT32, ExportOptions.defaults().effectiveTolerance());
        assertEquals(
                ParityTolerance.FLOAT16,
                ExportOptions.builder().float16(true).build().effectiveTolerance());
        assertEquals(
                new ParityTolerance(0.5, ParityTolerance.FLOAT16.relative()),
                ExportOptions.builder().float16(true).tolerance(0.5).build().effectiveTolerance());
        assertEquals(
                new ParityTolerance(ParityTolerance.FLOAT32.absolute(), 0.25),
                ExportOptions.builder().relativeTolerance(0.25).build().effectiveTolerance());
    }

    private static List<String> listing(Path folder) throws Exception {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
