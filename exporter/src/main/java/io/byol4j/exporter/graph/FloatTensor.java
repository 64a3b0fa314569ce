package io.byol4j.exporter.graph;

import java.util.Arrays;

/** A named float32 constant of the graph (an initializer), kept as Java values until serialisation. */
record FloatTensor(String name, long[] dims, float[] values) {

    FloatTensor {
        long count = Arrays.stream(dims).reduce(1L, Math::multiplyExact);
        if (count != values.length) {
            throw new IllegalArgumentException(
                    "initializer " + name + " has " + values.length + " values but shape " + Arrays.toString(dims));
        }
    }

    /** Size of dimension 0 (the output channel of a weight); 1 for a scalar. */
    int rows() {
        return dims.length == 0 ? 1 : (int) dims[0];
    }
}
