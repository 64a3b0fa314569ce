package io.byol4j.exporter.model;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import io.byol4j.exporter.graph.OnnxGraphBuilder;
import io.byol4j.sdk.internal.ModelDigest;
import io.byol4j.sdk.model.ModelContract;
import java.util.Map;

/** Wraps a graph into an ONNX model with byol4j's producer fields and metadata. */
public final class ModelAssembler {

    /** Producer name written into every model. */
    public static final String PRODUCER = "byol4j";

    private ModelAssembler() {}

    /**
     * A model for opset {@link OnnxGraphBuilder#OPSET} (IR version {@link OnnxGraphBuilder#IR_VERSION})
     * holding {@code graph} and {@code metadata} in order, followed by {@link ModelContract#KEY_DIGEST}
     * set to the placeholder, ready to be serialised and sealed with {@link ModelDigest#seal}.
     *
     * @throws IllegalArgumentException if {@code metadata} already holds the digest key
     */
    public static ModelProto assemble(GraphProto graph, Map<String, String> metadata, String producerVersion) {
        if (metadata.containsKey(ModelContract.KEY_DIGEST)) {
            throw new IllegalArgumentException("metadata must not contain " + ModelContract.KEY_DIGEST
                    + "; the digest is added when the model is serialised");
        }
        ModelProto.Builder model = ModelProto.newBuilder()
                .setIrVersion(OnnxGraphBuilder.IR_VERSION)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OnnxGraphBuilder.OPSET))
                .setProducerName(PRODUCER)
                .setProducerVersion(producerVersion)
                .setDocString("byol4j encoder: " + OnnxGraphBuilder.INPUT + " (NCHW float32) -> "
                        + OnnxGraphBuilder.EMBEDDING)
                .setGraph(graph);
        metadata.forEach((k, v) -> model.addMetadataProps(entry(k, v)));
        model.addMetadataProps(entry(ModelContract.KEY_DIGEST, ModelContract.DIGEST_PLACEHOLDER));
        return model.build();
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }
}
