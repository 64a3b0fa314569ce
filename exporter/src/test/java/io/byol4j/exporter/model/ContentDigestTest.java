package io.byol4j.exporter.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import io.byol4j.exporter.graph.OnnxGraphBuilder;
import io.byol4j.sdk.model.ModelContract;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContentDigestTest {

    @Test
    void stampedDigestIsTheHashOfTheFileWithThePlaceholder() {
        ModelProto model = model(Map.of("byol4j.note", "hello"));
        byte[] unstamped = model.toByteArray();

        StampedModel stamped = ContentDigest.serializeStamped(model);

        assertEquals(ContentDigest.sha256Hex(unstamped), stamped.digest());
        assertEquals(unstamped.length, stamped.bytes().length);
        assertEquals(stamped.digest(), ContentDigest.storedValue(stamped.bytes()));
        assertEquals(stamped.digest(), ContentDigest.compute(stamped.bytes()));
        int differing = 0;
        for (int i = 0; i < unstamped.length; i++) {
            differing += unstamped[i] != stamped.bytes()[i] ? 1 : 0;
        }
        assertTrue(differing > 0 && differing <= 64, "only digest characters change, changed " + differing);
    }

    @Test
    void anyOtherChangeBreaksTheDigest() {
        StampedModel stamped = ContentDigest.serializeStamped(model(Map.of()));
        byte[] tampered = stamped.bytes().clone();
        int weightByte = indexOf(tampered, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        tampered[weightByte] ^= 0x10;

        assertEquals(stamped.digest(), ContentDigest.storedValue(tampered));
        assertNotEquals(stamped.digest(), ContentDigest.compute(tampered));
    }

    @Test
    void theAssemblerAppendsThePlaceholderLast() {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("byol4j.a", "1");
        meta.put("byol4j.b", "2");
        ModelProto model = model(meta);

        int last = model.getMetadataPropsCount() - 1;
        assertEquals(ModelContract.KEY_DIGEST, model.getMetadataProps(last).getKey());
        assertEquals(ModelContract.DIGEST_PLACEHOLDER, model.getMetadataProps(last).getValue());
        assertEquals("byol4j.a", model.getMetadataProps(0).getKey());
        assertEquals(OnnxGraphBuilder.IR_VERSION, model.getIrVersion());
        assertEquals(OnnxGraphBuilder.OPSET, model.getOpsetImport(0).getVersion());
        assertEquals(ModelAssembler.PRODUCER, model.getProducerName());
    }

    @Test
    void stampingNeedsThePlaceholder() {
        ModelProto noDigest = ModelProto.newBuilder().setGraph(GraphProto.newBuilder().setName("g")).build();
        assertThrows(IllegalArgumentException.class, () -> ContentDigest.serializeStamped(noDigest));

        ModelProto alreadyStamped = noDigest.toBuilder().addMetadataProps(StringStringEntryProto.newBuilder()
                .setKey(ModelContract.KEY_DIGEST).setValue("a".repeat(64))).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ContentDigest.serializeStamped(alreadyStamped));
        assertTrue(e.getMessage().contains("placeholder"), e.getMessage());

        assertThrows(IllegalArgumentException.class,
                () -> ModelAssembler.assemble(GraphProto.getDefaultInstance(),
                        Map.of(ModelContract.KEY_DIGEST, "x"), "1"));
    }

    @Test
    void computeRejectsNonModels() {
        assertThrows(IllegalArgumentException.class,
                () -> ContentDigest.compute("definitely not protobuf".getBytes(StandardCharsets.UTF_8)));
    }

    private static ModelProto model(Map<String, String> metadata) {
        GraphProto graph = GraphProto.newBuilder()
                .setName("g")
                .addInitializer(TensorProto.newBuilder().setName("w").setDataType(TensorProto.DataType.FLOAT_VALUE)
                        .addDims(2).setRawData(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8})))
                .build();
        return ModelAssembler.assemble(graph, metadata, "test");
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("needle not found");
    }
}
