package io.byol4j.trainer.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SchedulesTest {

    @Test
    void tauFollowsTheCosineFromBaseToOne() {
        TauSchedule tau = new TauSchedule(0.996, 1000);
        assertEquals(0.996, tau.at(0), 1e-12);
        assertEquals(1.0 - 0.004 * 0.5, tau.at(500), 1e-12);
        assertEquals(1.0, tau.at(1000), 1e-12);
        assertEquals(1.0, tau.at(5000), 1e-12);
        // tau_k = 1 - (1 - 0.996) * (cos(pi * 250 / 1000) + 1) / 2
        assertEquals(1.0 - 0.004 * (Math.cos(Math.PI / 4) + 1) / 2, tau.at(250), 1e-12);
        for (int k = 1; k <= 1000; k++) {
            assertTrue(tau.at(k) >= tau.at(k - 1));
        }
    }

    @Test
    void lrWarmsUpLinearlyThenDecaysToZero() {
        LrSchedule lr = new LrSchedule(3.2, 10, 110);
        assertEquals(0.32, lr.at(0), 1e-12);
        assertEquals(1.6, lr.at(4), 1e-12);
        assertEquals(3.2, lr.at(9), 1e-12);
        assertEquals(3.2, lr.at(10), 1e-12);
        assertEquals(1.6, lr.at(60), 1e-12);
        assertEquals(3.2 * (1 + Math.cos(Math.PI * 99 / 100)) / 2, lr.at(109), 1e-12);
        assertEquals(0.0, lr.at(110), 1e-12);
        for (int k = 11; k < 110; k++) {
            assertTrue(lr.at(k) < lr.at(k - 1));
        }
    }

    @Test
    void lrWithoutWarmupStartsAtPeak() {
        LrSchedule lr = new LrSchedule(0.5, 0, 4);
        assertEquals(0.5, lr.at(0), 1e-12);
        assertEquals(0.25, lr.at(2), 1e-12);
    }

    @Test
    void scalesBaseLrLinearlyWithBatch() {
        assertEquals(3.2, LrSchedule.scaledPeak(0.2, 4096), 1e-12);
        assertEquals(0.25, LrSchedule.scaledPeak(1.0, 64), 1e-12);
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new TauSchedule(1.5, 10));
        assertThrows(IllegalArgumentException.class, () -> new TauSchedule(0.9, 0));
        assertThrows(IllegalArgumentException.class, () -> new LrSchedule(0, 0, 10));
        assertThrows(IllegalArgumentException.class, () -> new LrSchedule(0.1, 11, 10));
        assertThrows(IllegalArgumentException.class, () -> new LrSchedule(0.1, 1, 10).at(-1));
    }
}
