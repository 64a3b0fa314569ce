package io.byol4j.trainer.config;

import java.util.List;
import java.util.Locale;

/**
 * The optimiser and its hyper-parameters.
 *
 * <ul>
 *   <li>{@code type}: {@code lars} (the paper's choice), {@code sgd} (momentum SGD) or {@code adamw}.
 *   <li>{@code baseLr}: learning rate for a batch of 256; the peak rate is {@code baseLr × batchSize / 256}.
 *   <li>{@code weightDecay}: L2 coefficient (added to the gradient for LARS/SGD, decoupled for AdamW).
 *   <li>{@code momentum}: heavy-ball momentum for LARS/SGD; first-moment decay (beta1) for AdamW.
 *   <li>{@code trustCoefficient}: LARS eta; the layer-wise rate is {@code eta × ||w|| / ||g + wd·w||}.
 *   <li>{@code excludeBiasAndNorm}: biases and BatchNorm gamma/beta get neither weight decay nor LARS
 *       adaptation (as in the paper).
 *   <li>{@code clipLr}: LARS only. The layer's trust ratio {@code r} is replaced by {@code min(r / lr, 1)},
 *       so the rate a layer actually gets, {@code lr · min(r / lr, 1) = min(r, lr)}, never exceeds the
 *       scheduled rate (solo-learn's {@code clip_lr}, used by its CIFAR recipes). Off in the paper's setting.
 *   <li>{@code beta2}, {@code epsilon}: AdamW's second-moment decay and denominator epsilon.
 * </ul>
 */
public record OptimizerConfig(
        String type,
        double baseLr,
        double weightDecay,
        double momentum,
        double trustCoefficient,
        boolean excludeBiasAndNorm,
        boolean clipLr,
        double beta2,
        double epsilon) {

    /** Supported optimiser types. */
    public static final List<String> TYPES = List.of("lars", "sgd", "adamw");

    /** Validates the type and the ranges; normalises the type to lower case. */
    public OptimizerConfig {
        type = type == null ? "" : type.trim().toLowerCase(Locale.ROOT);
        if (!TYPES.contains(type)) {
            throw new IllegalArgumentException("optimizer.type must be one of " + TYPES + ", got '" + type + "'");
        }
        ConfigChecks.positiveFinite("optimizer.baseLr", baseLr);
        ConfigChecks.nonNegativeFinite("optimizer.weightDecay", weightDecay);
        ConfigChecks.unitInterval("optimizer.momentum", momentum);
        ConfigChecks.positiveFinite("optimizer.trustCoefficient", trustCoefficient);
        ConfigChecks.unitInterval("optimizer.beta2", beta2);
        ConfigChecks.positiveFinite("optimizer.epsilon", epsilon);
    }
}
