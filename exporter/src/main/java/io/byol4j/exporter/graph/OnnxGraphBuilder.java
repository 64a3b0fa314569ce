package io.byol4j.exporter.graph;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.byol4j.exporter.head.LinearHead;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Translates a DJL encoder (a block tree mapping {@code (N, C, H, W)} to {@code (N, D)}) into an
 * inference-mode ONNX graph for opset {@value #OPSET}: one float32 input {@value #INPUT} of shape
 * {@code [batch, C, H, W]} (or any per-sample shape) and one float32 output {@value #EMBEDDING} of shape {@code [batch, D]},
 * where {@code batch} is symbolic. With a {@link LinearHead} the graph has a second output
 * {@value #PROBABILITIES} of shape {@code [batch, classes]}.
 *
 * <p>Blocks are translated by the {@link BlockConverter}s of a {@link ConverterRegistry}; composite
 * blocks recurse into their children, so any tree made of registered block types exports without new
 * code. Weights are read from the blocks' current parameter arrays.
 */
public final class OnnxGraphBuilder {

    /** ONNX operator set the graph targets. */
    public static final int OPSET = 17;
    /** ONNX IR version that goes with {@link #OPSET}. */
    public static final long IR_VERSION = 8;
    /** Name of the graph input. */
    public static final String INPUT = "input";
    /** Name of the embedding output. */
    public static final String EMBEDDING = "embedding";
    /** Name of the class-probability output that a fused head adds. */
    public static final String PROBABILITIES = "probabilities";
    /** The symbolic batch dimension. */
    public static final String BATCH = "batch";

    private static final String ROOT = "encoder";
    private static final String HEAD = "head";

    private final ConverterRegistry registry;

    /** A builder that translates blocks with {@code registry}'s converters. */
    public OnnxGraphBuilder(ConverterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry").copy();
    }

    /**
     * Builds the inference graph of {@code encoder} for inputs of {@code sampleShape} (one sample,
     * without the batch dimension; {@code (C, H, W)} for an image encoder).
     *
     * @throws UnsupportedBlockException if a block in the tree cannot be translated
     * @throws IllegalArgumentException if the encoder does not produce {@code (N, D)}, the head does
     *     not match {@code D}, or a float16 weight would overflow
     */
    public GraphProto build(Block encoder, Shape sampleShape, GraphOptions options) {
        Objects.requireNonNull(encoder, "encoder");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(sampleShape, "sampleShape");
        if (sampleShape.dimension() == 0
                || Arrays.stream(sampleShape.getShape()).anyMatch(d -> d <= 0)) {
            throw new IllegalArgumentException(
                    "bad sample shape " + sampleShape + "; every dimension must be positive");
        }
        Shape inputShape = new Shape(1).addAll(sampleShape);
        ConversionContext ctx = new ConversionContext(registry, ROOT, Set.of(INPUT, EMBEDDING, PROBABILITIES));
        GraphValue out = ctx.convertRoot(encoder, new GraphValue(INPUT, inputShape));
        if (out.shape().dimension() != 2) {
            throw new IllegalArgumentException(
                    "the encoder must output (batch, dim) but DJL reports " + out.shape() + " for input " + inputShape);
        }
        long dim = out.shape().get(1);
        List<NodeProto> nodes = ctx.nodes();
        Map<String, FloatTensor> initializers = ctx.initializers();
        nameOutput(nodes, out.name(), EMBEDDING);

        LinearHead head = options.head();
        if (head != null) {
            appendHead(nodes, initializers, head, dim);
        }
        if (options.foldBatchNorm()) {
            new BatchNormFolding(nodes, initializers, Set.of(EMBEDDING, PROBABILITIES)).apply();
        }
        dropUnreferenced(nodes, initializers);

        GraphProto.Builder graph = GraphProto.newBuilder()
                .setName("byol4j_encoder")
                .addInput(floatValue(INPUT, sampleShape.getShape()))
                .addOutput(floatValue(EMBEDDING, dim));
        if (head != null) {
            graph.addOutput(floatValue(PROBABILITIES, head.classes()));
        }
        if (options.float16()) {
            for (FloatTensor t : initializers.values()) {
                String stored = t.name() + "/fp16";
                graph.addInitializer(Initializers.float16(t, stored));
                graph.addNode(NodeProto.newBuilder()
                        .setName(t.name() + "/Cast")
                        .setOpType("Cast")
                        .addInput(stored)
                        .addOutput(t.name())
                        .addAttribute(Attributes.integer("to", TensorProto.DataType.FLOAT.getNumber())));
            }
        } else {
            for (FloatTensor t : initializers.values()) {
                graph.addInitializer(Initializers.float32(t));
            }
        }
        return graph.addAllNode(nodes).build();
    }

    private static void appendHead(
            List<NodeProto> nodes, Map<String, FloatTensor> initializers, LinearHead head, long dim) {
        if (head.inputDim() != dim) {
            throw new IllegalArgumentException(
                    "the head reads " + head.inputDim() + "-dimensional embeddings but the encoder produces " + dim);
        }
        float[][] rows = head.weights();
        float[] w = new float[rows.length * rows[0].length];
        for (int k = 0; k < rows.length; k++) {
            System.arraycopy(rows[k], 0, w, k * rows[k].length, rows[k].length);
        }
        String weight = HEAD + "/weight";
        String bias = HEAD + "/bias";
        String logits = HEAD + "/logits";
        initializers.put(weight, new FloatTensor(weight, new long[] {rows.length, rows[0].length}, w));
        initializers.put(bias, new FloatTensor(bias, new long[] {rows.length}, head.bias()));
        nodes.add(NodeProto.newBuilder()
                .setName(HEAD + "/Gemm")
                .setOpType("Gemm")
                .addInput(EMBEDDING)
                .addInput(weight)
                .addInput(bias)
                .addOutput(logits)
                .addAttribute(Attributes.integer("transB", 1))
                .build());
        nodes.add(NodeProto.newBuilder()
                .setName(HEAD + "/Softmax")
                .setOpType("Softmax")
                .addInput(logits)
                .addOutput(PROBABILITIES)
                .addAttribute(Attributes.integer("axis", 1))
                .build());
    }

    /** Renames value {@code from} to {@code to} everywhere, or adds an Identity if it is the input. */
    private static void nameOutput(List<NodeProto> nodes, String from, String to) {
        if (from.equals(INPUT)) {
            nodes.add(NodeProto.newBuilder()
                    .setName(ROOT + "/Identity")
                    .setOpType("Identity")
                    .addInput(INPUT)
                    .addOutput(to)
                    .build());
            return;
        }
        for (int i = 0; i < nodes.size(); i++) {
            NodeProto n = nodes.get(i);
            if (n.getInputList().contains(from) || n.getOutputList().contains(from)) {
                NodeProto.Builder b = n.toBuilder().clearInput().clearOutput();
                n.getInputList().forEach(s -> b.addInput(s.equals(from) ? to : s));
                n.getOutputList().forEach(s -> b.addOutput(s.equals(from) ? to : s));
                nodes.set(i, b.build());
            }
        }
    }

    private static void dropUnreferenced(List<NodeProto> nodes, Map<String, FloatTensor> initializers) {
        Set<String> read = new HashSet<>();
        nodes.forEach(n -> read.addAll(n.getInputList()));
        initializers.keySet().retainAll(read);
    }

    private static ValueInfoProto floatValue(String name, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(BATCH));
        for (long d : dims) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder()
                                .setElemType(TensorProto.DataType.FLOAT.getNumber())
                                .setShape(shape)))
                .build();
    }
}
