package io.byol4j.exporter.graph;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Folds inference-mode BatchNormalization into the Conv or Gemm ({@code transB=1}) that feeds it.
 * With {@code s = gamma / sqrt(var + eps)} per output channel, {@code W' = W · s} (row-wise) and
 * {@code b' = (b - mean) · s + beta}. A pair is folded only when the BatchNormalization is the sole
 * reader of the producer's output and every operand is an initializer.
 */
final class BatchNormFolding {

    private static final float DEFAULT_EPSILON = 1e-5f;

    private final List<NodeProto> nodes;
    private final Map<String, FloatTensor> initializers;
    private final Set<String> graphOutputs;

    BatchNormFolding(List<NodeProto> nodes, Map<String, FloatTensor> initializers, Set<String> graphOutputs) {
        this.nodes = nodes;
        this.initializers = initializers;
        this.graphOutputs = graphOutputs;
    }

    /** Rewrites the node list in place and returns how many BatchNormalization nodes were folded. */
    int apply() {
        Map<String, Integer> readers = countReaders();
        Map<String, Integer> producerIndex = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            for (String out : nodes.get(i).getOutputList()) {
                producerIndex.put(out, i);
            }
        }
        List<NodeProto> result = new ArrayList<>(nodes);
        boolean[] removed = new boolean[nodes.size()];
        int folded = 0;
        for (int i = 0; i < nodes.size(); i++) {
            NodeProto bn = nodes.get(i);
            if (!"BatchNormalization".equals(bn.getOpType()) || bn.getInputCount() != 5) {
                continue;
            }
            String x = bn.getInput(0);
            Integer p = producerIndex.get(x);
            if (p == null || removed[p] || readers.getOrDefault(x, 0) != 1 || graphOutputs.contains(x)) {
                continue;
            }
            NodeProto producer = result.get(p);
            if (!foldable(producer) || !allInitializers(bn.getInputList().subList(1, 5))) {
                continue;
            }
            result.set(p, fold(producer, bn));
            removed[i] = true;
            folded++;
        }
        nodes.clear();
        for (int i = 0; i < result.size(); i++) {
            if (!removed[i]) {
                nodes.add(result.get(i));
            }
        }
        return folded;
    }

    private boolean foldable(NodeProto node) {
        boolean linear;
        switch (node.getOpType()) {
            case "Conv":
                linear = true;
                break;
            case "Gemm":
                linear = intAttribute(node, "transB", 0) == 1
                        && intAttribute(node, "transA", 0) == 0
                        && floatAttribute(node, "alpha", 1f) == 1f
                        && floatAttribute(node, "beta", 1f) == 1f;
                break;
            default:
                linear = false;
        }
        return linear
                && node.getInputCount() >= 2
                && allInitializers(node.getInputList().subList(1, node.getInputCount()));
    }

    private NodeProto fold(NodeProto producer, NodeProto bn) {
        FloatTensor w = initializers.get(producer.getInput(1));
        float[] gamma = initializers.get(bn.getInput(1)).values();
        float[] beta = initializers.get(bn.getInput(2)).values();
        float[] mean = initializers.get(bn.getInput(3)).values();
        float[] var = initializers.get(bn.getInput(4)).values();
        int channels = w.rows();
        if (gamma.length != channels || beta.length != channels || mean.length != channels || var.length != channels) {
            throw new IllegalStateException("BatchNormalization " + bn.getName() + " has " + gamma.length
                    + " channels but " + producer.getName() + " produces " + channels);
        }
        float[] bias = producer.getInputCount() > 2
                ? initializers.get(producer.getInput(2)).values()
                : new float[channels];
        double eps = floatAttribute(bn, "epsilon", DEFAULT_EPSILON);
        float[] weights = w.values().clone();
        int perChannel = weights.length / channels;
        float[] foldedBias = new float[channels];
        for (int c = 0; c < channels; c++) {
            double scale = gamma[c] / Math.sqrt(var[c] + eps);
            for (int j = c * perChannel; j < (c + 1) * perChannel; j++) {
                weights[j] = (float) (weights[j] * scale);
            }
            foldedBias[c] = (float) ((bias[c] - (double) mean[c]) * scale + beta[c]);
        }
        String weightName = producer.getName() + "/folded_weight";
        String biasName = producer.getName() + "/folded_bias";
        initializers.put(weightName, new FloatTensor(weightName, w.dims(), weights));
        initializers.put(biasName, new FloatTensor(biasName, new long[] {channels}, foldedBias));
        return producer.toBuilder()
                .clearInput()
                .addInput(producer.getInput(0))
                .addInput(weightName)
                .addInput(biasName)
                .clearOutput()
                .addOutput(bn.getOutput(0))
                .build();
    }

    private boolean allInitializers(List<String> names) {
        return names.stream().allMatch(initializers::containsKey);
    }

    private Map<String, Integer> countReaders() {
        Map<String, Integer> readers = new HashMap<>();
        for (NodeProto n : nodes) {
            for (String in : n.getInputList()) {
                readers.merge(in, 1, Integer::sum);
            }
        }
        return readers;
    }

    private static long intAttribute(NodeProto node, String name, long fallback) {
        for (AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getI();
            }
        }
        return fallback;
    }

    private static float floatAttribute(NodeProto node, String name, float fallback) {
        for (AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getF();
            }
        }
        return fallback;
    }
}
