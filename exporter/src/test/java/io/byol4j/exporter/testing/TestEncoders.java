package io.byol4j.exporter.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.byol4j.trainer.checkpoint.LoadedEncoder;
import io.byol4j.trainer.model.EncoderSpec;
import io.byol4j.trainer.model.Encoders;
import java.util.Random;

/**
 * Encoders with random weights and non-trivial BatchNorm state for export tests: gamma and beta are
 * randomised and a few training-mode forward passes move the running statistics away from (0, 1).
 */
public final class TestEncoders {

    private TestEncoders() {}

    /** A trained-looking encoder for {@code spec} on {@code size × size} inputs, owned by {@code manager}. */
    public static Block encoder(EncoderSpec spec, int size, NDManager manager, long seed) {
        Block block = Encoders.build(spec);
        return prepare(block, new Shape(2, spec.inputChannels(), size, size), manager, seed);
    }

    /** {@link #encoder} wrapped as a loaded checkpoint with plausible normalisation and provenance. */
    public static LoadedEncoder loaded(EncoderSpec spec, int size, NDManager manager, long seed) {
        float[] mean = spec.inputChannels() == 3 ? new float[] {0.49f, 0.48f, 0.45f} : new float[] {0.5f};
        float[] std = spec.inputChannels() == 3 ? new float[] {0.25f, 0.24f, 0.26f} : new float[] {0.3f};
        String config = "{\"encoder\":\"" + spec.displayName() + "\",\"imageSize\":" + size + "}";
        return new LoadedEncoder(
                encoder(spec, size, manager, seed), spec, size, mean, std, config, 1234, "synthetic:shapes");
    }

    /** Initialises {@code block} for {@code inputShape}, randomises BatchNorm and warms its statistics. */
    public static Block prepare(Block block, Shape inputShape, NDManager manager, long seed) {
        manager.getEngine().setRandomSeed((int) seed);
        block.initialize(manager, DataType.FLOAT32, inputShape);
        Random rng = new Random(seed);
        for (Pair<String, Parameter> p : block.getParameters()) {
            String name = p.getValue().getName();
            NDArray array = p.getValue().getArray();
            if ("gamma".equals(name)) {
                array.set(uniform(rng, (int) array.size(), 0.5f, 1.5f));
            } else if ("beta".equals(name)) {
                array.set(normal(rng, (int) array.size(), 0.2f));
            }
        }
        ParameterStore ps = new ParameterStore(manager, false);
        for (int i = 0; i < 3; i++) {
            try (NDManager scope = manager.newSubManager()) {
                float[] x = normal(rng, (int) inputShape.size(), 1f);
                for (int j = 0; j < x.length; j++) {
                    x[j] = x[j] * 0.8f + 0.3f;
                }
                block.forward(ps, new NDList(scope.create(x, inputShape)), true);
            }
        }
        return block;
    }

    /** {@code n} values uniform in [lo, hi). */
    public static float[] uniform(Random rng, int n, float lo, float hi) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = lo + (hi - lo) * rng.nextFloat();
        }
        return v;
    }

    /** {@code n} normal values with standard deviation {@code sigma}. */
    public static float[] normal(Random rng, int n, float sigma) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rng.nextGaussian() * sigma;
        }
        return v;
    }
}
