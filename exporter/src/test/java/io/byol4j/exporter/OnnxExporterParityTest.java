package io.byol4j.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import io.byol4j.exporter.head.LinearHead;
import io.byol4j.exporter.testing.OrtRunner;
import io.byol4j.exporter.testing.TestEncoders;
import io.byol4j.sdk.data.InMemoryDataset;
import io.byol4j.trainer.checkpoint.LoadedEncoder;
import io.byol4j.trainer.model.EncoderSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The exported model computes what DJL computes, for every architecture and export option. */
class OnnxExporterParityTest {

    private static final int SIZE = 32;

    private static NDManager manager;
    private static LoadedEncoder resnet18;

    @TempDir
    Path dir;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
        resnet18 = TestEncoders.loaded(new EncoderSpec("resnet18", 4, true, 3), SIZE, manager, 11);
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    @ParameterizedTest(name = "{0} width {1} cifarStem={2} channels={3}")
    @CsvSource({
        "resnet10, 4, true, 3",
        "resnet18, 4, true, 3",
        "resnet18, 4, false, 3",
        "resnet34, 2, false, 3",
        "resnet10, 4, false, 1",
        "resnet50, 2, true, 3",
    })
    void exportedEncoderMatchesDjl(String architecture, int width, boolean cifarStem, int channels) throws Exception {
        EncoderSpec spec = new EncoderSpec(architecture, width, cifarStem, channels);
        try (NDManager scope = manager.newSubManager()) {
            LoadedEncoder encoder = TestEncoders.loaded(spec, SIZE, scope, 21);
            Path out = dir.resolve(architecture + ".onnx");

            ExportReport report = OnnxExporter.export(encoder, out, ExportOptions.defaults());

            assertTrue(report.passed());
            assertTrue(withinFloat32(report.random()), report.summary());
            assertEquals(8, report.random().samples());
            assertEquals(spec.embeddingDim(), report.embeddingDim());
            assertEquals(spec.displayName(), report.architecture());
            assertTrue(Files.isRegularFile(out));
            assertEquals(Files.size(out), report.fileSizeBytes());

            float[] x = TestEncoders.normal(new Random(5), 3 * channels * SIZE * SIZE, 1f);
            long[] shape = {3, channels, SIZE, SIZE};
            float[] expected = OrtRunner.djl(encoder.encoder(), scope, x, shape);
            float[] actual = OrtRunner.run(Files.readAllBytes(out), x, shape, OptLevel.ALL_OPT)
                    .get("embedding");
            double diff = OrtRunner.maxAbsDiff(expected, actual);
            assertTrue(
                    diff <= ParityTolerance.FLOAT32.allowedDiff(OrtRunner.maxAbs(expected)),
                    "diff " + diff + " on outputs up to " + OrtRunner.maxAbs(expected));
            assertTrue(OrtRunner.maxAbs(expected) > 1e-2, "the test encoder must produce non-trivial outputs");
        }
    }

    @Test
    void testEncodersHaveNonTrivialBatchNormStatistics() {
        float[] mean = parameter("runningMean");
        float[] var = parameter("runningVar");
        assertTrue(IntStream.range(0, mean.length).anyMatch(i -> Math.abs(mean[i]) > 1e-3), Arrays.toString(mean));
        assertTrue(IntStream.range(0, var.length).anyMatch(i -> Math.abs(var[i] - 1) > 1e-3), Arrays.toString(var));
    }

    @Test
    void foldedBatchNormStaysWithinFloat32ToleranceWithFewerNodes() throws Exception {
        ExportReport plain = OnnxExporter.export(resnet18, dir.resolve("plain.onnx"), ExportOptions.defaults());
        ExportReport folded = OnnxExporter.export(
                resnet18,
                dir.resolve("folded.onnx"),
                ExportOptions.builder().foldBatchNorm(true).build());

        assertTrue(folded.passed(), folded.summary());
        assertTrue(folded.foldedBatchNorm());
        assertTrue(folded.nodeCount() < plain.nodeCount(), folded.nodeCount() + " vs " + plain.nodeCount());
        assertTrue(withinFloat32(folded.random()), folded.summary());
    }

    @Test
    void float16HalvesTheFileAndStaysWithinItsTolerance() throws Exception {
        ExportReport plain = OnnxExporter.export(resnet18, dir.resolve("fp32.onnx"), ExportOptions.defaults());
        ExportReport half = OnnxExporter.export(
                resnet18,
                dir.resolve("fp16.onnx"),
                ExportOptions.builder().float16(true).build());

        assertTrue(half.passed(), half.summary());
        assertEquals(ParityTolerance.FLOAT16, half.tolerance());
        assertTrue(ParityTolerance.FLOAT16.accepts(half.random()), half.summary());
        assertFalse(ParityTolerance.FLOAT32.accepts(half.random()), "float16 rounding exceeds the float32 bound");
        assertTrue(half.random().maxAbsDiff() > plain.random().maxAbsDiff(), "float16 rounding should show");
        assertTrue(half.fileSizeBytes() < plain.fileSizeBytes());
        assertEquals(weightBytes(dir.resolve("fp32.onnx")), 2 * weightBytes(dir.resolve("fp16.onnx")));
    }

