package io.byol4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.byol4j.sdk.testing.TestModels;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code byol4j serve} refuses bad configurations with exit code 2 and a message naming the problem. */
class ServeCommandTest {

    @TempDir
    Path tmp;

    private static String run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        int code = cl.execute(args);
        assertEquals(2, code, err.toString());
        return err.toString();
    }

    @Test
    void exactlyOneModelSourceIsRequired() {
        assertTrue(run("serve").contains("exactly one of --model FILE and --model-repository DIR"));
        assertTrue(
                run("serve", "--model", "a.onnx", "--model-repository", "dir").contains("exactly one"));
    }

    @Test
    void plainTextOnANonLoopbackAddressNeedsExplicitPermission() {
        String err = run("serve", "--model", tmp.resolve("m.onnx").toString(), "--host", "0.0.0.0", "--port", "0");
        assertTrue(err.contains("not a loopback address") && err.contains("--allow-plaintext-remote"), err);
    }

    @Test
    void impossibleLimitsAndHalfATlsSetupAreNamed() {
        String err =
                run("serve", "--model", "m.onnx", "--max-pixels-per-image", "1000", "--max-pixels-in-flight", "10");
        assertTrue(err.contains("maxPixelsPerImage"), err);
        assertTrue(run("serve", "--model", "m.onnx", "--tls-cert", "c.pem").contains("--tls-cert and --tls-key"));
    }

    @Test
    void aFileThatIsNotAModelFailsTheStartWithItsName() throws Exception {
        Path fake = Files.writeString(tmp.resolve("fake.onnx"), "not a model");
        String err = run("serve", "--model", fake.toString(), "--port", "0");
        assertTrue(err.contains("fake.onnx"), err);
    }

    @Test
    void aRequiredGpuThatThisMachineLacksFailsTheStartAndNothingListens() throws Exception {
        Path model = Files.write(tmp.resolve("tiny.onnx"), TestModels.model(TestModels.contract(3, 16, 8)));
        int port;
        try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        String err = run("serve", "--model", model.toString(), "--port", Integer.toString(port), "--device", "gpu");
        assertTrue(err.contains("device gpu (CUDA device 0) cannot be used"), err);
        assertTrue(err.contains("no CUDA execution provider") && err.contains("onnxruntime_gpu"), err);
        // Nothing was bound: the port is still free.
        try (ServerSocket again = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
            assertEquals(port, again.getLocalPort());
        }
    }

    @Test
    void aDeviceInTheConfigFileIsCheckedAndNamed() throws Exception {
        Path cfg = Files.writeString(tmp.resolve("serve.json"), "{\"model\":\"m.onnx\",\"device\":\"tpu\"}");
        String err = run("serve", "--config", cfg.toString());
        assertTrue(err.contains("unknown device 'tpu'") && err.contains("gpu:N"), err);
    }

    @Test
    void configFileKeysAreTheRecordsAndUnknownOnesAreNamed() throws Exception {
        Path cfg = Files.writeString(tmp.resolve("serve.json"), "{\"model\":\"m.onnx\",\"maxBatchSise\":8}");
        String err = run("serve", "--config", cfg.toString());
        assertTrue(err.contains("maxBatchSise") && err.contains("maxBatchSize"), err);
    }
}
