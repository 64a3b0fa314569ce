package io.byol4j.trainer.network;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Loads DJL block parameters into an initialised block and checks that every shape still fits. */
final class ParameterLoading {

    private ParameterLoading() {}

    /**
     * Replaces the parameter arrays of {@code block} (already initialised) with those in {@code in},
     * releasing the previous arrays.
     *
     * @throws MalformedModelException if a parameter is missing, misnamed or of another shape, or the
     *     stream holds more data than the block
     */
    static void load(Block block, NDManager manager, DataInputStream in, String what)
            throws IOException, MalformedModelException {
        List<Pair<String, Shape>> expected = new ArrayList<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            expected.add(new Pair<>(p.getKey(), p.getValue().getShape()));
            p.getValue().close();
        }
        try {
            block.loadParameters(manager, in);
        } catch (MalformedModelException e) {
            throw new MalformedModelException(what + " parameters do not match this network: " + e.getMessage(), e);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new MalformedModelException(what + " parameters are corrupt: " + e.getMessage(), e);
        }
        int i = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            Pair<String, Shape> want = expected.get(i++);
            if (!p.getValue().isInitialized()) {
                throw new MalformedModelException(what + " parameter " + want.getKey() + " is missing");
            }
            Shape got = p.getValue().getArray().getShape();
            if (!got.equals(want.getValue())) {
                throw new MalformedModelException(what + " parameter " + want.getKey() + " has shape " + got
                        + ", this network needs " + want.getValue());
            }
        }
        if (in.read() != -1) {
            throw new MalformedModelException(what + " parameters hold more data than this network");
        }
    }
}
