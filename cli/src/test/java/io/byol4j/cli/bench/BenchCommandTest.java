package io.byol4j.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.byol4j.cli.CommandConfigs;
import io.byol4j.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code byol4j bench} on a tiny configuration: outputs exist and hold positive finite numbers (no timing claims). */
class BenchCommandTest {

    @TempDir
    Path tmp;

    @Test
    void tinyRunWritesTableCsvAndJson() throws Exception {
        Path out = tmp.resolve("bench");
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        PrintStream previous = System.out;
        int code;
        try {
            System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
            CommandLine cl = Main.commandLine();
            cl.setErr(new PrintWriter(err, true));
            code = cl.execute(
                    "bench",
                    "--presets",
                    "cpu-tiny",
                    "--warmup-steps",
                    "1",
                    "--steps",
                    "2",
                    "--rounds",
                    "1",
                    "--image-size",
                    "16",
                    "--batch-size",
                    "8",
                    "--out",
                    out.toString(),
                    "--pytorch",
                    tmp.resolve("no-such-python").toString());
        } finally {
            System.setOut(previous);
        }
        String text = stdout.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, err + "\n" + text);
        assertTrue(text.contains("| cpu-tiny "), text);
        assertTrue(text.contains("continuing without the pytorch column"), "a missing python is named: " + text);

        List<String> csv = Files.readAllLines(out.resolve("bench.csv"), StandardCharsets.UTF_8);
        assertEquals(2, csv.size(), csv.toString());
        List<String> header = Arrays.asList(csv.get(0).split(",", -1));
        String[] row = csv.get(1).split(",", -1);
        assertEquals(header.size(), row.length, csv.toString());
        assertEquals("cpu-tiny", row[header.indexOf("preset")]);
        assertEquals("2", row[header.indexOf("steps_per_round")]);
        for (String column : List.of("byol4j_step_images_per_s", "pipeline_images_per_s", "pipeline_over_step")) {
            double v = Double.parseDouble(row[header.indexOf(column)]);
            assertTrue(Double.isFinite(v) && v > 0, column + " = " + v);
        }
        double wait = Double.parseDouble(row[header.indexOf("pipeline_data_wait")]);
        assertTrue(wait >= 0 && wait <= 1, "data wait " + wait);
        assertEquals("", row[header.indexOf("pytorch_images_per_s")], "no PyTorch numbers without PyTorch");

        JsonNode report = CommandConfigs.JSON.readTree(out.resolve("bench.json").toFile());
        JsonNode preset = report.get("presets").get(0);
        assertEquals(1, preset.get("rounds").size());
        assertEquals(8, preset.get("batch").asInt());
        assertEquals(16, preset.get("imageSize").asInt());
        assertTrue(preset.get("rounds").get(0).get("byol4jStep").asDouble() > 0);
        assertTrue(preset.get("pytorch").isNull());
        JsonNode config =
                CommandConfigs.JSON.readTree(out.resolve("bench-config.json").toFile());
        assertEquals(2, config.get("steps").asInt());
        assertFalse(Files.exists(out.resolve(".pipeline")), "scratch training runs are removed");
    }

    @Test
    void badStepCountIsRefused() {
        CommandLine cl = Main.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        PrintStream previous = System.out;
        int code;
        try {
            System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            code = cl.execute("bench", "--steps", "0", "--out", tmp.resolve("b").toString());
        } finally {
            System.setOut(previous);
        }
        assertEquals(2, code, err.toString());
        assertTrue(err.toString().contains("--steps"), err.toString());
    }

    @Test
    void medianOfEvenAndOddCounts() {
        double[] even = {4, 1, 3, 2};
        assertEquals(2.0, Medians.of(new double[] {3, 1, 2}));
        assertEquals(2.5, Medians.of(even));
        assertEquals(4, even[0], "the caller's array keeps its order");
    }
}
