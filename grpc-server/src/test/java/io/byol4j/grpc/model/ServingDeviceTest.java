package io.byol4j.grpc.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.byol4j.grpc.InferenceServer;
import io.byol4j.grpc.metrics.ServerMetrics;
import io.byol4j.sdk.encoder.BatcherOptions;
import io.byol4j.sdk.encoder.Encoder;
import io.byol4j.sdk.encoder.EncoderOptions;
import io.byol4j.sdk.encoder.EncoderOptions.Device;
import io.byol4j.sdk.internal.DeviceRequest;
import io.byol4j.sdk.model.ModelContract;
import io.byol4j.sdk.testing.TestModels;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --device}: which SDK options every model version is opened with, how {@code auto} and a required GPU are
 * resolved on this machine's CPU-only ONNX Runtime, and how the device is reported.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServingDeviceTest {

    private static final ModelContract CONTRACT = TestModels.contract(3, 16, 8);

    @TempDir
    Path repo;

    /** Each file opened and the SDK options it was opened with; opens through the real SDK. */
    private final List<EncoderOptions> opened = Collections.synchronizedList(new ArrayList<>());

    private final List<Path> files = Collections.synchronizedList(new ArrayList<>());

    private Encoder record(Path file, EncoderOptions options) throws java.io.IOException {
        files.add(file);
        opened.add(options);
        return Encoder.open(file, options);
    }

    private void addVersion(String model, int version) throws Exception {
        Path dir = Files.createDirectories(repo.resolve(model).resolve(Integer.toString(version)));
        Files.write(dir.resolve(ModelRepository.MODEL_FILE), TestModels.model(CONTRACT));
    }

    private static ModelOptions on(String device) {
        return new ModelOptions(1, true, BatcherOptions.defaults(), false, DeviceRequest.parse(device));
    }

    private ModelRepository repository(String device, ServerMetrics metrics) {
        return ModelRepository.ofDirectory(repo, VersionPolicy.parse("all"), on(device), metrics, this::record);
    }

    @Test
    void eachDeviceWordBecomesTheSdkOptions() {
        EncoderOptions cpu = on("cpu").encoderOptions(64);
        assertEquals(Device.CPU, cpu.device());
        EncoderOptions auto = on("auto").encoderOptions(64);
        assertEquals(Device.CUDA, auto.device());
        assertEquals(0, auto.deviceId());
        assertEquals(false, auto.requireGpu(), "auto may fall back to the CPU");
        EncoderOptions gpu = on("cuda").encoderOptions(64);
        assertEquals(Device.CUDA, gpu.device());
        assertEquals(0, gpu.deviceId(), "gpu (every GPU) serves on the first one");
        assertTrue(gpu.requireGpu());
        EncoderOptions third = on("gpu:2").encoderOptions(64);
        assertEquals(2, third.deviceId());
        assertTrue(third.requireGpu());
        // The CPU-only settings travel unchanged on the GPU path (they apply to the CPU part of the graph).
        assertEquals(1, third.intraOpThreads());
        assertEquals(false, third.intraOpSpinning());
        assertEquals(64, third.batchSize());
    }

    @Test
    void aRequiredGpuThatIsMissingFailsBeforeTheServerBindsNamingDeviceAndReason() throws Exception {
        addVersion("enc", 1);
        ModelRepository models = repository("gpu:1", ServerMetrics.create());
        int port;
        try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        java.io.IOException e = assertThrows(
                java.io.IOException.class,
                () -> InferenceServer.builder(models).address("127.0.0.1", port).listen());
        assertTrue(e.getMessage().startsWith("device gpu:1 (CUDA device 1) cannot be used"), e.getMessage());
        assertTrue(
                e.getMessage().contains("GPU required but this ONNX Runtime build has no CUDA execution provider"),
                e.getMessage());
        assertTrue(e.getMessage().contains("-Pgpu"), e.getMessage());
        // The SDK was asked for exactly that GPU, required.
        assertEquals(1, opened.size());
        assertEquals(Device.CUDA, opened.get(0).device());
        assertEquals(1, opened.get(0).deviceId());
        assertTrue(opened.get(0).requireGpu());
        assertTrue(models.models().isEmpty(), "nothing is served");
        try (ServerSocket again = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
            assertEquals(port, again.getLocalPort(), "nothing listens on the port");
        }
        models.close();
    }

    @Test
    void autoFallsBackToTheCpuOnceAndEveryVersionRunsThereIncludingAReload() throws Exception {
        addVersion("alpha", 1);
        addVersion("alpha", 2);
        addVersion("beta", 1);
        ServerMetrics metrics = ServerMetrics.create();
        try (ModelRepository models = repository("auto", metrics)) {
            assertEquals("cpu", models.resolveDevice().toString());
            assertEquals("auto", models.requestedDevice().toString());
            // The check asked the SDK for CUDA device 0, not required.
            assertEquals(1, opened.size());
            assertEquals(Device.CUDA, opened.get(0).device());
            assertEquals(false, opened.get(0).requireGpu());

            models.loadAll();
            addVersion("alpha", 3);
            models.load("alpha"); // a reload: every selected version of alpha opened afresh
            assertEquals(List.of("1", "2", "3"), models.versions("alpha"));
            // 1 check + alpha 1, 2 + beta 1 + the reload's alpha 1, 2, 3 = 7 opens; every one after the check on the
            // resolved device, so the SDK warned once (during the check) and never again.
            assertEquals(7, opened.size(), files.toString());
            for (EncoderOptions o : opened.subList(1, opened.size())) {
                assertEquals(Device.CPU, o.device(), files.toString());
            }
            for (ServedModel m : models.models()) {
                assertEquals("cpu", m.device(), m.toString());
                assertEquals(Device.CPU, m.encoderOptions().device());
            }
            assertEquals(
                    Set.of("alpha/1/cpu", "alpha/2/cpu", "alpha/3/cpu", "beta/1/cpu"),
                    deviceSeries(metrics),
                    "one device-info series per loaded version, kept across the reload");
            models.unload("beta");
            assertEquals(Set.of("alpha/1/cpu", "alpha/2/cpu", "alpha/3/cpu"), deviceSeries(metrics));
        }
    }

    @Test
    void cpuNeedsNoCheckAndOpensEveryVersionOnTheCpu() throws Exception {
        addVersion("enc", 1);
        try (ModelRepository models = repository("cpu", ServerMetrics.create())) {
            assertEquals("cpu", models.resolveDevice().toString());
            assertTrue(opened.isEmpty(), "no model opened to check the CPU");
            models.loadAll();
            assertEquals(1, opened.size());
            assertEquals(Device.CPU, opened.get(0).device());
        }
    }

    /** {@code model/version/device} of every {@code byol4j_model_device_info} series. */
    private static Set<String> deviceSeries(ServerMetrics metrics) {
        Set<String> series = new TreeSet<>();
        for (MetricSnapshot m : metrics.registry().scrape()) {
            if (m instanceof InfoSnapshot info && info.getMetadata().getName().equals("byol4j_model_device")) {
                for (InfoSnapshot.InfoDataPointSnapshot p : info.getDataPoints()) {
                    series.add(p.getLabels().get("model") + "/" + p.getLabels().get("version") + "/"
                            + p.getLabels().get("device"));
                }
            }
        }
        return series;
    }
}
