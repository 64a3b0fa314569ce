package io.byol4j.exporter.graph;

import io.byol4j.exporter.head.LinearHead;
import java.util.Optional;

/**
 * How {@link OnnxGraphBuilder} shapes the graph.
 *
 * @param foldBatchNorm fold each BatchNormalization that directly follows a Conv (or Gemm) into its
 *     weights and bias
 * @param float16 store weights as float16 and cast them to float32 at the start of the graph; inputs,
 *     outputs and arithmetic stay float32
 * @param head an optional linear classifier fused after the embedding (Gemm + Softmax), giving the
 *     second output {@link OnnxGraphBuilder#PROBABILITIES}; may be null
 */
public record GraphOptions(boolean foldBatchNorm, boolean float16, LinearHead head) {

    /** Plain float32 graph, no folding, no head. */
    public static GraphOptions defaults() {
        return new GraphOptions(false, false, null);
    }

    /** The fused head, if any. */
    public Optional<LinearHead> optionalHead() {
        return Optional.ofNullable(head);
    }
}
