package io.byol4j.trainer.device;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntSupplier;

/**
 * Chooses the devices to train on from a config value.
 *
 * <ul>
 *   <li>{@code auto}: every GPU the engine sees, or the CPU when there is none;
 *   <li>{@code gpu}: every GPU; an error when there is none;
 *   <li>{@code cpu}: the CPU.
 * </ul>
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
     * The devices for {@code mode}, never empty, GPUs in index order.
     *
     * @throws IllegalArgumentException for an unknown mode, or {@code gpu} without a GPU
     */
    public List<Device> select(String mode) {
        String m = mode == null ? "" : mode.trim().toLowerCase(Locale.ROOT);
        if (fixed != null && List.of("auto", "cpu", "gpu").contains(m)) {
            return fixed;
        }
        switch (m) {
            case "cpu":
                return List.of(Device.cpu());
            case "gpu": {
                int n = gpuCount.getAsInt();
                if (n <= 0) {
                    throw new IllegalArgumentException("device 'gpu' requested but no GPU is available to the "
                            + "PyTorch engine; use device 'cpu' or 'auto', or install a CUDA build of libtorch "
                            + "(build with -Pgpu)");
                }
                return gpus(n);
            }
            case "auto": {
                int n = gpuCount.getAsInt();
                return n > 0 ? gpus(n) : List.of(Device.cpu());
            }
            default:
                throw new IllegalArgumentException("unknown device '" + mode + "'; use auto, cpu or gpu");
        }
    }

    private static List<Device> gpus(int n) {
        List<Device> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(Device.gpu(i));
        }
        return List.copyOf(out);
    }
}
