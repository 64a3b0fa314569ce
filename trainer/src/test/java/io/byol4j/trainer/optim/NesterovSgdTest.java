package io.byol4j.trainer.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import io.byol4j.trainer.testing.SingleThreadedTorch;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Two Nesterov updates against PyTorch's formula worked out by hand. */
@ExtendWith(SingleThreadedTorch.class)
class NesterovSgdTest {

    @Test
    void twoStepsMatchTheNesterovFormulaAndWeightDecaySkipsUnregularised() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            TrainableParameter w = parameter(manager, "w", true);
            TrainableParameter b = parameter(manager, "b", false);
            try (NesterovSgd sgd = new NesterovSgd(List.of(w, b), manager, 0.9, 0.1)) {
                for (int step = 0; step < 2; step++) {
                    gradient(manager, w, b);
                    sgd.step(0.1);
                }
                // w (decayed): u1 = 0.5 + 0.1*1 = 0.6, buf 0.6, w = 1 - 0.1*(0.6 + 0.54) = 0.886;
                //   u2 = 0.5 + 0.0886 = 0.5886, buf = 0.54 + 0.5886 = 1.1286, w = 0.886 - 0.1*(0.5886 + 1.01574)
                assertEquals(0.886 - 0.1 * (0.5886 + 0.9 * 1.1286), w.array().getFloat(), 1e-5);
                // b (no decay): 1 - 0.095 = 0.905, then 0.905 - 0.1*(0.5 + 0.9*0.95) = 0.7695
                assertEquals(0.7695, b.array().getFloat(), 1e-5);
                assertEquals("nesterov-sgd", sgd.type());
            }
        }
    }

    @Test
    void refusesMomentumOutOfRange() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            TrainableParameter w = parameter(manager, "w", true);
            assertThrows(IllegalArgumentException.class, () -> new NesterovSgd(List.of(w), manager, 1.0, 0));
            assertThrows(IllegalArgumentException.class, () -> new NesterovSgd(List.of(w), manager, 0.9, -1));
        }
    }

    private static TrainableParameter parameter(NDManager manager, String name, boolean regularized) {
        Parameter p =
                Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).build();
        NDArray array = manager.create(new float[] {1f}).reshape(1);
        array.setRequiresGradient(true);
        p.setArray(array);
        return new TrainableParameter(name, p, regularized);
    }

    private static void gradient(NDManager manager, TrainableParameter... params) {
        try (NDManager scratch = manager.newSubManager();
                GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray loss = null;
            for (TrainableParameter p : params) {
                NDArray term = p.array().mul(scratch.create(new float[] {0.5f})).sum();
                loss = loss == null ? term : loss.add(term);
            }
            gc.backward(loss);
        }
    }
}
