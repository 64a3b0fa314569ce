package io.byol4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.byol4j.sdk.features.FeatureFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input to the command line gives exit code 2 and a message that names the problem. */
class CommandErrorsTest {

    @TempDir
    Path tmp;

    @Test
    void unknownPresetListsTheKnownOnes() {
        CliRun r = CliRun.execute(
                "train", "--preset", "huge", "--out", tmp.resolve("run").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("unknown preset 'huge'") && r.err().contains("cpu-tiny"), r.err());
    }

    @Test
    void exportOfAMissingCheckpointSaysSoAndWritesNothing() {
        Path out = tmp.resolve("m.onnx");
        CliRun r = CliRun.execute("export", "--checkpoint", tmp.resolve("nope").toString(), "--out", out.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("nope"), r.err());
        assertTrue(Files.notExists(out));
    }

    @Test
    void embedWithANonModelFileIsRefused() throws Exception {
        Path fake = Files.writeString(tmp.resolve("fake.onnx"), "definitely not onnx");
        CliRun r = CliRun.execute(
                "embed",
                "--model",
                fake.toString(),
                "--dataset",
                "synthetic:size=10",
                "--out",
                tmp.resolve("f").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().toLowerCase(Locale.ROOT).contains("onnx"), r.err());
    }

    @Test
    void unknownConfigKeyIsNamed() throws Exception {
        Path cfg = Files.writeString(tmp.resolve("probe.json"), "{\"train\":\"a\",\"bogus\":1}");
        CliRun r = CliRun.execute("probe", "--config", cfg.toString(), "--test", "b");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("bogus"), r.err());
    }

    @Test
    void probeNeedsItsInputs() {
        CliRun r = CliRun.execute("probe", "--train", tmp.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--test"), r.err());
    }

    @Test
    void probeNamesUnlabeledRowsAndMismatchedFolders() throws Exception {
        Path labeled = tmp.resolve("labeled");
        FeatureFile.write(
                labeled, new float[][] {{1, 0}, {0, 1}}, new int[] {0, 1}, List.of("a", "b"), List.of("x", "y"));
        Path unlabeled = tmp.resolve("unlabeled");
        FeatureFile.write(
                unlabeled, new float[][] {{1, 0}, {0, 1}}, new int[] {0, -1}, List.of("a", "b"), List.of("x", "y"));
        Path wider = tmp.resolve("wider");
        FeatureFile.write(wider, new float[][] {{1, 0, 0}}, new int[] {0}, List.of("a"), List.of("x", "y"));

        CliRun r = CliRun.execute(
                "probe",
                "--train",
                unlabeled.toString(),
                "--test",
                labeled.toString(),
                "--out",
                tmp.resolve("p1").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("unlabeled rows") && r.err().contains("'b'"), r.err());

        r = CliRun.execute(
                "probe",
                "--train",
                labeled.toString(),
                "--test",
                wider.toString(),
                "--out",
                tmp.resolve("p2").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("dimension 2 but test features 3"), r.err());
    }
}
