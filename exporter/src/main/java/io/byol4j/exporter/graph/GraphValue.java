package io.byol4j.exporter.graph;

import ai.djl.ndarray.types.Shape;
import java.util.Objects;

/**
 * A tensor flowing through the graph under construction: its ONNX name and its DJL shape, with the
 * batch dimension given as 1 (the exported graph keeps the batch dimension symbolic).
 *
 * @param name the ONNX value name
 * @param shape the shape DJL reports for a batch of one
 */
public record GraphValue(String name, Shape shape) {

    /** Validates that both parts are present. */
    public GraphValue {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(shape, "shape");
    }
}
