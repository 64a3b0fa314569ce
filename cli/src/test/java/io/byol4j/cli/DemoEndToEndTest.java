package io.byol4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.byol4j.sdk.encoder.Encoder;
import io.byol4j.sdk.features.FeatureFile;
import io.byol4j.sdk.features.FeatureSet;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs a shortened demo through the real command line and checks every stage's output. */
class DemoEndToEndTest {

    @TempDir
    Path tmp;

    @Test
    void shortDemoRunsEveryStageAndReportsBothEncoders() throws Exception {
        Path out = tmp.resolve("demo");
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream old = System.out;
        int code;
        try (PrintStream capture = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            code = Main.commandLine().execute("demo", "--out", out.toString(), "--epochs", "1",
                    "--train-images", "128", "--test-images", "60", "--seed", "5");
        } finally {
            System.setOut(old);
        }
        String printed = buf.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, printed);
        assertTrue(printed.contains("| random-init  |"), printed);
        assertTrue(printed.contains("| byol         |"), printed);
        assertTrue(printed.contains("time per stage: train"), printed);

        for (String name : new String[] {"random-init", "byol"}) {
            Path model = out.resolve("models/" + name + ".onnx");
            try (Encoder encoder = Encoder.open(model)) {
                assertEquals(32, encoder.contract().height());
                FeatureSet test = FeatureFile.read(out.resolve("features/" + name + "/test"));
                assertEquals(60, test.size());
                assertEquals(encoder.embeddingDim(), test.dim());
                assertEquals(10, test.classNames().size());
            }
            assertTrue(Files.exists(out.resolve("probe/" + name + "/head.json")));
        }
        JsonNode results = CommandConfigs.JSON.readTree(out.resolve("demo-results.json").toFile());
        assertEquals(2, results.get("rows").size());
        for (JsonNode row : results.get("rows")) {
            double acc = row.get("linear").asDouble();
            assertTrue(acc >= 0 && acc <= 1, row.toString());
        }
        assertTrue(Files.exists(out.resolve("demo-config.json")));
        assertTrue(Files.exists(out.resolve("train/config.json")));
        assertTrue(Files.exists(out.resolve("train/metrics.csv")));
    }
}
