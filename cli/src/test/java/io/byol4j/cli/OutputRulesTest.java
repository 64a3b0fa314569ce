package io.byol4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.byol4j.sdk.features.FeatureFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, item 3: no command replaces existing outputs unless --force is given, and a failed --force run
 * leaves the previous outputs as they were.
 */
class OutputRulesTest {

    @TempDir
    Path tmp;

    @Test
    void trainRefusesAFolderHoldingTheUsersFiles() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("run"));
        Path userConfig = Files.writeString(out.resolve("config.json"), "{\"mine\":true}");
        CliRun r = CliRun.execute(
                "train",
                "--preset",
                "cpu-tiny",
                "--dataset",
                "synthetic:size=64",
                "--epochs",
                "1",
                "--out",
                out.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(
                r.err().contains("already holds config.json")
                        && r.err().contains("--force")
                        && r.err().contains("--resume"),
                r.err());
        assertEquals("{\"mine\":true}", Files.readString(userConfig));
        assertEquals(List.of("config.json"), listing(out));
    }

    @Test
    void trainWithForceThatFailsPutsThePreviousFolderBack() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("run"));
        Files.writeString(out.resolve("config.json"), "{\"mine\":true}");
        CliRun r = CliRun.execute(
                "train",
                "--preset",
                "cpu-tiny",
                "--dataset",
                "folder:" + tmp.resolve("no-such-images"),
                "--epochs",
                "1",
                "--out",
                out.toString(),
                "--force");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("no-such-images"), r.err());
        assertEquals("{\"mine\":true}", Files.readString(out.resolve("config.json")));
        assertEquals(List.of("config.json"), listing(out));
        assertEquals(List.of("run"), listing(tmp), "no backup folder left");
    }

    @Test
    void embedRefusesToReplaceAFeatureFolderWithoutForce() throws Exception {
        Path features = tmp.resolve("features");
        FeatureFile.write(features, new float[][] {{1, 2}}, new int[] {0}, List.of("a"), List.of("x"));
        Map<String, String> before = FeatureFolderSnapshot.of(features);
        CliRun r = CliRun.execute(
                "embed",
                "--model",
                tmp.resolve("m.onnx").toString(),
                "--dataset",
                "synthetic:size=4",
                "--out",
                features.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("features.npy") && r.err().contains("--force"), r.err());
        assertEquals(before, FeatureFolderSnapshot.of(features));
    }

    @Test
    void probeAndSemiRefuseToReplaceTheirReports() throws Exception {
        Path features = tmp.resolve("f");
        FeatureFile.write(
                features,
                new float[][] {{1, 0}, {0, 1}, {1, 0.1f}, {0.1f, 1}},
                new int[] {0, 1, 0, 1},
                List.of("a", "b", "c", "d"),
                List.of("p", "q"));
        Path out = Files.createDirectories(tmp.resolve("probe"));
        Files.writeString(out.resolve("probe-report.json"), "old");
        CliRun r = CliRun.execute(
                "probe", "--train", features.toString(), "--test", features.toString(), "--out", out.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("probe-report.json") && r.err().contains("--force"), r.err());
        assertEquals(List.of("probe-report.json"), listing(out));
        assertEquals(
                0,
                CliRun.execute(
                                "probe",
                                "--train",
                                features.toString(),
                                "--test",
                                features.toString(),
                                "--out",
                                out.toString(),
                                "--force")
                        .code());
        assertTrue(Files.readString(out.resolve("probe-report.json")).contains("linearAccuracy"));

        Path semi = Files.createDirectories(tmp.resolve("semi"));
        Files.writeString(semi.resolve("semi-report.json"), "old");
        r = CliRun.execute(
                "semi", "--train", features.toString(), "--test", features.toString(), "--out", semi.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("semi-report.json"), r.err());
        assertEquals("old", Files.readString(semi.resolve("semi-report.json")));
    }

    @Test
    void evalAndBenchRefuseANonEmptyFolder() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("eval"));
        Files.writeString(out.resolve("eval-results.json"), "old");
        CliRun r = CliRun.execute(
                "eval",
                "--run",
                tmp.resolve("some-run").toString(),
                "--train",
                "synthetic:size=4",
                "--test",
                "synthetic:size=4",
                "--out",
                out.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("eval-results.json") && r.err().contains("--force"), r.err());
        Path bench = Files.createDirectories(tmp.resolve("bench"));
        Files.writeString(bench.resolve("bench.json"), "old");
        r = CliRun.execute("bench", "--presets", "cpu-tiny", "--out", bench.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("bench.json") && r.err().contains("--force"), r.err());
        assertEquals("old", Files.readString(bench.resolve("bench.json")));
    }

    private static List<String> listing(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** File name -> content of a folder. */
    private static final class FeatureFolderSnapshot {
        static Map<String, String> of(Path dir) throws Exception {
            Map<String, String> m = new java.util.TreeMap<>();
            try (Stream<Path> s = Files.list(dir)) {
                for (Path p : s.toList()) {
                    m.put(p.getFileName().toString(), java.util.HexFormat.of().formatHex(Files.readAllBytes(p)));
                }
            }
            return m;
        }
    }
}
