package io.byol4j.exporter.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The graph under construction, as seen by {@link BlockConverter}s: converters add initializers and
 * nodes here and convert their children through {@link #convert}. Names of emitted values derive from
 * the block's path in the tree, so the ONNX graph reads like the DJL model.
 */
public final class ConversionContext {

    private final ConverterRegistry registry;
    private final Deque<String> path = new ArrayDeque<>();
    private final List<NodeProto> nodes = new ArrayList<>();
    private final Map<String, FloatTensor> initializers = new LinkedHashMap<>();
    private final Set<String> names = new HashSet<>();
    private final Deque<Block> blocks = new ArrayDeque<>();

    ConversionContext(ConverterRegistry registry, String rootName, Set<String> reservedNames) {
        this.registry = registry;
        this.path.addLast(rootName);
        this.names.addAll(reservedNames);
    }

    /**
     * Converts child {@code block} (named {@code name} under the current block) applied to
     * {@code input}, and returns its output together with the shape DJL predicts for it.
     *
     * @throws UnsupportedBlockException if no converter is registered for the block's class
     */
    public GraphValue convert(String name, Block block, GraphValue input) {
        path.addLast(name);
        blocks.addLast(block);
        try {
            return convertCurrent(block, input);
        } finally {
            path.removeLast();
            blocks.removeLast();
        }
    }

    GraphValue convertRoot(Block block, GraphValue input) {
        blocks.addLast(block);
        try {
            return convertCurrent(block, input);
        } finally {
            blocks.removeLast();
        }
    }

    private <B extends Block> GraphValue convertCurrent(B block, GraphValue input) {
        BlockConverter<B> converter = registry.find(block)
                .orElseThrow(() -> unsupported("no ONNX converter is registered for this block type (supported: "
                        + registry.supportedBlocks() + ")"));
        String output = converter.convert(block, input, this);
        Shape outputShape;
        try {
            outputShape = block.getOutputShapes(new Shape[] {input.shape()})[0];
        } catch (RuntimeException e) {
            throw unsupported("DJL cannot infer its output shape for input " + input.shape() + ": " + e.getMessage());
        }
        return new GraphValue(output, outputShape);
    }

    /** Slash-separated child names from the root to the block being converted. */
    public String path() {
        return String.join("/", path);
    }

    /** An {@link UnsupportedBlockException} for the block being converted, with {@code reason}. */
    public UnsupportedBlockException unsupported(String reason) {
        Block current = blocks.peekLast();
        String type = current == null ? "?" : current.getClass().getName();
        return new UnsupportedBlockException(type, path(), reason);
    }

    /**
     * Adds the value of the current block's parameter {@code parameterName} as an initializer named
     * after the block's path, and returns that name.
     *
     * @throws UnsupportedBlockException if the block has no such parameter or it is not initialised
     */
    public String parameter(Block block, String parameterName) {
        return initializer(parameterName, parameterValues(block, parameterName), parameterShape(block, parameterName));
    }

    /** True when {@code block} has a direct parameter called {@code parameterName}. */
    public boolean hasParameter(Block block, String parameterName) {
        return block.getDirectParameters().contains(parameterName);
    }

    /** The current values of {@code block}'s parameter {@code parameterName} as float32. */
    public float[] parameterValues(Block block, String parameterName) {
        NDArray array = parameterArray(block, parameterName);
        if (array.getDataType() == DataType.FLOAT32) {
            return array.toFloatArray();
        }
        try (NDArray converted = array.toType(DataType.FLOAT32, true)) {
            return converted.toFloatArray();
        }
    }

    /** The dimensions of {@code block}'s parameter {@code parameterName}. */
    public long[] parameterShape(Block block, String parameterName) {
        return parameterArray(block, parameterName).getShape().getShape();
    }

    /** The (initialised) array of {@code block}'s parameter {@code parameterName}. */
    public NDArray parameterArray(Block block, String parameterName) {
        if (!hasParameter(block, parameterName)) {
            throw unsupported("it has no parameter '" + parameterName + "' (has "
                    + block.getDirectParameters().keys() + ")");
        }
        Parameter p = block.getDirectParameters().get(parameterName);
        if (!p.isInitialized() || p.getArray() == null) {
            throw unsupported("parameter '" + parameterName + "' is not initialised");
        }
        return p.getArray();
    }

    /**
     * Adds a float32 constant named {@code <path>/<suffix>} and returns its name.
     *
     * @throws UnsupportedBlockException if a value is NaN or infinite
     */
    public String initializer(String suffix, float[] values, long... dims) {
        for (float v : values) {
            if (!Float.isFinite(v)) {
                throw unsupported("constant '" + suffix + "' contains " + v);
            }
        }
        String name = uniqueName(path() + "/" + suffix);
        initializers.put(name, new FloatTensor(name, dims.clone(), values.clone()));
        return name;
    }

    /**
     * Adds a node of type {@code opType} reading {@code inputs}, with one output named after the
     * current path and the op type; returns the output name.
     */
    public String node(String opType, List<String> inputs, AttributeProto... attributes) {
        String name = uniqueName(path() + "/" + opType);
        nodes.add(NodeProto.newBuilder()
                .setName(name)
                .setOpType(opType)
                .addAllInput(inputs)
                .addOutput(name)
                .addAllAttribute(List.of(attributes))
                .build());
        return name;
    }

    private String uniqueName(String base) {
        String name = base;
        for (int i = 2; !names.add(name); i++) {
            name = base + "_" + i;
        }
        return name;
    }

    List<NodeProto> nodes() {
        return nodes;
    }

    Map<String, FloatTensor> initializers() {
        return initializers;
    }
}
