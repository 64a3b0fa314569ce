package io.byol4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.byol4j.sdk.classify.Classification;
import io.byol4j.sdk.classify.Classifier;
import io.byol4j.sdk.data.SyntheticDataset;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code byol4j finetune} end to end on tiny generated data, and its refusals. */
class FinetuneCommandTest {

    private static final String DATA = "synthetic:size=80,seed=3,image=16";

    @TempDir
    static Path shared;

    private static Path byol;

    @TempDir
    Path tmp;

    @BeforeAll
    static void byolCheckpoint() throws Exception {
        byol = TinyCheckpoint.create(shared.resolve("byol"));
    }

    private static int run(StringWriter err, String... args) {
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void trainsExportsAClassifierAndSavesItsConfig() throws Exception {
        Path out = tmp.resolve("ft");
        StringWriter err = new StringWriter();
        int code = run(
                err,
                "finetune",
                "--checkpoint",
                byol.toString(),
                "--dataset",
                DATA,
                "--test",
                "synthetic:size=30,seed=8,image=16",
                "--fraction",
                "0.5",
                "--lr",
                "0.05,0.2",
                "--epochs",
                "1",
                "--batch-size",
                "8",
                "--device",
                "cpu",
                "--out",
                out.toString());
        assertEquals(0, code, err.toString());
        Path model = out.resolve(FinetuneCommand.MODEL_FILE);
        assertTrue(Files.isRegularFile(model));
        JsonNode saved =
                CommandConfigs.JSON.readTree(out.resolve("finetune-config.json").toFile());
        assertEquals(0.5, saved.get("fraction").asDouble());
        assertEquals(2, saved.get("learningRates").size());
        JsonNode result =
                CommandConfigs.JSON.readTree(out.resolve("result.json").toFile());
        assertEquals(2, result.get("trials").size());
        try (Classifier classifier = Classifier.open(model)) {
            SyntheticDataset images = new SyntheticDataset(3, 5, 16);
            Classification c = classifier.classify(images.get(0).image(), 2);
            assertEquals(images.classNames(), classifier.classNames());
            assertEquals(2, c.top().size());
        }

        StringWriter again = new StringWriter();
        assertEquals(
                2, run(again, "finetune", "--checkpoint", byol.toString(), "--dataset", DATA, "--out", out.toString()));
        assertTrue(again.toString().contains("--force"), again.toString());
    }

    @Test
    void refusesATooSmallFractionAndAMismatchedInputBeforeWriting() {
        Path out = tmp.resolve("never");
        StringWriter err = new StringWriter();
        assertEquals(
                2,
                run(
                        err,
                        "finetune",
                        "--checkpoint",
                        byol.toString(),
                        "--dataset",
                        DATA,
                        "--fraction",
                        "0.01",
                        "--device",
                        "cpu",
                        "--out",
                        out.toString()));
        assertTrue(err.toString().contains("keeps no image of class"), err.toString());
        StringWriter size = new StringWriter();
        assertEquals(
                2,
                run(
                        size,
                        "finetune",
                        "--checkpoint",
                        byol.toString(),
                        "--dataset",
                        "synthetic:size=40,seed=3,image=20",
                        "--device",
                        "cpu",
                        "--out",
                        out.toString()));
        assertTrue(size.toString().contains("--convert-inputs"), size.toString());
        assertFalse(Files.exists(out), "nothing written");
    }
}
