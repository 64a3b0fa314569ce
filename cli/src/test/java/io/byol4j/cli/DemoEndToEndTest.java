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
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
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
            code = Main.commandLine()
                    .execute(
                            "demo",
                            "--out",
                            out.toString(),
                            "--epochs",
                            "1",
                            "--train-images",
                            "128",
                            "--test-images",
                            "60",
                            "--seed",
                            "5");
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
        JsonNode results =
                CommandConfigs.JSON.readTree(out.resolve("demo-results.json").toFile());
        assertEquals(2, results.get("rows").size());
        for (JsonNode row : results.get("rows")) {
            double acc = row.get("linear").asDouble();
            assertTrue(acc >= 0 && acc <= 1, row.toString());
        }
        assertTrue(Files.exists(out.resolve("demo-config.json")));
        assertTrue(Files.exists(out.resolve("train/config.json")));
        assertTrue(Files.exists(out.resolve("train/metrics.csv")));

        // eval on its own: the demo's trained run against its random initialisation, on other data
        Path evalOut = tmp.resolve("eval");
        String evalPrinted = run(
                "eval",
                "--run",
                out.resolve("train").toString(),
                "--train",
                "synthetic:size=50,seed=7",
                "--test",
                "synthetic:size=30,seed=8",
                "--out",
                evalOut.toString());
        assertTrue(evalPrinted.contains("BYOL minus random: linear probe"), evalPrinted);
        JsonNode eval = CommandConfigs.JSON.readTree(
                evalOut.resolve("eval-results.json").toFile());
        JsonNode rows = eval.get("rows");
        assertEquals("random-init", rows.get(0).get("encoder").asText());
        assertEquals("byol", rows.get(1).get("encoder").asText());
        assertEquals(
                rows.get(1).get("linear").asDouble() - rows.get(0).get("linear").asDouble(),
                eval.get("linearMargin").asDouble(),
                1e-12);
        assertEquals(30, FeatureFile.read(evalOut.resolve("features/byol/test")).size());
        assertTrue(Files.exists(evalOut.resolve("eval-config.json")));
    }

    /**
     * Issue 11, items 3 and 7: the quickstart's {@code demo} works every time (each run in a new folder), an
     * existing demo folder is never replaced without --force, and a failed --force demo puts it back.
     */
    @Test
    void demoTwiceInARowEachInItsOwnFolderAndNothingReplacedUnasked() throws Exception {
        String[] small = {"--epochs", "1", "--train-images", "128", "--test-images", "60", "--seed", "3"};
        Path parent = tmp.resolve("runs/demo");
        List<String> printed = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            DemoCommand cmd = new DemoCommand();
            cmd.defaultParent = parent;
            printed.add(runCommand(new picocli.CommandLine(cmd), small));
        }
        List<Path> runs;
        try (Stream<Path> list = Files.list(parent)) {
            runs = list.sorted().toList();
        }
        assertEquals(2, runs.size(), runs.toString());
        for (int i = 0; i < 2; i++) {
            assertTrue(printed.get(i).contains("writing to the new folder " + runs.get(i)), printed.get(i));
            assertTrue(Files.exists(runs.get(i).resolve("demo-results.json")));
        }

        Path first = runs.get(0);
        String config = Files.readString(first.resolve("demo-config.json"));
        String results = Files.readString(first.resolve("demo-results.json"));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        picocli.CommandLine cl = Main.commandLine();
        cl.setErr(new java.io.PrintWriter(err, true, StandardCharsets.UTF_8));
        assertEquals(2, cl.execute("demo", "--out", first.toString(), "--seed", "9"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("pass --force"), err.toString(StandardCharsets.UTF_8));

        // --force, then a failure (an unknown preset, found after the folder was set aside): all put back
        Path badConfig = Files.writeString(
                tmp.resolve("bad-demo.json"),
                "{\"preset\":\"no-such-preset\"," + "\"out\":\""
                        + first.toString().replace("\\", "\\\\") + "\"}");
        assertEquals(2, Main.commandLine().execute("demo", "--config", badConfig.toString(), "--force", "--seed", "9"));
        assertEquals(config, Files.readString(first.resolve("demo-config.json")), "old config kept");
        assertEquals(results, Files.readString(first.resolve("demo-results.json")), "old results kept");
        try (Stream<Path> list = Files.list(parent)) {
            assertEquals(runs, list.sorted().toList(), "no backup folder left beside the runs");
        }
    }

    private static String runCommand(picocli.CommandLine cl, String... args) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream old = System.out;
        int code;
        try (PrintStream capture = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            code = cl.execute(args);
        } finally {
            System.setOut(old);
        }
        String printed = buf.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, printed);
        return printed;
    }

    @Test
    void evalNamesTheMissingOptions() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        picocli.CommandLine cl = Main.commandLine();
        cl.setErr(new java.io.PrintWriter(err, true, StandardCharsets.UTF_8));
        int code = cl.execute("eval", "--run", tmp.toString());
        assertEquals(2, code);
        assertTrue(
                err.toString(StandardCharsets.UTF_8).contains("--run, --train and --test are required"),
                err.toString(StandardCharsets.UTF_8));
    }

    private static String run(String... args) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream old = System.out;
        int code;
        try (PrintStream capture = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            code = Main.commandLine().execute(args);
        } finally {
            System.setOut(old);
        }
        String printed = buf.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, printed);
        return printed;
    }
}
