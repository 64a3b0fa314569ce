package io.byol4j.sdk.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.byol4j.sdk.encoder.ModelRejectedException.Reason;
import io.byol4j.sdk.model.ModelContract;
import io.byol4j.sdk.testing.TestModels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRejectionTest {

    private static final ModelContract CONTRACT = TestModels.contract(3, 8, 4);

    @TempDir
    Path dir;

    private ModelRejectedException rejected(byte[] bytes, EncoderOptions options) throws IOException {
        Path file = TestModels.write(dir, "model.onnx", bytes);
        return assertThrows(ModelRejectedException.class, () -> Encoder.open(file, options));
    }

    private static void assertMessage(ModelRejectedException e, String fragment) {
        assertTrue(e.getMessage().contains(fragment), "message should contain '" + fragment + "': " + e.getMessage());
    }

    @Test
    void missingFile() {
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> Encoder.open(dir.resolve("nope.onnx")));
        assertTrue(e.getMessage().contains("nope.onnx"));
    }

    @Test
    void notOnnx() throws IOException {
        ModelRejectedException e = rejected(
                "this is a text file, not a model".getBytes(StandardCharsets.UTF_8), EncoderOptions.defaults());
        assertEquals(Reason.NOT_ONNX, e.reason());
        assertMessage(e, "is not a loadable ONNX model");
    }

    @Test
    void onnxWithoutByol4jMetadata() throws IOException {
        byte[] plain = TestModels.graphModel(CONTRACT, TestModels.dynamicInput(CONTRACT), 1, Map.of("author", "x"));
        ModelRejectedException e = rejected(plain, EncoderOptions.defaults());
        assertEquals(Reason.NOT_BYOL4J, e.reason());
        assertMessage(e, "not a byol4j export");
    }

    @Test
    void incompleteMetadata() throws IOException {
        Map<String, String> meta = new LinkedHashMap<>(CONTRACT.toMetadata());
        meta.remove(ModelContract.KEY_MEAN);
        byte[] bytes = TestModels.seal(TestModels.graphModel(CONTRACT, TestModels.dynamicInput(CONTRACT), 1, meta));
        ModelRejectedException e = rejected(bytes, EncoderOptions.defaults());
        assertEquals(Reason.BAD_METADATA, e.reason());
        assertMessage(e, ModelContract.KEY_MEAN);
    }

    @Test
    void tamperedWeightFailsTheDigest() throws IOException {
        byte[] bytes = TestModels.model(CONTRACT);
        int at = TestModels.firstWeightOffset(bytes);
        assertTrue(at > 0);
        bytes[at + 5] ^= 0x01;
        ModelRejectedException e = rejected(bytes, EncoderOptions.defaults());
        assertEquals(Reason.DIGEST_MISMATCH, e.reason());
        assertMessage(e, "fails its digest check");
        try (Encoder unchecked = Encoder.open(
                dir.resolve("model.onnx"),
                EncoderOptions.builder().verifyDigest(false).build())) {
            assertEquals(4, unchecked.embeddingDim());
        }
    }

    @Test
    void missingDigest() throws IOException {
        Map<String, String> meta = new LinkedHashMap<>(CONTRACT.toMetadata());
        byte[] bytes = TestModels.graphModel(CONTRACT, TestModels.dynamicInput(CONTRACT), 1, meta);
        // graphModel adds the placeholder; a model that declares the placeholder itself was never sealed
        ModelRejectedException e = rejected(bytes, EncoderOptions.defaults());
        assertEquals(Reason.DIGEST_MISMATCH, e.reason());
        assertMessage(e, ModelContract.DIGEST_PLACEHOLDER);
    }

    @Test
    void inputGeometryDisagreesWithContract() throws IOException {
        byte[] bytes =
                TestModels.seal(TestModels.graphModel(CONTRACT, new long[] {-1, 3, 16, 16}, 1, CONTRACT.toMetadata()));
        ModelRejectedException e = rejected(bytes, EncoderOptions.defaults());
        assertEquals(Reason.SHAPE_MISMATCH, e.reason());
        assertMessage(e, "has shape [N, 3, 16, 16] but the contract says [N, 3, 8, 8]");
    }

    @Test
    void fixedBatchDimension() throws IOException {
        byte[] bytes =
                TestModels.seal(TestModels.graphModel(CONTRACT, new long[] {1, 3, 8, 8}, 1, CONTRACT.toMetadata()));
        ModelRejectedException e = rejected(bytes, EncoderOptions.defaults());
        assertEquals(Reason.SHAPE_MISMATCH, e.reason());
        assertMessage(e, "fixed batch dimension of 1");
    }

    @Test
    void embeddingSizeDisagreesWithContract() throws IOException {
        ModelContract wider = TestModels.contract(3, 8, 5);
        byte[] bytes = TestModels.seal(
                TestModels.graphModel(CONTRACT, TestModels.dynamicInput(CONTRACT), 1, wider.toMetadata()));
        ModelRejectedException e = rejected(bytes, EncoderOptions.defaults());
        assertEquals(Reason.SHAPE_MISMATCH, e.reason());
        assertMessage(e, "the contract says [N, 5]");
    }

    @Test
    void contractNamesAnInputTheGraphLacks() throws IOException {
        ModelContract renamed = new ModelContract(
                "pixels", TestModels.OUTPUT, 3, 8, 8, 8, CONTRACT.mean(), CONTRACT.std(), 4, "test-conv");
        byte[] bytes = TestModels.seal(
                TestModels.graphModel(CONTRACT, TestModels.dynamicInput(CONTRACT), 1, renamed.toMetadata()));
        ModelRejectedException e = rejected(bytes, EncoderOptions.defaults());
        assertEquals(Reason.SHAPE_MISMATCH, e.reason());
        assertMessage(e, "names input 'pixels'");
    }
}
