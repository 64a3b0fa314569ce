package io.byol4j.trainer.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.byol4j.trainer.testing.SingleThreadedTorch;
import java.lang.ref.WeakReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SingleThreadedTorch.class)
class ByolLossTest {

    @Test
    void matchesHandComputedValues() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            // sample 0: p1 ⟂ z2 -> 2; p2 at 45° to z1 -> 2 - sqrt(2)
            // sample 1: p1 ∥ z2 -> 0; p2 opposite z1 -> 4
            NDArray p1 = m.create(new float[] {1, 0, 2, 0}, new Shape(2, 2));
            NDArray p2 = m.create(new float[] {1, 1, 0, 1}, new Shape(2, 2));
            NDArray z1 = m.create(new float[] {1, 0, 0, -2}, new Shape(2, 2));
            NDArray z2 = m.create(new float[] {0, 1, 3, 0}, new Shape(2, 2));
            double expected = ((2.0 + (2.0 - Math.sqrt(2.0))) + (0.0 + 4.0)) / 2.0;
            assertEquals(expected, ByolLoss.compute(p1, p2, z1, z2).getFloat(), 1e-6);
        }
    }

    @Test
    void identicalDirectionsGiveZeroAndScaleDoesNotMatter() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray p = m.create(new float[] {0.3f, -1.2f, 2.0f, 5f, 0.1f, 0.2f}, new Shape(2, 3));
            assertEquals(0.0, ByolLoss.compute(p, p.mul(7), p.mul(0.01), p).getFloat(), 1e-6);
        }
    }

    @Test
    void gradientReachesPredictionsButNotTargets() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray p1 = m.randomNormal(new Shape(4, 8));
            NDArray p2 = m.randomNormal(new Shape(4, 8));
            NDArray z1 = m.randomNormal(new Shape(4, 8));
            NDArray z2 = m.randomNormal(new Shape(4, 8));
            for (NDArray a : new NDArray[] {p1, p2, z1, z2}) {
                a.setRequiresGradient(true);
            }
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(ByolLoss.compute(p1, p2, z1, z2));
            }
            assertTrue(p1.getGradient().abs().sum().getFloat() > 0);
            assertTrue(p2.getGradient().abs().sum().getFloat() > 0);
            assertEquals(0f, z1.getGradient().abs().sum().getFloat());
            assertEquals(0f, z2.getGradient().abs().sum().getFloat());
        }
    }

    @Test
    void rejectsMismatchedShapes() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray a = m.zeros(new Shape(2, 3));
            NDArray b = m.zeros(new Shape(2, 4));
            assertThrows(IllegalArgumentException.class, () -> ByolLoss.compute(a, a, a, b));
        }
    }

    /**
     * The backward pass must not depend on anything the garbage collector may free after the forward pass.
     * DJL turns a Number operand into a direct buffer that it closes at once; an operation whose backward
     * reads that operand (mul, maximum) then reads freed memory when a GC runs between forward and backward.
     */
    @Test
    void gradientDoesNotChangeWhenCollectorsRunBetweenForwardAndBackward() throws InterruptedException {
        float[] reference = null;
        for (int round = 0; round < 8; round++) {
            try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
                NDArray p1 = m.create(new float[] {0.3f, -1.2f, 2f, 0.5f, 1f, 0.1f, -0.4f, 0.8f}, new Shape(2, 4));
                NDArray p2 = m.create(new float[] {1f, 1f, 0f, 1f, -2f, 0.3f, 0.2f, 0.9f}, new Shape(2, 4));
                NDArray z1 = m.create(new float[] {1f, 0f, 0f, -2f, 0.5f, 0.5f, 1f, 0f}, new Shape(2, 4));
                NDArray z2 = m.create(new float[] {0f, 1f, 3f, 0f, 0.1f, -1f, 0.2f, 0.4f}, new Shape(2, 4));
                p1.setRequiresGradient(true);
                p2.setRequiresGradient(true);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray loss = ByolLoss.compute(p1, p2, z1, z2);
                    if (round > 0) {
                        runCollectorsAndCleaners();
                    }
                    gc.backward(loss);
                }
                float[] grad = p1.getGradient().toFloatArray();
                if (reference == null) {
                    reference = grad;
                } else {
                    assertArrayEquals(reference, grad, 1e-6f, "round " + round);
                }
            }
        }
    }

    private static void runCollectorsAndCleaners() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            WeakReference<Object> probe = new WeakReference<>(new Object());
            while (probe.get() != null) {
                System.gc();
                Thread.sleep(5);
            }
        }
        Thread.sleep(50); // the cleaner thread frees the direct buffers of the collected objects
    }
}
