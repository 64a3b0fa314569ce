package io.byol4j.sdk.encoder;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import io.byol4j.sdk.encoder.EncoderOptions.Device;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Chooses the execution provider for a session. Provider availability and CUDA registration are
 * injected so that the fallback rules can be tested on a machine without a GPU.
 */
final class DeviceSelection {

    /** Registers the CUDA provider for a device ordinal (in production: {@code SessionOptions::addCUDA}). */
    @FunctionalInterface
    interface CudaRegistrar {
        void register(int deviceId) throws OrtException;
    }

    private DeviceSelection() {}

    /**
     * Registers CUDA when it was requested and works, and returns the device the session will use.
     *
     * @param available the providers this ONNX Runtime build offers
     * @param warn receives a one-line explanation when CUDA was requested but CPU is used
     * @throws EncoderException when CUDA is unavailable and {@link EncoderOptions#requireGpu()} is set
     */
    static Device select(
            EncoderOptions options, Set<OrtProvider> available, CudaRegistrar cuda, Consumer<String> warn) {
        if (options.device() == Device.CPU) {
            return Device.CPU;
        }
        if (!available.contains(OrtProvider.CUDA)) {
            return fallBack(
                    options,
                    "this ONNX Runtime build has no CUDA execution provider (available: " + available
                            + "); use the onnxruntime_gpu artifact (build with -Pgpu)",
                    null,
                    warn);
        }
        try {
            cuda.register(options.deviceId());
            return Device.CUDA;
        } catch (OrtException | UnsatisfiedLinkError e) {
            return fallBack(
                    options,
                    "the CUDA execution provider failed to load for device " + options.deviceId() + ": "
                            + e.getMessage(),
                    e,
                    warn);
        }
    }

    private static Device fallBack(EncoderOptions options, String why, Throwable cause, Consumer<String> warn) {
        if (options.requireGpu()) {
            throw new EncoderException("GPU required but " + why, cause);
        }
        warn.accept("CUDA requested but " + why + "; running on CPU instead");
        return Device.CPU;
    }
}
