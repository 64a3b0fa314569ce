package io.byol4j.sdk.testing;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import io.byol4j.sdk.internal.ModelDigest;
import io.byol4j.sdk.model.ModelContract;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Builds small convolutional ONNX encoders in memory, the way the exporter does: conv 3x3 + ReLU
 * layers, global average pooling and flatten, byol4j metadata from a {@link ModelContract} and a
 * digest patched into the serialised bytes.
 */
public final class TestModels {

    public static final String INPUT = "images";
    public static final String OUTPUT = "embedding";

    private TestModels() {}

    /** A contract for square {@code size} inputs, resized so the shorter side is {@code size}. */
    public static ModelContract contract(int channels, int size, int dim) {
        float[] mean = channels == 3 ? new float[] {0.5f, 0.4f, 0.3f} : new float[] {0.5f};
        float[] std = channels == 3 ? new float[] {0.25f, 0.2f, 0.3f} : new float[] {0.25f};
        return new ModelContract(INPUT, OUTPUT, channels, size, size, size, mean, std, dim, "test-conv");
    }

    /** A sealed byol4j model whose graph matches {@code contract}, with one conv layer. */
    public static byte[] model(ModelContract contract) {
        return seal(graphModel(contract, dynamicInput(contract), 1, contract.toMetadata()));
    }

    /** Name of the second output of {@link #headModel}. */
    public static final String PROBABILITIES = "probabilities";

    /**
     * A sealed model like {@link #model} with a second output, {@value #PROBABILITIES} = softmax of the
     * embedding, the way an export with a fused classification head has one (and names it in metadata).
     */
    public static byte[] headModel(ModelContract contract) {
        Map<String, String> meta = new LinkedHashMap<>(contract.toMetadata());
        meta.put("byol4j.probabilities_output", PROBABILITIES);
        try {
            ModelProto base = ModelProto.parseFrom(graphModel(contract, dynamicInput(contract), 1, meta));
            GraphProto.Builder graph = base.getGraph().toBuilder()
                    .addNode(NodeProto.newBuilder()
                            .setOpType("Softmax")
                            .setName("head")
                            .addInput(OUTPUT)
                            .addOutput(PROBABILITIES)
                            .addAttribute(AttributeProto.newBuilder()
                                    .setName("axis")
                                    .setType(AttributeProto.AttributeType.INT)
                                    .setI(1)))
                    .addOutput(valueInfo(PROBABILITIES, new long[] {-1, contract.embeddingDim()}));
            return seal(base.toBuilder().setGraph(graph).build().toByteArray());
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The input shape the contract prescribes: [N, C, H, W] with a symbolic batch. */
    public static long[] dynamicInput(ModelContract c) {
        return new long[] {-1, c.channels(), c.height(), c.width()};
    }

    /**
     * An unsealed model: the graph input has {@code inputShape} (-1 = symbolic), then {@code layers}
     * conv layers of width {@code contract.embeddingDim()}; {@code metadata} is stored as given plus a
     * digest placeholder when it holds byol4j entries.
     */
    public static byte[] graphModel(
            ModelContract contract, long[] inputShape, int layers, Map<String, String> metadata) {
        Random random = new Random(42);
        int dim = contract.embeddingDim();
        GraphProto.Builder graph = GraphProto.newBuilder().setName("test_encoder");
        graph.addInput(valueInfo(INPUT, inputShape));
        graph.addOutput(valueInfo(OUTPUT, new long[] {-1, dim}));
        String current = INPUT;
        int in = (int) inputShape[1];
        for (int l = 0; l < layers; l++) {
            String weight = "conv" + l + ".weight";
            byte[] raw = gaussianWeights(random, dim * in * 9, Math.sqrt(2.0 / (in * 9)));
            graph.addInitializer(TensorProto.newBuilder()
                    .setName(weight)
                    .setDataType(TensorProto.DataType.FLOAT_VALUE)
                    .addAllDims(List.of((long) dim, (long) in, 3L, 3L))
                    .setRawData(ByteString.copyFrom(raw)));
            graph.addNode(NodeProto.newBuilder()
                    .setOpType("Conv")
                    .setName("conv" + l)
                    .addInput(current)
                    .addInput(weight)
                    .addOutput("conv" + l + ".out")
                    .addAttribute(ints("pads", 1, 1, 1, 1))
                    .addAttribute(ints("kernel_shape", 3, 3)));
            graph.addNode(NodeProto.newBuilder()
                    .setOpType("Relu")
                    .setName("relu" + l)
                    .addInput("conv" + l + ".out")
                    .addOutput("relu" + l + ".out"));
            current = "relu" + l + ".out";
            in = dim;
        }
        graph.addNode(NodeProto.newBuilder()
                .setOpType("GlobalAveragePool")
                .setName("pool")
                .addInput(current)
                .addOutput("pooled"));
        graph.addNode(NodeProto.newBuilder()
                .setOpType("Flatten")
                .setName("flatten")
                .addInput("pooled")
                .addOutput(OUTPUT)
                .addAttribute(AttributeProto.newBuilder()
                        .setName("axis")
                        .setType(AttributeProto.AttributeType.INT)
                        .setI(1)));
        ModelProto.Builder model = ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("byol4j-test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
                .setGraph(graph);
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        if (meta.containsKey(ModelContract.KEY_FORMAT)) {
            meta.putIfAbsent(ModelContract.KEY_DIGEST, ModelContract.DIGEST_PLACEHOLDER);
        }
        meta.forEach((k, v) -> model.addMetadataProps(
                StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return model.build().toByteArray();
    }

    /** Replaces the digest placeholder with the model's content digest ({@link ModelDigest#seal}). */
    public static byte[] seal(byte[] model) {
        return ModelDigest.seal(model);
    }

    /** Offset in {@code model} of the first conv layer's raw weight bytes, to tamper with. */
    public static int firstWeightOffset(byte[] model) {
        try {
            byte[] raw = ModelProto.parseFrom(model)
                    .getGraph()
                    .getInitializer(0)
                    .getRawData()
                    .toByteArray();
            return latin1(model).indexOf(latin1(raw));
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Lower-case hex SHA-256 of {@code bytes}. */
    public static String sha256Hex(byte[] bytes) {
        return ModelDigest.sha256Hex(bytes);
    }

    public static Path write(Path dir, String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private static ValueInfoProto valueInfo(String name, long[] shape) {
        TensorShapeProto.Builder dims = TensorShapeProto.newBuilder();
        for (long d : shape) {
            dims.addDim(
                    d < 0
                            ? TensorShapeProto.Dimension.newBuilder().setDimParam("N")
                            : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder()
                                .setElemType(TensorProto.DataType.FLOAT_VALUE)
                                .setShape(dims)))
                .build();
    }

    private static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    private static byte[] gaussianWeights(Random random, int count, double scale) {
        ByteBuffer buf = ByteBuffer.allocate(count * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            buf.putFloat((float) (random.nextGaussian() * scale));
        }
        return buf.array();
    }

    /** One char per byte, so that String.indexOf finds byte sequences. */
    private static String latin1(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
