package io.byol4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.byol4j.sdk.features.FeatureFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SemiCommandTest {

    private static final List<String> CLASSES = List.of("circle", "square", "star");

    @TempDir
    Path tmp;

    /** Three Gaussian clusters in 8 dimensions; labels i % 3. */
    private static void writeFeatures(Path dir, int n, long seed, boolean oneUnlabeled) throws IOException {
        Random random = new Random(seed);
        float[][] x = new float[n][8];
        int[] y = new int[n];
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            y[i] = i % 3;
            for (int j = 0; j < 8; j++) {
                x[i][j] = (float) ((j % 3 == y[i] ? 4 : 0) + random.nextGaussian());
            }
            ids.add("s" + i);
        }
        if (oneUnlabeled) {
            y[5] = FeatureFile.UNLABELED;
        }
        FeatureFile.write(dir, x, y, ids, CLASSES);
    }

    private static int run(StringWriter err, String... args) {
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void writesReportPlotAndConfig() throws Exception {
        Path train = tmp.resolve("features/train");
        Path test = tmp.resolve("features/test");
        writeFeatures(train, 300, 1, false);
        writeFeatures(test, 90, 2, false);
        Path out = tmp.resolve("semi");
        StringWriter err = new StringWriter();
        int code = run(
                err,
                "semi",
                "--train",
                train.toString(),
                "--test",
                test.toString(),
                "--fractions",
                "0.02,0.5",
                "--seeds",
                "2",
                "--out",
                out.toString());
        assertEquals(0, code, err.toString());

        JsonNode report = CommandConfigs.JSON.readTree(
                out.resolve(SemiCommand.REPORT_FILE).toFile());
        assertEquals(300, report.get("trainSize").asInt());
        assertEquals(90, report.get("testSize").asInt());
        assertEquals(3, report.get("numClasses").asInt());
        assertEquals(4, report.get("runs").size(), "2 fractions x 2 seeds");
        JsonNode first = report.get("summaries").get(0);
        assertEquals(0.02, first.get("fraction").asDouble());
        assertEquals(6, first.get("labeled").asInt(), "2% of 100 per class");
        for (String head : List.of("linear", "knn", "propagation")) {
            double accuracy = first.get(head).get("mean").asDouble();
            assertTrue(accuracy > 0.8 && accuracy <= 1, head + " " + accuracy);
        }

        byte[] png = Files.readAllBytes(out.resolve(SemiCommand.PLOT_FILE));
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png, 4));
        JsonNode config =
                CommandConfigs.JSON.readTree(out.resolve("semi-config.json").toFile());
        assertEquals(2, config.get("seeds").asInt());
        assertEquals(0.5, config.get("fractions").get(1).asDouble());
        try (var leftovers = Files.list(out)) {
            assertTrue(leftovers.noneMatch(p -> p.toString().endsWith(".tmp")), "no temporary files left");
        }
    }

    @Test
    void unlabeledTrainRowsAreNamed() throws Exception {
        Path train = tmp.resolve("train");
        writeFeatures(train, 30, 1, true);
        StringWriter err = new StringWriter();
        int code = run(
                err,
                "semi",
                "--train",
                train.toString(),
                "--test",
                train.toString(),
                "--out",
                tmp.resolve("o").toString());
        assertEquals(2, code, err.toString());
        assertTrue(err.toString().contains("unlabeled rows") && err.toString().contains("'s5'"), err.toString());
    }

    @Test
    void badFractionAndMissingInputsAreRefused() {
        StringWriter err = new StringWriter();
        assertEquals(2, run(err, "semi", "--train", tmp.toString()));
        assertTrue(err.toString().contains("--test"), err.toString());

        StringWriter err2 = new StringWriter();
        assertEquals(
                2,
                run(
                        err2,
                        "semi",
                        "--train",
                        "a",
                        "--test",
                        "b",
                        "--fractions",
                        "0.01,2",
                        "--out",
                        tmp.resolve("o").toString()));
        assertTrue(err2.toString().contains("(0, 1]"), err2.toString());
    }
}
