package io.byol4j.trainer.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import io.byol4j.trainer.config.OptimizerConfig;
import io.byol4j.trainer.testing.SingleThreadedTorch;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** One update of each optimiser against numbers computed by hand. */
@ExtendWith(SingleThreadedTorch.class)
class OptimizerTest {

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager(Device.cpu());
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private TrainableParameter parameter(String name, Parameter.Type type, float[] value, boolean regularized) {
        Parameter p = Parameter.builder().setName(name).setType(type).build();
        NDArray array = manager.create(value);
        array.setRequiresGradient(true);
        p.setArray(array);
        return new TrainableParameter(name, p, regularized);
    }

    /** Makes the gradient of each parameter equal to the given vector: d/dw sum(w * c) = c. */
    private void gradients(List<TrainableParameter> params, float[]... grads) {
        try (NDManager scratch = manager.newSubManager();
                GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray loss = null;
            for (int i = 0; i < params.size(); i++) {
                NDArray term =
                        params.get(i).array().mul(scratch.create(grads[i])).sum();
                loss = loss == null ? term : loss.add(term);
            }
            gc.backward(loss);
        }
    }

    private static OptimizerConfig config(String type, double weightDecay, double trust) {
        return new OptimizerConfig(type, 1.0, weightDecay, 0.9, trust, true, false, 0.999, 1e-8);
    }

    private static OptimizerConfig clippedLars(double weightDecay, double trust) {
        return new OptimizerConfig("lars", 1.0, weightDecay, 0.9, trust, true, true, 0.999, 1e-8);
    }

    @Test
    void larsClipLrCapsTheLayerRateAtTheScheduledRate() {
        // Same parameter and gradient for three optimisers: u = g + 0.1 w = [0.9, 1.2], ||u|| = 1.5, ||w|| = 5.
        TrainableParameter small = parameter("w", Parameter.Type.WEIGHT, new float[] {3, 4}, true);
        TrainableParameter large = parameter("w", Parameter.Type.WEIGHT, new float[] {3, 4}, true);
        TrainableParameter bias = parameter("b", Parameter.Type.BIAS, new float[] {1, 2}, false);
        try (Optimizer a = Optimizer.create(clippedLars(0.1, 1e-3), List.of(small, bias), manager);
                Optimizer b = Optimizer.create(clippedLars(0.1, 1.0), List.of(large), manager)) {
            gradients(List.of(small, bias), new float[] {0.6f, 0.8f}, new float[] {0.5f, -0.5f});
            a.step(0.5);
            // eta 1e-3: r = 1e-3 * 5 / 1.5 = 1/300, r / lr = 1/150 < 1, so u is scaled by 1/150 = [0.006, 0.008]
            // and w = w - 0.5 [0.006, 0.008] = w - r u: the layer's rate is min(r, lr) = r
            assertArrayEquals(new float[] {2.997f, 3.996f}, small.array().toFloatArray(), 1e-6f);
            // the bias is not regularised: no decay, no ratio, no clipping: w = [1, 2] - 0.5 [0.5, -0.5]
            assertArrayEquals(new float[] {0.75f, 2.25f}, bias.array().toFloatArray(), 1e-6f);

            gradients(List.of(large), new float[] {0.6f, 0.8f});
            b.step(0.5);
            // eta 1: r = 5 / 1.5 = 3.33, r / lr = 6.67 is clipped to 1: u stays [0.9, 1.2], w = w - 0.5 u,
            // the rate is min(r, lr) = lr (unclipped LARS would move by 0.5 * 3.33 u)
            assertArrayEquals(new float[] {2.55f, 3.4f}, large.array().toFloatArray(), 1e-6f);
        }
    }

    @Test
    void larsStep() {
        TrainableParameter w = parameter("w", Parameter.Type.WEIGHT, new float[] {3, 4}, true);
        TrainableParameter b = parameter("b", Parameter.Type.BIAS, new float[] {1, 2}, false);
        List<TrainableParameter> params = List.of(w, b);
        try (Optimizer opt = Optimizer.create(config("lars", 0.1, 1e-3), params, manager)) {
            gradients(params, new float[] {0.6f, 0.8f}, new float[] {0.5f, -0.5f});
            opt.step(0.5);
            // u = g + 0.1 w = [0.9, 1.2], ||u|| = 1.5, ||w|| = 5, ratio = 1e-3 * 5 / 1.5
            // mu = u * ratio = [0.003, 0.004]; w = w - 0.5 mu
            assertArrayEquals(new float[] {2.9985f, 3.998f}, w.array().toFloatArray(), 1e-6f);
            // bias: no decay, no trust ratio: w = [1, 2] - 0.5 [0.5, -0.5]
            assertArrayEquals(new float[] {0.75f, 2.25f}, b.array().toFloatArray(), 1e-6f);
            // gradients were reset
            assertEquals(0f, w.array().getGradient().abs().sum().getFloat());

            gradients(params, new float[] {0.6f, 0.8f}, new float[] {0.5f, -0.5f});
            opt.step(0.5);
            // bias momentum: mu = 0.9 [0.5, -0.5] + [0.5, -0.5] = [0.95, -0.95]
            assertArrayEquals(new float[] {0.275f, 2.725f}, b.array().toFloatArray(), 1e-6f);
            assertEquals(2, opt.updates());
        }
    }

