package io.byol4j.trainer.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import java.util.Objects;

/**
 * A parameter the optimiser updates.
 *
 * @param name stable hierarchical name (identical across runs for the same architecture); keys the
 *     optimiser state in checkpoints
 * @param parameter the DJL parameter whose array holds the value and the gradient
 * @param regularized true when weight decay and LARS adaptation apply; false for biases and BatchNorm
 *     gamma/beta when the config excludes them
 */
public record TrainableParameter(String name, Parameter parameter, boolean regularized) {

    /** Validates that both are present. */
    public TrainableParameter {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(parameter, "parameter");
    }

    /** True for the parameter types BYOL excludes from weight decay and LARS: biases, gamma and beta. */
    public static boolean isBiasOrNorm(Parameter p) {
        return switch (p.getType()) {
            case BIAS, GAMMA, BETA -> true;
            default -> false;
        };
    }

    /** The current value. */
    public NDArray array() {
        NDArray a = parameter.getArray();
        if (a == null) {
            throw new IllegalStateException("parameter " + name + " is not initialised");
        }
        return a;
    }
}
