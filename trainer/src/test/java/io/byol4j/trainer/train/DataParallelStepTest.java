package io.byol4j.trainer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import io.byol4j.trainer.config.TrainConfig;
import io.byol4j.trainer.metrics.CollapseMonitor;
import io.byol4j.trainer.network.ByolNetwork;
import io.byol4j.trainer.network.ByolReplicas;
import io.byol4j.trainer.network.StepOutputs;
import io.byol4j.trainer.optim.Optimizer;
import io.byol4j.trainer.testing.SingleThreadedTorch;
import io.byol4j.trainer.testing.TinyConfigs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The data-parallel {@link TrainingStep} on two CPU replicas, against single networks run on the half-batches. */
@ExtendWith(SingleThreadedTorch.class)
class DataParallelStepTest {

    private static final List<Device> TWO_CPUS = List.of(Device.cpu(), Device.cpu());
    private static final int BATCH = 8;
    private static final int IMAGE = 3 * 16 * 16;

    /** Plain SGD (no momentum, no weight decay): the update is exactly {@code w - lr·g}. */
    private final TrainConfig cfg = TinyConfigs.tiny(
            Path.of("unused"), "optimizer.type=sgd", "optimizer.momentum=0", "optimizer.weightDecay=0");

    private static float[] views(long seed) {
        Random rng = new Random(seed);
        float[] v = new float[BATCH * IMAGE];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rng.nextGaussian();
        }
        return v;
    }

    /** Online and target values by name, weights and BatchNorm statistics. */
    private static Map<String, float[]> values(Block block) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            out.put(p.getKey(), p.getValue().getArray().toFloatArray());
        }
        return out;
    }

    private static void assertClose(
            Map<String, float[]> expected, Map<String, float[]> actual, float tolerance, String what) {
        assertEquals(expected.keySet(), actual.keySet(), what);
        for (String k : expected.keySet()) {
            assertArrayEquals(expected.get(k), actual.get(k), tolerance, what + " " + k);
        }
    }

    /** What a single network does on one half-batch: its loss, projections and gradients. */
    private record Half(
            double loss, float[] projection, Map<String, float[]> gradients, Map<String, float[]> onlineAfterForward) {}

    private static Half half(ByolNetwork net, float[] view1, float[] view2, int shard) {
        int per = BATCH / 2 * IMAGE;
        Shape shape = new Shape(BATCH / 2, 3, 16, 16);
        try (NDManager m = net.manager().newSubManager()) {
            NDArray x1 = m.create(Arrays.copyOfRange(view1, shard * per, (shard + 1) * per), shape);
            NDArray x2 = m.create(Arrays.copyOfRange(view2, shard * per, (shard + 1) * per), shape);
            StepOutputs out;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                out = net.forward(x1, x2);
                gc.backward(out.loss());
            }
            Map<String, float[]> grads = new LinkedHashMap<>();
            for (Pair<String, Parameter> p : net.online().getParameters()) {
                if (p.getValue().requiresGradient()) {
                    grads.put(p.getKey(), p.getValue().getArray().getGradient().toFloatArray());
                }
            }
            return new Half(out.loss().getFloat(), out.onlineProjection().toFloatArray(), grads, values(net.online()));
        }
    }

    @Test
    void twoReplicaStepIsTheMeanOfTheHalfBatchStepsAndLeavesIdenticalReplicas() {
        float[] view1 = views(1);
        float[] view2 = views(2);
        double lr = 0.1;
        float tau = 0.9f;
        try (ByolNetwork a = ByolNetwork.create(cfg, Device.cpu());
                ByolNetwork b = ByolNetwork.create(cfg, Device.cpu());
                ByolReplicas replicas = ByolReplicas.create(cfg, TWO_CPUS);
                Optimizer opt = Optimizer.create(
                        cfg.optimizer(),
                        replicas.primary().trainableParameters(true),
                        replicas.primary().manager());
                NDManager m = NDManager.newBaseManager(Device.cpu())) {
            Map<String, float[]> onlineBefore = values(a.online());
            Map<String, float[]> targetBefore = values(a.target());
            assertClose(onlineBefore, values(replicas.primary().online()), 0f, "same initial weights");
            Half first = half(a, view1, view2, 0);
            Half second = half(b, view1, view2, 1);

            TrainingStep.Result result = new TrainingStep(replicas, opt, cfg).run(view1, view2, lr, tau);

            // (2) the loss is the mean of the two single-network half-batch losses
            assertTrue(result.applied());
            assertEquals((first.loss() + second.loss()) / 2, result.loss(), 1e-6);
            assertTrue(Math.abs(first.loss() - second.loss()) > 1e-4, "the halves differ: " + first + second);
            // the collapse statistic covers the whole batch, in batch order
            int dim = cfg.heads().projectionDim();
            float[] both = new float[BATCH * dim];
            System.arraycopy(first.projection(), 0, both, 0, first.projection().length);
            System.arraycopy(second.projection(), 0, both, first.projection().length, second.projection().length);
            assertEquals(CollapseMonitor.meanStd(m.create(both, new Shape(BATCH, dim))), result.collapse(), 1e-6);

            // (1) the primary stepped with the mean of the shard gradients: w' = w - lr (gA + gB) / 2
            Map<String, float[]> expectedOnline = new LinkedHashMap<>(first.onlineAfterForward());
            for (Map.Entry<String, float[]> g : first.gradients().entrySet()) {
                float[] w = onlineBefore.get(g.getKey()).clone();
                float[] gb = second.gradients().get(g.getKey());
                for (int i = 0; i < w.length; i++) {
                    w[i] -= (float) lr * (g.getValue()[i] + gb[i]) / 2f;
                }
                expectedOnline.put(g.getKey(), w);
            }
            Map<String, float[]> online = values(replicas.primary().online());
            assertClose(expectedOnline, online, 1e-6f, "online after the step");
            // target: EMA of the trainable parameters, BatchNorm statistics copied from the primary
            Map<String, float[]> expectedTarget = new LinkedHashMap<>();
            for (Map.Entry<String, float[]> t : targetBefore.entrySet()) {
                float[] w = online.get(t.getKey());
                float[] x = t.getValue().clone();
                boolean statistic = t.getKey().contains("running");
                for (int i = 0; i < x.length; i++) {
                    x[i] = statistic ? w[i] : tau * x[i] + (1 - tau) * w[i];
                }
                expectedTarget.put(t.getKey(), x);
            }
            assertClose(expectedTarget, values(replicas.primary().target()), 1e-6f, "target after the step");

            // both replicas hold exactly the primary's online and target values, BatchNorm statistics included
            assertClose(online, values(replicas.get(1).online()), 0f, "replica 1 online");
            assertClose(
                    values(replicas.primary().target()), values(replicas.get(1).target()), 0f, "replica 1 target");

            // a second step reuses the replica threads and keeps the replicas in step
            TrainingStep.Result again = new TrainingStep(replicas, opt, cfg).run(view2, view1, lr, tau);
            assertTrue(again.applied());
            assertClose(
                    values(replicas.primary().online()), values(replicas.get(1).online()), 0f, "online, step 2");
            assertClose(
                    values(replicas.primary().target()), values(replicas.get(1).target()), 0f, "target, step 2");
        }
    }

    @Test
    void oneReplicaStepIsBitIdenticalToTheSingleNetworkStep() {
        TrainConfig lars = TinyConfigs.tiny(Path.of("unused"));
        float[] view1 = views(3);
        float[] view2 = views(4);
        List<Double> single = new ArrayList<>();
        List<Double> replicated = new ArrayList<>();
        Map<String, float[]> singleWeights;
        try (ByolNetwork net = ByolNetwork.create(lars, Device.cpu());
                Optimizer opt = Optimizer.create(lars.optimizer(), net.trainableParameters(true), net.manager())) {
            TrainingStep step = new TrainingStep(net, opt, lars);
            for (int i = 0; i < 3; i++) {
                single.add(step.run(view1, view2, 0.05, 0.99).loss());
            }
            singleWeights = values(net.online());
        }
        try (ByolReplicas one = ByolReplicas.create(lars, List.of(Device.cpu()));
                Optimizer opt = Optimizer.create(
                        lars.optimizer(),
                        one.primary().trainableParameters(true),
                        one.primary().manager())) {
            TrainingStep step = new TrainingStep(one, opt, lars);
            for (int i = 0; i < 3; i++) {
                replicated.add(step.run(view1, view2, 0.05, 0.99).loss());
            }
            assertEquals(single, replicated);
            assertClose(singleWeights, values(one.primary().online()), 0f, "weights");
        }
    }

    @Test
    void viewsOfAnotherBatchSizeAreRejected() {
        try (ByolReplicas replicas = ByolReplicas.create(cfg, TWO_CPUS);
                Optimizer opt = Optimizer.create(
                        cfg.optimizer(),
                        replicas.primary().trainableParameters(true),
                        replicas.primary().manager())) {
            float[] short1 = new float[(BATCH - 2) * IMAGE];
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> new TrainingStep(replicas, opt, cfg).run(short1, short1, 0.1, 0.9));
            assertTrue(e.getMessage().contains("views must hold"), e.getMessage());
        }
    }
}
