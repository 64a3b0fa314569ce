package io.byol4j.sdk.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class VectorsTest {

    @Test
    void scalesToUnitLengthInPlace() {
        float[] v = {3, 4};
        Vectors.normalizeL2(v);
        assertArrayEquals(new float[] {0.6f, 0.8f}, v, 1e-7f);
    }

    @Test
    void copyLeavesTheInputAndZeroStaysZero() {
        float[] v = {0, 2, 0};
        assertArrayEquals(new float[] {0, 1, 0}, Vectors.normalizedL2(v), 0f);
        assertEquals(2f, v[1]);
        assertArrayEquals(new float[] {0, 0}, Vectors.normalizedL2(new float[] {0, 0}), 0f);
    }

    @Test
    void tinyAndHugeValuesDoNotUnderflowOrOverflow() {
        float[] tiny = {1e-30f, 1e-30f};
        Vectors.normalizeL2(tiny);
        assertEquals(Math.sqrt(0.5), tiny[0], 1e-6);
        float[] huge = {3e30f, 4e30f};
        Vectors.normalizeL2(huge);
        assertArrayEquals(new float[] {0.6f, 0.8f}, huge, 1e-6f);
    }
}
