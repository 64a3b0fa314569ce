package io.byol4j.exporter.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import io.byol4j.exporter.graph.OnnxGraphBuilder;
import io.byol4j.sdk.internal.ModelDigest;
import io.byol4j.sdk.model.ModelContract;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelAssemblerTest {

    @Test
    void appendsThePlaceholderLastAfterTheMetadataInOrder() {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("byol4j.a", "1");
        meta.put("byol4j.b", "2");

        ModelProto model = ModelAssembler.assemble(graph(), meta, "test");

        int last = model.getMetadataPropsCount() - 1;
        assertEquals(3, model.getMetadataPropsCount());
        assertEquals("byol4j.a", model.getMetadataProps(0).getKey());
        assertEquals("byol4j.b", model.getMetadataProps(1).getKey());
        assertEquals(ModelContract.KEY_DIGEST, model.getMetadataProps(last).getKey());
        assertEquals(
                ModelContract.DIGEST_PLACEHOLDER, model.getMetadataProps(last).getValue());
        assertEquals(OnnxGraphBuilder.IR_VERSION, model.getIrVersion());
        assertEquals(OnnxGraphBuilder.OPSET, model.getOpsetImport(0).getVersion());
        assertEquals(ModelAssembler.PRODUCER, model.getProducerName());
        assertEquals("test", model.getProducerVersion());
    }

    @Test
    void theSerialisedModelSealsAndStaysAValidModel() throws Exception {
        byte[] unsealed = ModelAssembler.assemble(graph(), Map.of("byol4j.note", "hello"), "test")
                .toByteArray();

        byte[] sealed = ModelDigest.seal(unsealed);

        ModelProto parsed = ModelProto.parseFrom(sealed);
        String stored =
                parsed.getMetadataProps(parsed.getMetadataPropsCount() - 1).getValue();
        assertEquals(ModelDigest.sha256Hex(unsealed), stored);
        assertEquals(stored, ModelDigest.compute(sealed));
        assertEquals(graph(), parsed.getGraph());
    }

    @Test
    void metadataMustNotCarryTheDigestItself() {
        assertThrows(
                IllegalArgumentException.class,
                () -> ModelAssembler.assemble(graph(), Map.of(ModelContract.KEY_DIGEST, "x"), "1"));
    }

    private static GraphProto graph() {
        return GraphProto.newBuilder()
                .setName("g")
                .addInitializer(TensorProto.newBuilder()
                        .setName("w")
                        .setDataType(TensorProto.DataType.FLOAT_VALUE)
                        .addDims(2)
                        .setRawData(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8})))
                .build();
    }
}
