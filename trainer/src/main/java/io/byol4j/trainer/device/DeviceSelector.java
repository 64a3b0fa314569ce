package io.byol4j.trainer.device;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.byol4j.sdk.internal.DeviceRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * Chooses the devices to train on from a config value.
 *
 * <ul>
 *   <li>{@code auto}: every GPU the engine sees, or the CPU when there is none;
 *   <li>{@code gpu} (or {@code cuda}): every GPU; an error when there is none;
 *   <li>{@code gpu:N} (or {@code cuda:N}): GPU number {@code N}; an error when the engine has no such GPU;
 *   <li>{@code cpu}: the CPU.
 * </ul>
 *
 * <p>The words are parsed by {@link DeviceRequest}, the vocabulary every command shares.
 *
 * <p>A {@link #fixed(List)} selector answers a given device list instead (explicit placement).
 */
public final class DeviceSelector {

    private final IntSupplier gpuCount;
    private final List<Device> fixed;

    /** @param gpuCount how many GPUs are available (injected so selection can be tested without GPUs) */
    public DeviceSelector(IntSupplier gpuCount) {
        this.gpuCount = gpuCount;
        this.fixed = null;
    }

    private DeviceSelector(List<Device> fixed) {
        this.gpuCount = () -> 0;
        this.fixed = fixed;
    }

    /**
     * A selector that answers {@code devices} for every valid mode (unknown modes are still rejected): a chosen
     * subset of the GPUs, or several CPU replicas to exercise data parallelism without GPUs.
     *
     * @throws IllegalArgumentException if {@code devices} is empty
     */
    public static DeviceSelector fixed(List<Device> devices) {
        if (devices.isEmpty()) {
            throw new IllegalArgumentException("a fixed device list must not be empty");
        }
        return new DeviceSelector(List.copyOf(devices));
    }

    /** A selector asking the deep-learning engine how many GPUs it sees. */
    public static DeviceSelector system() {
        return new DeviceSelector(() -> Engine.getInstance().getGpuCount());
    }

    /**
     * The devices for {@code mode} (a word of {@link DeviceRequest#VOCABULARY}), never empty, GPUs in index order.
     *
     * @throws IllegalArgumentException for an unknown mode, {@code gpu} without a GPU, or {@code gpu:N} when there
     *     is no GPU number {@code N}
     */
    public List<Device> select(String mode) {
        return select(DeviceRequest.parse(mode));
    }

    /**
     * The devices for {@code request}, never empty, GPUs in index order.
     *
     * @throws IllegalArgumentException for {@code gpu} without a GPU, or {@code gpu:N} when there is no GPU number
     *     {@code N}
     */
    public List<Device> select(DeviceRequest request) {
        if (fixed != null) {
            return fixed;
        }
        int n = request.kind() == DeviceRequest.Kind.CPU ? 0 : gpuCount.getAsInt();
        return switch (request.kind()) {
            case CPU -> List.of(Device.cpu());
            case AUTO -> n > 0 ? gpus(n) : List.of(Device.cpu());
            case GPU -> {
                if (n <= 0) {
                    throw new IllegalArgumentException("device '" + request + "' requested but no GPU is available"
                            + " to the PyTorch engine; use device 'cpu' or 'auto', or install a CUDA build of libtorch"
                            + " (build with -Pgpu)");
                }
                if (request.index() == DeviceRequest.ALL_GPUS) {
                    yield gpus(n);
                }
                if (request.index() >= n) {
                    throw new IllegalArgumentException("device '" + request + "' requested but the PyTorch engine"
                            + " sees " + n + " GPU(s), numbered 0 to " + (n - 1));
                }
                yield List.of(Device.gpu(request.index()));
            }
        };
    }

    private static List<Device> gpus(int n) {
        List<Device> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(Device.gpu(i));
        }
        return List.copyOf(out);
    }
}
