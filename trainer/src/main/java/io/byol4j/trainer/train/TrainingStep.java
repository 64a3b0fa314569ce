package io.byol4j.trainer.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import io.byol4j.trainer.config.TrainConfig;
import io.byol4j.trainer.metrics.CollapseMonitor;
import io.byol4j.trainer.network.ByolNetwork;
import io.byol4j.trainer.network.ByolReplicas;
import io.byol4j.trainer.network.StepOutputs;
import io.byol4j.trainer.optim.Optimizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One BYOL optimisation step on a prepared batch of two views, exactly as {@link ByolTrainer} runs it:
 * both views through the online and target networks, the symmetric loss, backward into the online
 * network, the collapse statistic of the online projections, the optimiser update and the target EMA
 * update. Every temporary array is released before {@link #run} returns.
 *
 * <p>With several {@link ByolReplicas} the step is synchronously data parallel: the batch is cut into
 * contiguous equal shards, replica {@code i} runs forward and backward on shard {@code i} (all replicas at
 * once, with their own BatchNorm batch statistics), the loss is the mean of the shard losses, the gradients
 * are averaged onto the primary, the primary's optimiser and target EMA update it, and the result is copied
 * to the other replicas. With one replica the step is the single-network step.
 *
 * <p>The trainer drives every step through this class; benchmarks use it to time the step without data
 * loading. Not thread-safe (like {@link ByolNetwork}).
 */
public final class TrainingStep {

    private final ByolNetwork network;
    private final ByolReplicas replicas;
    private final Optimizer optimizer;
    private final Shape inputShape;

    /**
     * What one step yields.
     *
     * @param loss the batch loss; not finite when the step diverged, in which case no update was applied
     * @param collapse {@link CollapseMonitor#meanStd} of the online projections of view 1 (NaN when the
     *     step diverged)
     */
    public record Result(double loss, double collapse) {

        /** True when the loss was finite and the optimiser and target updates were applied. */
        public boolean applied() {
            return Double.isFinite(loss);
        }
    }

    /** The outputs of one replica's shard that outlive its forward and backward pass. */
    private record Shard(double loss, NDArray projection) {}

    /**
     * @param network the networks to train
     * @param optimizer the optimiser over {@code network}'s trainable parameters
     * @param cfg supplies the batch shape: {@code batchSize × channels × imageSize × imageSize}
     */
    public TrainingStep(ByolNetwork network, Optimizer optimizer, TrainConfig cfg) {
        this(network, null, optimizer, cfg);
    }

    /**
     * @param replicas the networks to train, one per device; {@code cfg.batchSize()} must split over them
     *     (see {@link ByolReplicas#checkBatch})
     * @param optimizer the optimiser over the primary replica's trainable parameters
     * @param cfg supplies the global batch shape: {@code batchSize × channels × imageSize × imageSize}
     */
    public TrainingStep(ByolReplicas replicas, Optimizer optimizer, TrainConfig cfg) {
        this(Objects.requireNonNull(replicas, "replicas").primary(), replicas, optimizer, cfg);
        ByolReplicas.checkBatch(cfg.batchSize(), replicas.devices());
    }

    private TrainingStep(ByolNetwork network, ByolReplicas replicas, Optimizer optimizer, TrainConfig cfg) {
        this.network = Objects.requireNonNull(network, "network");
        this.replicas = replicas != null && replicas.size() > 1 ? replicas : null;
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
        this.inputShape = new Shape(cfg.batchSize(), cfg.channels(), cfg.imageSize(), cfg.imageSize());
    }

    /**
     * Trains on one batch. When the loss is not finite, returns at once without touching the weights,
     * the optimiser state or the target (the gradients of that step stay attached).
     *
     * @param view1 first views, NCHW float32 of the configured batch shape
     * @param view2 second views of the same images in the same order
     * @param lr learning rate of this step
     * @param tau target EMA rate of this step, in [0, 1]
     */
    public Result run(float[] view1, float[] view2, double lr, double tau) {
        return replicas == null ? runSingle(view1, view2, lr, tau) : runParallel(view1, view2, lr, tau);
    }

    private Result runSingle(float[] view1, float[] view2, double lr, double tau) {
        try (NDScope scope = new NDScope();
                NDManager stepManager = network.manager().newSubManager()) {
            scope.suppressNotUsedWarning();
            NDArray x1 = stepManager.create(view1, inputShape);
            NDArray x2 = stepManager.create(view2, inputShape);
            StepOutputs outputs;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                outputs = network.forward(x1, x2);
                collector.backward(outputs.loss());
            }
            double loss = outputs.loss().getFloat();
            if (!Double.isFinite(loss)) {
                return new Result(loss, Double.NaN);
            }
            double collapse = CollapseMonitor.meanStd(outputs.onlineProjection());
            optimizer.step(lr);
            network.updateTarget((float) tau);
            return new Result(loss, collapse);
        }
    }

    private Result runParallel(float[] view1, float[] view2, double lr, double tau) {
        long expected = inputShape.size();
        if (view1.length != expected || view2.length != expected) {
            throw new IllegalArgumentException("views must hold " + expected + " floats (" + inputShape + "), got "
                    + view1.length + " and " + view2.length);
        }
        int n = replicas.size();
        List<NDManager> shardManagers = new ArrayList<>(n);
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            for (int i = 0; i < n; i++) {
                shardManagers.add(replicas.get(i).manager().newSubManager());
            }
            List<Shard> shards;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                shards = replicas.onEach(
                        (i, replica) -> forwardBackward(replica, shardManagers.get(i), view1, view2, i, collector));
            }
            double lossSum = 0;
            for (Shard s : shards) {
                lossSum += s.loss();
            }
            double loss = lossSum / n;
            if (!Double.isFinite(loss)) {
                return new Result(loss, Double.NaN);
            }
            double collapse = collapse(shards);
            replicas.averageGradientsOntoPrimary();
            optimizer.step(lr);
            network.updateTarget((float) tau);
            replicas.broadcastFromPrimary();
            return new Result(loss, collapse);
        } finally {
            shardManagers.forEach(NDManager::close);
        }
    }

    /**
     * Forward and backward of one replica on its shard, on the replica's thread. Autograd recording is a
     * per-thread switch in libtorch that the (single, global) gradient collector turns on for the calling
     * thread only, so replica threads turn it on themselves for the duration of the pass.
     */
    private Shard forwardBackward(
            ByolNetwork replica,
            NDManager manager,
            float[] view1,
            float[] view2,
            int index,
            GradientCollector collector) {
        long per = inputShape.size() / replicas.size();
        int from = Math.toIntExact(index * per);
        int to = Math.toIntExact(from + per);
        Shape shardShape = new Shape(replicas.shardSize(), inputShape.get(1), inputShape.get(2), inputShape.get(3));
        boolean recording = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray x1 = manager.create(Arrays.copyOfRange(view1, from, to), shardShape);
            NDArray x2 = manager.create(Arrays.copyOfRange(view2, from, to), shardShape);
            StepOutputs outputs = replica.forward(x1, x2);
            collector.backward(outputs.loss());
            NDArray projection = outputs.onlineProjection().stopGradient();
            NDScope.unregister(projection);
            projection.attach(manager);
            return new Shard(outputs.loss().getFloat(), projection);
        } finally {
            JniUtils.setGradMode(recording);
        }
    }

    /** The collapse statistic over the whole batch: the shards' projections gathered on the primary. */
    private double collapse(List<Shard> shards) {
        Device device = network.device();
        NDList parts = new NDList(shards.size());
        for (Shard s : shards) {
            parts.add(s.projection().toDevice(device, false));
        }
        return CollapseMonitor.meanStd(NDArrays.concat(parts, 0));
    }
}
