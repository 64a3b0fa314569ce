package io.byol4j.sdk.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import io.byol4j.sdk.encoder.EncoderOptions.Device;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeviceSelectionTest {

    private final List<String> warnings = new ArrayList<>();
    private final List<Integer> registered = new ArrayList<>();

    private static EncoderOptions cuda(boolean required) {
        return EncoderOptions.builder()
                .device(Device.CUDA)
                .deviceId(1)
                .requireGpu(required)
                .build();
    }

    @Test
    void cpuRequestNeverTouchesCuda() {
        Device d = DeviceSelection.select(
                EncoderOptions.defaults(),
                EnumSet.of(OrtProvider.CPU, OrtProvider.CUDA),
                registered::add,
                warnings::add);
        assertEquals(Device.CPU, d);
        assertTrue(registered.isEmpty());
        assertTrue(warnings.isEmpty());
    }

    @Test
    void cudaIsRegisteredWhenAvailable() {
        Device d = DeviceSelection.select(
                cuda(true), EnumSet.of(OrtProvider.CPU, OrtProvider.CUDA), registered::add, warnings::add);
        assertEquals(Device.CUDA, d);
        assertEquals(List.of(1), registered);
        assertTrue(warnings.isEmpty());
    }

    @Test
    void missingCudaProviderFallsBackToCpuWithWarning() {
        Device d = DeviceSelection.select(cuda(false), EnumSet.of(OrtProvider.CPU), registered::add, warnings::add);
        assertEquals(Device.CPU, d);
        assertTrue(registered.isEmpty());
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).contains("no CUDA execution provider"), warnings.get(0));
        assertTrue(warnings.get(0).contains("running on CPU"), warnings.get(0));
    }

    @Test
    void missingCudaProviderFailsWhenGpuRequired() {
        EncoderException e = assertThrows(
                EncoderException.class,
                () -> DeviceSelection.select(cuda(true), EnumSet.of(OrtProvider.CPU), registered::add, warnings::add));
        assertTrue(e.getMessage().startsWith("GPU required"), e.getMessage());
        assertTrue(warnings.isEmpty());
    }

    @Test
    void cudaRegistrationFailureFallsBack() {
        Device d = DeviceSelection.select(
                cuda(false),
                EnumSet.of(OrtProvider.CPU, OrtProvider.CUDA),
                id -> {
                    throw new OrtException("libcudart.so.12: cannot open shared object file");
                },
                warnings::add);
        assertEquals(Device.CPU, d);
        assertTrue(warnings.get(0).contains("libcudart"), warnings.get(0));
    }

    @Test
    void missingNativeLibraryFailsWhenGpuRequired() {
        EncoderException e = assertThrows(
                EncoderException.class,
                () -> DeviceSelection.select(
                        cuda(true),
                        EnumSet.of(OrtProvider.CPU, OrtProvider.CUDA),
                        id -> {
                            throw new UnsatisfiedLinkError("no onnxruntime_providers_cuda");
                        },
                        warnings::add));
        assertTrue(e.getMessage().contains("onnxruntime_providers_cuda"), e.getMessage());
        assertTrue(e.getCause() instanceof UnsatisfiedLinkError);
    }
}
