package io.byol4j.exporter.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import io.byol4j.exporter.graph.ops.StandardConverters;
import io.byol4j.exporter.head.LinearHead;
import io.byol4j.exporter.model.ModelAssembler;
import io.byol4j.exporter.testing.OrtRunner;
import io.byol4j.exporter.testing.TestEncoders;
import io.byol4j.trainer.model.EncoderSpec;
import io.byol4j.trainer.model.GlobalAvgPoolBlock;
import io.byol4j.trainer.model.Mlp;
import io.byol4j.trainer.model.ReluBlock;
import io.byol4j.trainer.model.ResidualBlock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OnnxGraphBuilderTest {

    private static NDManager manager;
    private static Block resnet10;

    private final OnnxGraphBuilder builder = new OnnxGraphBuilder(StandardConverters.registry());

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
        resnet10 = TestEncoders.encoder(new EncoderSpec("resnet10", 4, true, 3), 16, manager, 7);
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    @Test
    void mlpBecomesGemmBatchNormRelu() throws Exception {
        Block mlp = TestEncoders.prepare(Mlp.build(16, 5), new Shape(4, 12), manager, 3);
        GraphProto graph = builder.build(mlp, new Shape(12), GraphOptions.defaults());

        assertEquals(List.of("Gemm", "BatchNormalization", "Relu", "Gemm"), opTypes(graph));
        float[] x = TestEncoders.normal(new Random(1), 3 * 12, 1f);
        long[] shape = {3, 12};
        float[] expected = OrtRunner.djl(mlp, manager, x, shape);
        float[] actual = run(graph, x, shape).get(OnnxGraphBuilder.EMBEDDING);
        assertTrue(OrtRunner.maxAbsDiff(expected, actual) < 1e-5, "diff " + OrtRunner.maxAbsDiff(expected, actual));
    }

    @Test
    void batchNormCarriesTheBlocksOwnEpsilon() throws Exception {
        Block net = new SequentialBlock()
                .add(Linear.builder().setUnits(6).build())
                .add(BatchNorm.builder().optEpsilon(0.25f).build());
        TestEncoders.prepare(net, new Shape(4, 5), manager, 8);
        GraphProto graph = builder.build(net, new Shape(5), GraphOptions.defaults());

        NodeProto bn = graph.getNode(1);
        assertEquals("BatchNormalization", bn.getOpType());
        assertEquals("epsilon", bn.getAttribute(0).getName());
        assertEquals(0.25, bn.getAttribute(0).getF(), 0.25 * 1e-5);
        float[] x = TestEncoders.normal(new Random(6), 2 * 5, 1f);
        float[] expected = OrtRunner.djl(net, manager, x, new long[] {2, 5});
        float[] actual = run(graph, x, new long[] {2, 5}).get(OnnxGraphBuilder.EMBEDDING);
        assertTrue(OrtRunner.maxAbsDiff(expected, actual) < 1e-5);
    }

    @Test
    void graphHasDynamicBatchAndFixedSampleDims() {
        GraphProto graph = builder.build(resnet10, new Shape(3, 16, 16), GraphOptions.defaults());

        assertEquals(OnnxGraphBuilder.INPUT, graph.getInput(0).getName());
        var inDims = graph.getInput(0).getType().getTensorType().getShape().getDimList();
        assertEquals(OnnxGraphBuilder.BATCH, inDims.get(0).getDimParam());
        assertEquals(
                List.of(3L, 16L, 16L),
                inDims.subList(1, 4).stream().map(d -> d.getDimValue()).toList());
        var outDims = graph.getOutput(0).getType().getTensorType().getShape().getDimList();
        assertEquals(OnnxGraphBuilder.EMBEDDING, graph.getOutput(0).getName());
        assertEquals(OnnxGraphBuilder.BATCH, outDims.get(0).getDimParam());
        assertEquals(32L, outDims.get(1).getDimValue());
        assertTrue(
                graph.getInitializerList().stream().allMatch(t -> t.getDataType() == TensorProto.DataType.FLOAT_VALUE));
    }

    @Test
    void unregisteredBlockIsNamedWithItsPath() {
        Block net = new SequentialBlock()
                .add(conv(2))
                .add(new ResidualBlock(new SequentialBlock().add(conv(2)).add(new SquareBlock()), null))
                .add(new GlobalAvgPoolBlock());
        TestEncoders.prepare(net, new Shape(1, 3, 8, 8), manager, 5);

        UnsupportedBlockException e = assertThrows(
                UnsupportedBlockException.class, () -> builder.build(net, new Shape(3, 8, 8), GraphOptions.defaults()));
        assertEquals(SquareBlock.class.getName(), e.blockClass());
        assertEquals("encoder/02ResidualBlock/01main/02SquareBlock", e.path());
        assertTrue(e.getMessage().contains(SquareBlock.class.getName()), e.getMessage());
        assertTrue(e.getMessage().contains("encoder/02ResidualBlock/01main/02SquareBlock"), e.getMessage());
    }

    @Test
    void lambdaBlocksAreRejected() {
        Block net = new SequentialBlock().add(new ReluBlock()).add(list -> list);

        UnsupportedBlockException e = assertThrows(
                UnsupportedBlockException.class, () -> builder.build(net, new Shape(6), GraphOptions.defaults()));
        assertTrue(e.getMessage().contains("ai.djl.nn.LambdaBlock"), e.getMessage());
        assertTrue(e.getMessage().contains("encoder/02LambdaBlock"), e.getMessage());
    }

    @Test
    void encoderMustEndInBatchByFeatures() {
        Block net = new SequentialBlock().add(conv(2));
        TestEncoders.prepare(net, new Shape(1, 3, 8, 8), manager, 5);

        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> builder.build(net, new Shape(3, 8, 8), GraphOptions.defaults()));
        assertTrue(e.getMessage().contains("(batch, dim)"), e.getMessage());
    }

    @Test
    void registeredConvertersExtendTheBuilderAndIdentitiesGetAnOutputNode() throws Exception {
        ConverterRegistry registry =
                StandardConverters.registry().register(PassThroughBlock.class, (block, input, context) -> input.name());
        GraphProto graph =
                new OnnxGraphBuilder(registry).build(new PassThroughBlock(), new Shape(4), GraphOptions.defaults());

        assertEquals(List.of("Identity"), opTypes(graph));
        float[] x = {1, -2, 3, 4.5f};
        assertEquals(
                0.0, OrtRunner.maxAbsDiff(x, run(graph, x, new long[] {1, 4}).get(OnnxGraphBuilder.EMBEDDING)));
        assertThrows(
                UnsupportedBlockException.class,
                () -> builder.build(new PassThroughBlock(), new Shape(4), GraphOptions.defaults()));
    }

    @Test
    void foldingRemovesEveryBatchNormAndKeepsOutputs() throws Exception {
        GraphProto plain = builder.build(resnet10, new Shape(3, 16, 16), GraphOptions.defaults());
        GraphProto folded = builder.build(resnet10, new Shape(3, 16, 16), new GraphOptions(true, false, null));

        long batchNorms =
                opTypes(plain).stream().filter("BatchNormalization"::equals).count();
        assertTrue(batchNorms > 0);
        assertFalse(opTypes(folded).contains("BatchNormalization"));
        assertEquals(plain.getNodeCount() - batchNorms, folded.getNodeCount());
        assertTrue(folded.getInitializerCount() < plain.getInitializerCount());

        float[] x = TestEncoders.normal(new Random(2), 2 * 3 * 16 * 16, 1f);
        long[] shape = {2, 3, 16, 16};
        float[] expected = OrtRunner.djl(resnet10, manager, x, shape);
        double diff = OrtRunner.maxAbsDiff(expected, run(folded, x, shape).get(OnnxGraphBuilder.EMBEDDING));
        assertTrue(diff < 1e-4, "folded diff " + diff + " for outputs up to " + OrtRunner.maxAbs(expected));
    }

    @Test
    void float16StoresHalfWeightsBehindCasts() throws Exception {
        GraphProto plain = builder.build(resnet10, new Shape(3, 16, 16), GraphOptions.defaults());
        GraphProto half = builder.build(resnet10, new Shape(3, 16, 16), new GraphOptions(false, true, null));

        assertTrue(half.getInitializerList().stream()
                .allMatch(t -> t.getDataType() == TensorProto.DataType.FLOAT16_VALUE));
        long casts = opTypes(half).stream().filter("Cast"::equals).count();
        assertEquals(half.getInitializerCount(), casts);
        assertEquals(plain.getNodeCount() + casts, half.getNodeCount());
        long plainBytes = plain.getInitializerList().stream()
                .mapToLong(t -> t.getRawData().size())
                .sum();
        long halfBytes = half.getInitializerList().stream()
                .mapToLong(t -> t.getRawData().size())
                .sum();
        assertEquals(plainBytes, 2 * halfBytes);

        float[] x = TestEncoders.normal(new Random(3), 2 * 3 * 16 * 16, 1f);
        long[] shape = {2, 3, 16, 16};
        float[] expected = OrtRunner.djl(resnet10, manager, x, shape);
        double diff = OrtRunner.maxAbsDiff(expected, run(half, x, shape).get(OnnxGraphBuilder.EMBEDDING));
        assertTrue(diff < 1e-2, "float16 diff " + diff);
        assertTrue(diff > 0, "float16 weights must change the result a little");
    }

    @Test
    void float16RejectsWeightsBeyondItsRange() {
        Block net = new SequentialBlock().add(conv(2)).add(new GlobalAvgPoolBlock());
        TestEncoders.prepare(net, new Shape(1, 3, 8, 8), manager, 5);
        net.getParameters().valueAt(0).getArray().set(new NDIndex("0,0,0,0"), 1e5f);

        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> builder.build(net, new Shape(3, 8, 8), new GraphOptions(false, true, null)));
        assertTrue(e.getMessage().contains("float16 range"), e.getMessage());
    }

    @Test
    void headAddsProbabilitiesThatSumToOne() throws Exception {
        Random rng = new Random(4);
        float[][] w = new float[3][32];
        for (float[] row : w) {
            System.arraycopy(TestEncoders.normal(rng, 32, 0.5f), 0, row, 0, 32);
        }
        LinearHead head = new LinearHead(w, new float[] {0.1f, -0.2f, 0.3f}, List.of("a", "b", "c"));
        GraphProto graph = builder.build(resnet10, new Shape(3, 16, 16), new GraphOptions(true, false, head));

        assertEquals(
                List.of(OnnxGraphBuilder.EMBEDDING, OnnxGraphBuilder.PROBABILITIES),
                graph.getOutputList().stream().map(o -> o.getName()).toList());
        float[] x = TestEncoders.normal(rng, 2 * 3 * 16 * 16, 1f);
        long[] shape = {2, 3, 16, 16};
        Map<String, float[]> out = run(graph, x, shape);
        float[] p = out.get(OnnxGraphBuilder.PROBABILITIES);
        assertEquals(6, p.length);
        for (int i = 0; i < 2; i++) {
            float[] e = Arrays.copyOfRange(out.get(OnnxGraphBuilder.EMBEDDING), i * 32, i * 32 + 32);
            double[] expected = head.probabilities(e);
            for (int k = 0; k < 3; k++) {
                assertEquals(expected[k], p[i * 3 + k], 1e-5);
            }
        }
    }

    @Test
    void headMustMatchEmbeddingWidth() {
        LinearHead head = new LinearHead(new float[2][7], new float[2], List.of());
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> builder.build(resnet10, new Shape(3, 16, 16), new GraphOptions(false, false, head)));
        assertTrue(e.getMessage().contains("7"), e.getMessage());
    }

    private static Map<String, float[]> run(GraphProto graph, float[] x, long[] shape) throws Exception {
        byte[] model = ModelAssembler.assemble(graph, Map.of(), "test").toByteArray();
        return OrtRunner.run(model, x, shape, OptLevel.ALL_OPT);
    }

    private static List<String> opTypes(GraphProto graph) {
        return graph.getNodeList().stream().map(NodeProto::getOpType).toList();
    }

    private static Conv2d conv(int filters) {
        return Conv2d.builder()
                .setFilters(filters)
                .setKernelShape(new Shape(3, 3))
                .optPadding(new Shape(1, 1))
                .optBias(false)
                .build();
    }

    /** Returns its input unchanged; exportable only with an extra converter. */
    static final class PassThroughBlock extends AbstractBlock {
        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
            return in;
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return inputShapes;
        }
    }

    /** A block the exporter knows nothing about. */
    static final class SquareBlock extends AbstractBlock {
        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
            return new NDList(in.singletonOrThrow().square());
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return inputShapes;
        }
    }
}
