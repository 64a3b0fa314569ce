package io.byol4j.exporter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxModelMetadata;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import ai.onnxruntime.TensorInfo;
import io.byol4j.exporter.graph.ops.StandardConverters;
import io.byol4j.exporter.head.LinearHead;
import io.byol4j.exporter.testing.OrtRunner;
import io.byol4j.exporter.testing.TestEncoders;
import io.byol4j.sdk.encoder.Encoder;
import io.byol4j.sdk.encoder.ModelRejectedException;
import io.byol4j.sdk.internal.ModelDigest;
import io.byol4j.sdk.model.ModelContract;
import io.byol4j.trainer.checkpoint.LoadedEncoder;
import io.byol4j.trainer.model.EncoderSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exported file: its metadata, its digest, and how ONNX Runtime sees it. */
class ExportedModelTest {

    private static final Instant EXPORTED_AT = Instant.parse("2024-06-11T08:30:00Z");

    private static NDManager manager;
    private static LoadedEncoder encoder;
    private static Path modelDir;
    private static Path model;
    private static ExportReport report;

    @BeforeAll
    static void export(@TempDir Path tmp) throws Exception {
        manager = NDManager.newBaseManager();
        encoder = TestEncoders.loaded(new EncoderSpec("resnet18", 4, false, 3), 32, manager, 41);
        modelDir = tmp;
        model = tmp.resolve("resnet18.onnx");
        report = new OnnxExporter(StandardConverters.registry(), Clock.fixed(EXPORTED_AT, ZoneOffset.UTC))
                .run(encoder, model, ExportOptions.defaults());
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    @Test
    void contractRoundTripsThroughOnnxRuntimeMetadata() throws Exception {
        Map<String, String> meta = metadata(model).getCustomMetadata();

        ModelContract contract = ModelContract.fromMetadata(meta);

        assertEquals("32", meta.get(ModelContract.KEY_RESIZE));
        assertEquals(ModelContract.CROP_CENTER, meta.get(ModelContract.KEY_CROP));
        assertEquals("NCHW", meta.get(ModelContract.KEY_LAYOUT));
        ModelContract expected = new ModelContract(
                "input", "embedding", 3, 32, 32, 32, encoder.mean(), encoder.std(), 32, "resnet18-w4-imagenet-c3");
        assertEquals(expected, contract);
    }

    @Test
    void provenanceIsRecorded() throws Exception {
        OnnxModelMetadata metadata = metadata(model);
        Map<String, String> meta = metadata.getCustomMetadata();

        assertEquals("byol4j", metadata.getProducerName());
        assertEquals(encoder.configJson(), meta.get(ExportMetadata.KEY_TRAIN_CONFIG));
        assertEquals(
                ModelDigest.sha256Hex(encoder.configJson().getBytes(StandardCharsets.UTF_8)),
                meta.get(ExportMetadata.KEY_TRAIN_CONFIG_SHA256));
        assertEquals("synthetic:shapes", meta.get(ExportMetadata.KEY_DATASET));
        assertEquals("1234", meta.get(ExportMetadata.KEY_STEPS));
        assertEquals(EXPORTED_AT.toString(), meta.get(ExportMetadata.KEY_EXPORTED_AT));
        assertEquals("byol4j.provenance.dataset", ExportMetadata.KEY_DATASET);
        assertEquals(
                Set.of(
                        ExportMetadata.KEY_DATASET,
                        ExportMetadata.KEY_STEPS,
                        ExportMetadata.KEY_EXPORTED_AT,
                        ExportMetadata.KEY_EXPORTER_VERSION),
                meta.keySet().stream()
                        .filter(k -> k.startsWith(ExportMetadata.PROVENANCE))
                        .collect(Collectors.toSet()));
        assertEquals(ExporterVersion.get(), meta.get(ExportMetadata.KEY_EXPORTER_VERSION));
        assertFalse(ExporterVersion.get().isBlank());
        assertEquals("17", meta.get(ExportMetadata.KEY_OPSET));
        assertEquals("false", meta.get(ExportMetadata.KEY_FLOAT16));
        assertFalse(meta.containsKey(ExportMetadata.KEY_PROBABILITIES_OUTPUT));
    }

    @Test
    void modelDeclaresOpsetIrVersionAndProducer() throws Exception {
        ModelProto proto = ModelProto.parseFrom(Files.readAllBytes(model));

        assertEquals(8, proto.getIrVersion());
        assertEquals(1, proto.getOpsetImportCount());
        assertEquals("", proto.getOpsetImport(0).getDomain());
        assertEquals(17, proto.getOpsetImport(0).getVersion());
        assertEquals("byol4j", proto.getProducerName());
        assertEquals(ExporterVersion.get(), proto.getProducerVersion());
    }

    @Test
    void storedDigestMatchesARecomputation() throws Exception {
        byte[] bytes = Files.readAllBytes(model);
        String stored = metadata(model).getCustomMetadata().get(ModelContract.KEY_DIGEST);

        assertEquals(report.contentDigest(), stored);
        assertTrue(stored.matches("[0-9a-f]{64}"), stored);
        assertEquals(stored, ModelDigest.compute(bytes));
        assertEquals(stored, independentDigest(bytes, stored));
        assertNotEquals(stored, report.sha256(), "the content digest is not the plain file hash");
    }

    @Test
    void loadsWithFullOptimisationAndAcceptsAnyBatchSize() throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setOptimizationLevel(OptLevel.ALL_OPT);
            try (OrtSession session = env.createSession(model.toString(), so)) {
                TensorInfo in = (TensorInfo) session.getInputInfo().get("input").getInfo();
                TensorInfo out =
                        (TensorInfo) session.getOutputInfo().get("embedding").getInfo();
                assertArrayEquals(new long[] {-1, 3, 32, 32}, in.getShape());
                assertArrayEquals(new long[] {-1, 32}, out.getShape());
                assertEquals(List.of("embedding"), List.copyOf(session.getOutputNames()));
            }
        }
        byte[] bytes = Files.readAllBytes(model);
        for (int batch : new int[] {1, 5}) {
            float[] x = TestEncoders.normal(new Random(batch), batch * 3 * 32 * 32, 1f);
            long[] shape = {batch, 3, 32, 32};
            float[] actual = OrtRunner.run(bytes, x, shape, OptLevel.ALL_OPT).get("embedding");
            float[] expected = OrtRunner.djl(encoder.encoder(), manager, x, shape);
            assertTrue(OrtRunner.maxAbsDiff(expected, actual) <= 1e-4);
        }
    }

    @Test
    void headAndPrecisionOptionsAreRecordedInMetadata() throws Exception {
        Random rng = new Random(3);
        float[][] w = {TestEncoders.normal(rng, 32, 0.2f), TestEncoders.normal(rng, 32, 0.2f)};
        LinearHead head = new LinearHead(w, new float[] {0, 0.1f}, List.of("cat", "dog, big"));
        Path out = modelDir.resolve("head-fp16.onnx");
        OnnxExporter.export(
                encoder,
                out,
                ExportOptions.builder()
                        .head(head)
                        .float16(true)
                        .foldBatchNorm(true)
                        .build());

        Map<String, String> meta = metadata(out).getCustomMetadata();

        assertEquals("true", meta.get(ExportMetadata.KEY_FLOAT16));
        assertEquals("true", meta.get(ExportMetadata.KEY_BATCHNORM_FOLDED));
        assertEquals("probabilities", meta.get(ExportMetadata.KEY_PROBABILITIES_OUTPUT));
        assertEquals("2", meta.get(ExportMetadata.KEY_HEAD_CLASSES));
        assertEquals("[\"cat\",\"dog, big\"]", meta.get(ExportMetadata.KEY_HEAD_CLASS_NAMES));
        assertEquals(meta.get(ModelContract.KEY_DIGEST), ModelDigest.compute(Files.readAllBytes(out)));
        try (Encoder sdk = Encoder.open(out)) {
            assertEquals(32, sdk.embeddingDim());
        }
    }

    @Test
    void theSdkOpensTheModelVerifiesItsDigestAndEmbedsLikeDjl() throws Exception {
        float[] x = TestEncoders.normal(new Random(8), 2 * 3 * 32 * 32, 1f);
        float[] expected = OrtRunner.djl(encoder.encoder(), manager, x, new long[] {2, 3, 32, 32});

        try (Encoder sdk = Encoder.open(model)) {
            assertEquals(ModelContract.fromMetadata(metadata(model).getCustomMetadata()), sdk.contract());
            float[][] actual = sdk.embedFloats(x, 2);
            float[] flat = new float[expected.length];
            System.arraycopy(actual[0], 0, flat, 0, 32);
            System.arraycopy(actual[1], 0, flat, 32, 32);
            assertTrue(OrtRunner.maxAbsDiff(expected, flat) <= 1e-4);
        }
    }

    @Test
    void theSdkRejectsATamperedWeight() throws Exception {
        byte[] bytes = Files.readAllBytes(model);
        byte[] weights = ModelProto.parseFrom(bytes)
                .getGraph()
                .getInitializer(0)
                .getRawData()
                .substring(0, 32)
                .toByteArray();
        int at = new String(bytes, StandardCharsets.ISO_8859_1)
                .indexOf(new String(weights, StandardCharsets.ISO_8859_1));
        assertTrue(at > 0);
        bytes[at + 3] ^= 0x01;
        Path tampered = modelDir.resolve("tampered.onnx");
        Files.write(tampered, bytes);

        ModelRejectedException e = assertThrows(
                ModelRejectedException.class, () -> Encoder.open(tampered).close());
        assertEquals(ModelRejectedException.Reason.DIGEST_MISMATCH, e.reason());
        assertNotEquals(ModelDigest.declared(bytes), ModelDigest.compute(bytes));
    }

    private static OnnxModelMetadata metadata(Path file) throws Exception {
        try (OrtSession session = OrtEnvironment.getEnvironment().createSession(file.toString())) {
            return session.getMetadata();
        }
    }

    /** The verification rule spelled out: put the placeholder back where the digest is, then hash. */
    private static String independentDigest(byte[] bytes, String stored) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int at = text.indexOf(ModelContract.KEY_DIGEST);
        int value = text.indexOf(stored, at);
        assertTrue(at >= 0 && value > at && value - at < 40, "digest entry not found");
        String restored = text.substring(0, value) + ModelContract.DIGEST_PLACEHOLDER + text.substring(value + 64);
        return ModelDigest.sha256Hex(restored.getBytes(StandardCharsets.ISO_8859_1));
    }
}
