package io.byol4j.trainer.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.byol4j.sdk.internal.DeviceRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeviceSelectorTest {

    @Test
    void autoUsesEveryGpuOrFallsBackToCpu() {
        assertEquals(List.of(Device.cpu()), new DeviceSelector(() -> 0).select("auto"));
        assertEquals(List.of(Device.gpu(0), Device.gpu(1)), new DeviceSelector(() -> 2).select("AUTO"));
    }

    @Test
    void cpuIgnoresGpus() {
        assertEquals(List.of(Device.cpu()), new DeviceSelector(() -> 4).select("cpu"));
    }

    @Test
    void gpuNeedsAGpu() {
        assertEquals(List.of(Device.gpu(0)), new DeviceSelector(() -> 1).select("gpu"));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new DeviceSelector(() -> 0).select("gpu"));
        assertTrue(e.getMessage().contains("no GPU"), e.getMessage());
    }

    @Test
    void fixedSelectorAnswersItsDevicesForEveryValidMode() {
        List<Device> two = List.of(Device.cpu(), Device.cpu());
        DeviceSelector fixed = DeviceSelector.fixed(two);
        for (String mode : new String[] {"auto", "cpu", "GPU"}) {
            assertEquals(two, fixed.select(mode));
        }
        assertThrows(IllegalArgumentException.class, () -> fixed.select("tpu"));
        assertThrows(IllegalArgumentException.class, () -> DeviceSelector.fixed(List.of()));
    }

    @Test
    void unknownModeIsRejected() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new DeviceSelector(() -> 0).select("tpu"));
        assertTrue(e.getMessage().contains("'tpu'") && e.getMessage().contains(DeviceRequest.VOCABULARY));
    }

    @Test
    void aNumberedGpuIsThatGpuAndOnlyWhenTheEngineHasIt() {
        assertEquals(List.of(Device.gpu(1)), new DeviceSelector(() -> 2).select("gpu:1"));
        assertEquals(List.of(Device.gpu(0)), new DeviceSelector(() -> 2).select("CUDA:0"));
        assertEquals(List.of(Device.gpu(0), Device.gpu(1)), new DeviceSelector(() -> 2).select("cuda"));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new DeviceSelector(() -> 2).select("gpu:2"));
        assertTrue(e.getMessage().contains("gpu:2") && e.getMessage().contains("sees 2 GPU"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new DeviceSelector(() -> 0).select("cuda:0"));
        assertTrue(e.getMessage().contains("no GPU"), e.getMessage());
    }
}
