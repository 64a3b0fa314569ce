package io.byol4j.exporter.graph;

import ai.djl.nn.Block;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Maps block classes to their converters. Lookup is by exact class: a subclass may change
 * {@code forward}, so it is only exportable once a converter is registered for it explicitly.
 */
public final class ConverterRegistry {

    private final Map<Class<? extends Block>, BlockConverter<? extends Block>> converters = new LinkedHashMap<>();

    /** Registers (or replaces) the converter for {@code type}; returns this registry. */
    public <B extends Block> ConverterRegistry register(Class<B> type, BlockConverter<? super B> converter) {
        converters.put(Objects.requireNonNull(type, "type"), Objects.requireNonNull(converter, "converter"));
        return this;
    }

    /** A copy of this registry that can be changed without affecting this one. */
    public ConverterRegistry copy() {
        ConverterRegistry copy = new ConverterRegistry();
        copy.converters.putAll(converters);
        return copy;
    }

    /** Simple names of the block classes that can be converted, in registration order. */
    public List<String> supportedBlocks() {
        return converters.keySet().stream().map(Class::getSimpleName).toList();
    }

    /** The converter registered for exactly {@code block}'s class. */
    @SuppressWarnings("unchecked")
    <B extends Block> Optional<BlockConverter<B>> find(B block) {
        return Optional.ofNullable((BlockConverter<B>) converters.get(block.getClass()));
    }
}
