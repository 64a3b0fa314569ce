package io.byol4j.exporter.graph;

import ai.djl.nn.Block;

/**
 * Translates one kind of DJL block into ONNX nodes. Implementations are stateless; everything they
 * emit goes through the {@link ConversionContext}.
 *
 * @param <B> the block class this converter handles
 */
@FunctionalInterface
public interface BlockConverter<B extends Block> {

    /**
     * Emits the nodes computing {@code block} in inference mode.
     *
     * @param block the block to translate
     * @param input the block's single input
     * @param context where nodes and initializers go, and how child blocks are converted
     * @return the name of the value holding the block's single output (which may be {@code input}'s
     *     name for an identity)
     */
    String convert(B block, GraphValue input, ConversionContext context);
}