    @Test
    void foldingAndFloat16Combine() throws Exception {
        ExportReport report = OnnxExporter.export(
                resnet18,
                dir.resolve("both.onnx"),
                ExportOptions.builder().float16(true).foldBatchNorm(true).build());
        assertTrue(report.passed(), report.summary());
    }

    @Test
    void realImagesAreComparedAndUndecodableOnesSkipped() throws Exception {
        InMemoryDataset images = randomImages(7, 3, Set.of(2));

        ExportReport report = OnnxExporter.export(
                resnet18,
                dir.resolve("real.onnx"),
                ExportOptions.builder().parityDataset(images).parityBatchSize(4).build());

        assertEquals(6, report.real().samples());
        assertTrue(withinFloat32(report.real()), report.summary());
        assertTrue(report.real().maxAbsDiff() > 0 || report.real().meanAbsDiff() == 0);
    }

    @Test
    void parityImagesAreCapped() throws Exception {
        ExportReport report = OnnxExporter.export(
                resnet18,
                dir.resolve("capped.onnx"),
                ExportOptions.builder()
                        .parityDataset(randomImages(9, 4, Set.of()))
                        .maxParityImages(5)
                        .build());
        assertEquals(5, report.real().samples());
    }

    @Test
    void fusedHeadAddsMatchingProbabilities() throws Exception {
        Random rng = new Random(9);
        int dim = resnet18.spec().embeddingDim();
        float[][] w = new float[4][];
        for (int k = 0; k < w.length; k++) {
            w[k] = TestEncoders.normal(rng, dim, 0.3f);
        }
        LinearHead head = new LinearHead(w, TestEncoders.normal(rng, 4, 0.1f), List.of("a", "b", "c", "d"));
        Path out = dir.resolve("head.onnx");

        ExportReport report = OnnxExporter.export(
                resnet18, out, ExportOptions.builder().head(head).build());

        assertTrue(report.withHead());
        assertTrue(report.passed(), report.summary());
        float[] x = TestEncoders.normal(rng, 2 * 3 * SIZE * SIZE, 1f);
        Map<String, float[]> outputs =
                OrtRunner.run(Files.readAllBytes(out), x, new long[] {2, 3, SIZE, SIZE}, OptLevel.ALL_OPT);
        assertEquals(Set.of("embedding", "probabilities"), outputs.keySet());
        float[] p = outputs.get("probabilities");
        assertEquals(8, p.length);
        assertEquals(1.0, p[0] + p[1] + p[2] + p[3], 1e-5);
        assertFalse(report.optionalReal().isPresent());
        assertNull(report.real());
    }

    private static boolean withinFloat32(ParityStats stats) {
        return ParityTolerance.FLOAT32.accepts(stats);
    }

    private static long weightBytes(Path model) throws Exception {
        return ModelProto.parseFrom(Files.readAllBytes(model)).getGraph().getInitializerList().stream()
                .mapToLong(t -> t.getRawData().size())
                .sum();
    }

    private static float[] parameter(String suffix) {
        return resnet18.encoder().getParameters().stream()
                .filter(p -> p.getKey().endsWith(suffix))
                .findFirst()
                .orElseThrow()
                .getValue()
                .getArray()
                .toFloatArray();
    }

    /**
     * {@code count} random RGB images, 24 to 47 pixels a side, as binary PPM files; the {@code corrupt} entries
     * are not images at all, so they fail to decode.
     */
    private static InMemoryDataset randomImages(int count, long seed, Set<Integer> corrupt) {
        Random rng = new Random(seed);
        List<byte[]> files = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int w = 24 + rng.nextInt(24);
            int h = 24 + rng.nextInt(24);
            byte[] header = ("P6\n" + w + " " + h + "\n255\n").getBytes(StandardCharsets.US_ASCII);
            byte[] pixels = new byte[w * h * 3];
            rng.nextBytes(pixels);
            byte[] file = Arrays.copyOf(header, header.length + pixels.length);
            System.arraycopy(pixels, 0, file, header.length, pixels.length);
            files.add(corrupt.contains(i) ? "not an image".getBytes(StandardCharsets.US_ASCII) : file);
        }
        return new InMemoryDataset(files, 3);
    }
}
