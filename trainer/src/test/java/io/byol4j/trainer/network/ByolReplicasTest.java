package io.byol4j.trainer.network;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
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
import io.byol4j.trainer.optim.TrainableParameter;
import io.byol4j.trainer.testing.SingleThreadedTorch;
import io.byol4j.trainer.testing.TinyConfigs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SingleThreadedTorch.class)
class ByolReplicasTest {

    private static final List<Device> TWO_CPUS = List.of(Device.cpu(), Device.cpu());

    private final TrainConfig cfg = TinyConfigs.tiny(Path.of("unused"));

    static List<float[]> values(Block block) {
        List<float[]> out = new ArrayList<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            out.add(p.getValue().getArray().toFloatArray());
        }
        return out;
    }

    static void assertSameValues(List<float[]> expected, List<float[]> actual, String what) {
        assertEquals(expected.size(), actual.size(), what);
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), what + " parameter " + i);
        }
    }

    @Test
    void batchMustSplitIntoEqualShardsOfAtLeastTwo() {
        ByolReplicas.checkBatch(8, TWO_CPUS);
        IllegalArgumentException uneven = assertThrows(
                IllegalArgumentException.class,
                () -> ByolReplicas.checkBatch(8, List.of(Device.cpu(), Device.cpu(), Device.cpu())));
        assertTrue(
                uneven.getMessage().contains("batchSize 8 does not split evenly over the 3 training devices"),
                uneven.getMessage());
        assertTrue(uneven.getMessage().contains("multiple of 3"), uneven.getMessage());
        IllegalArgumentException tiny =
                assertThrows(IllegalArgumentException.class, () -> ByolReplicas.checkBatch(2, TWO_CPUS));
        assertTrue(tiny.getMessage().contains("BatchNorm needs at least 2"), tiny.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ByolReplicas.checkBatch(8, List.of()));

        TrainConfig ten = TinyConfigs.tiny(Path.of("unused"), "batchSize=10");
        IllegalArgumentException create = assertThrows(
                IllegalArgumentException.class,
                () -> ByolReplicas.create(ten, List.of(Device.cpu(), Device.cpu(), Device.cpu(), Device.cpu())));
        assertTrue(create.getMessage().contains("batchSize 10"), create.getMessage());
    }

    @Test
    void oneDeviceIsThePlainNetwork() {
        try (ByolReplicas one = ByolReplicas.create(cfg, List.of(Device.cpu()));
                ByolNetwork plain = ByolNetwork.create(cfg, Device.cpu())) {
            assertEquals(1, one.size());
            assertEquals(8, one.shardSize());
            assertSameValues(values(plain.online()), values(one.primary().online()), "online");
            assertSameValues(values(plain.target()), values(one.primary().target()), "target");
        }
    }

    @Test
    void buildsOneReplicaPerDeviceHoldingThePrimaryWeightsInItsOwnArrays() {
        try (ByolReplicas replicas = ByolReplicas.create(cfg, TWO_CPUS)) {
            assertEquals(2, replicas.size());
            assertEquals(4, replicas.shardSize());
            assertEquals(TWO_CPUS, replicas.devices());
            assertSame(replicas.get(0), replicas.primary());
            ByolNetwork other = replicas.get(1);
            assertNotSame(replicas.primary(), other);
            assertSameValues(values(replicas.primary().online()), values(other.online()), "online");
            assertSameValues(values(replicas.primary().target()), values(other.target()), "target");

            // own arrays: changing the primary leaves the replica alone until the next broadcast
            NDArray first = replicas.primary()
                    .online()
                    .getParameters()
                    .get(0)
                    .getValue()
                    .getArray();
            assertNotSame(
                    first, other.online().getParameters().get(0).getValue().getArray());
            first.addi(1f);
            assertNotEquals(
                    first.toFloatArray()[0],
                    other.online().getParameters().get(0).getValue().getArray().toFloatArray()[0]);
            replicas.broadcastFromPrimary();
            assertSameValues(values(replicas.primary().online()), values(other.online()), "online after broadcast");
            assertTrue(
                    other.online().getParameters().get(0).getValue().getArray().hasGradient(),
                    "the replica's weights still take gradients after the in-place copy");
        }
    }

    @Test
    void averagingLeavesTheMeanOfIndependentlyComputedShardGradientsOnThePrimary() {
        try (ByolReplicas replicas = ByolReplicas.create(cfg, TWO_CPUS);
                ByolNetwork a = ByolNetwork.create(cfg, Device.cpu());
                ByolNetwork b = ByolNetwork.create(cfg, Device.cpu());
                NDManager m = NDManager.newBaseManager(Device.cpu())) {
            Engine.getInstance().setRandomSeed(5);
            NDArray v1 = m.randomNormal(new Shape(8, 3, 16, 16));
            NDArray v2 = m.randomNormal(new Shape(8, 3, 16, 16));
            NDArray[] shard1 = {v1.get("0:4"), v1.get("4:8")};
            NDArray[] shard2 = {v2.get("0:4"), v2.get("4:8")};

            List<float[]> gradA = gradientsOn(a, shard1[0], shard2[0]);
            List<float[]> gradB = gradientsOn(b, shard1[1], shard2[1]);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                for (int i = 0; i < 2; i++) {
                    gc.backward(replicas.get(i).forward(shard1[i], shard2[i]).loss());
                }
            }
            assertSameValues(gradA, gradients(replicas.get(0)), "primary's own shard gradient");
            replicas.averageGradientsOntoPrimary();

            List<float[]> averaged = gradients(replicas.primary());
            double largest = 0;
            for (int k = 0; k < averaged.size(); k++) {
                float[] expected = new float[gradA.get(k).length];
                for (int j = 0; j < expected.length; j++) {
                    expected[j] = (gradA.get(k)[j] + gradB.get(k)[j]) / 2f;
                    largest = Math.max(largest, Math.abs(gradA.get(k)[j] - gradB.get(k)[j]));
                }
                assertArrayEquals(expected, averaged.get(k), 1e-6f, "averaged gradient " + k);
            }
            assertTrue(largest > 1e-4, "the shards give different gradients, so the test can tell them apart");
            for (float[] g : gradients(replicas.get(1))) {
                for (float x : g) {
                    assertEquals(0f, x, "the other replica's gradient is consumed");
                }
            }
        }
    }

    private static List<float[]> gradientsOn(ByolNetwork net, NDArray view1, NDArray view2) {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(net.forward(view1, view2).loss());
        }
        return gradients(net);
    }

    private static List<float[]> gradients(ByolNetwork net) {
        List<float[]> out = new ArrayList<>();
        for (TrainableParameter p : net.trainableParameters(false)) {
            try (NDArray g = p.array().getGradient()) {
                out.add(g.toFloatArray());
            }
        }
        return out;
    }

    @Test
    void onEachRunsEveryReplicaOnItsOwnThreadAndReportsFailures() {
        try (ByolReplicas replicas = ByolReplicas.create(cfg, TWO_CPUS)) {
            String caller = Thread.currentThread().getName();
            List<String> threads = replicas.onEach((i, replica) -> {
                assertSame(replicas.get(i), replica);
                return Thread.currentThread().getName();
            });
            assertEquals(caller, threads.get(0));
            assertEquals("byol4j-replica-1", threads.get(1));

            IllegalStateException e = assertThrows(
                    IllegalStateException.class,
                    () -> replicas.onEach((i, r) -> {
                        if (i == 1) {
                            throw new IllegalStateException("replica 1 failed");
                        }
                        return i;
                    }));
            assertEquals("replica 1 failed", e.getMessage());
        }
    }
}