    @Test
    void larsKeepsRatioOneForZeroWeights() {
        TrainableParameter w = parameter("w", Parameter.Type.WEIGHT, new float[] {0, 0}, true);
        List<TrainableParameter> params = List.of(w);
        try (Optimizer opt = Optimizer.create(config("lars", 0.0, 1e-3), params, manager)) {
            gradients(params, new float[] {1f, -2f});
            opt.step(0.1);
            assertArrayEquals(new float[] {-0.1f, 0.2f}, w.array().toFloatArray(), 1e-7f);
        }
    }

    @Test
    void sgdStep() {
        TrainableParameter w = parameter("w", Parameter.Type.WEIGHT, new float[] {1, -2}, true);
        List<TrainableParameter> params = List.of(w);
        try (Optimizer opt = Optimizer.create(config("sgd", 0.01, 1e-3), params, manager)) {
            gradients(params, new float[] {0.5f, 0.25f});
            opt.step(0.1);
            // u = g + 0.01 w = [0.51, 0.23]; w = w - 0.1 u
            assertArrayEquals(new float[] {0.949f, -2.023f}, w.array().toFloatArray(), 1e-6f);
            gradients(params, new float[] {0.5f, 0.25f});
            opt.step(0.1);
            // u = [0.5 + 0.00949, 0.25 - 0.02023] = [0.50949, 0.22977]; buf = 0.9 [0.51, 0.23] + u
            assertArrayEquals(
                    new float[] {0.949f - 0.1f * (0.459f + 0.50949f), -2.023f - 0.1f * (0.207f + 0.22977f)},
                    w.array().toFloatArray(),
                    1e-6f);
        }
    }

    @Test
    void adamWStep() {
        TrainableParameter w = parameter("w", Parameter.Type.WEIGHT, new float[] {1, -2}, true);
        TrainableParameter gamma = parameter("gamma", Parameter.Type.GAMMA, new float[] {1, 1}, false);
        List<TrainableParameter> params = List.of(w, gamma);
        try (Optimizer opt = Optimizer.create(config("adamw", 0.01, 1e-3), params, manager)) {
            gradients(params, new float[] {0.5f, 0.25f}, new float[] {-4f, 0.001f});
            opt.step(0.1);
            // t = 1: bias-corrected m = g, v = g^2, so the Adam step is lr * sign(g) (eps negligible);
            // decoupled decay: w * (1 - 0.1 * 0.01) = [0.999, -1.998]
            assertArrayEquals(new float[] {0.899f, -2.098f}, w.array().toFloatArray(), 1e-6f);
            // gamma is not decayed
            assertArrayEquals(new float[] {1.1f, 0.9f}, gamma.array().toFloatArray(), 1e-5f);
        }
    }

    @Test
    void stateRoundTripsAndContinuesIdentically() throws IOException {
        float[] start = {0.5f, -1f, 2f};
        float[] grad = {0.1f, 0.2f, -0.3f};
        TrainableParameter a = parameter("w", Parameter.Type.WEIGHT, start, true);
        TrainableParameter b = parameter("w", Parameter.Type.WEIGHT, start, true);
        OptimizerConfig cfg = config("adamw", 0.01, 1e-3);
        try (Optimizer optA = Optimizer.create(cfg, List.of(a), manager);
                Optimizer optB = Optimizer.create(cfg, List.of(b), manager)) {
            for (int i = 0; i < 3; i++) {
                gradients(List.of(a), grad);
                optA.step(0.05);
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            optA.save(new DataOutputStream(bytes));
            b.array().set(a.array().toFloatArray());
            optB.load(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            assertEquals(3, optB.updates());
            gradients(List.of(a), grad);
            optA.step(0.05);
            gradients(List.of(b), grad);
            optB.step(0.05);
            assertArrayEquals(a.array().toFloatArray(), b.array().toFloatArray(), 0f);

            try (Optimizer sgd = Optimizer.create(config("sgd", 0, 1e-3), List.of(b), manager)) {
                IOException e = assertThrows(
                        IOException.class,
                        () -> sgd.load(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))));
                assertTrue(e.getMessage().contains("adamw"), e.getMessage());
            }
        }
    }
}
