package io.byol4j.sdk.internal.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.byol4j.sdk.features.FeatureFile;
import io.byol4j.sdk.features.FeatureSet;
import io.byol4j.sdk.features.FeatureWriter;
import io.byol4j.sdk.head.KnnClassifier;
import io.byol4j.sdk.head.LogisticRegression;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11: every SDK file writer (features, heads, reports) is failed at each of its steps (open, write,
 * fsync, folder fsync, rename) in turn; afterwards the previous files must be exactly as they were and no
 * partial or temporary file may be visible.
 */
class WriterFaultInjectionTest {

    @TempDir
    Path root;

    private static final float[][] OLD_ROWS = {{1, 2, 3}, {4, 5, 6}};
    private static final float[][] NEW_ROWS = {{7, 8, 9}, {1, 1, 1}, {0, 2, 4}};

    @Test
    void featureFilesAndTheirConfigReplaceTheOldOnesTogetherOrNotAtAll() throws Exception {
        Path dir = root.resolve("features");
        List<String> steps = FaultInjection.assertAllOrNothing(
                root,
                () -> {
                    FeatureFile.write(dir, OLD_ROWS, new int[] {0, 1}, List.of("a", "b"), List.of("x", "y"));
                    Files.writeString(dir.resolve("embed-config.json"), "{\"old\":true}");
                    Files.writeString(dir.resolve("notes.txt"), "the user's own file");
                },
                () -> {
                    try (FeatureWriter w = FeatureWriter.create(dir, 3, List.of("p", "q", "r"))) {
                        w.addFile("embed-config.json", "{\"new\":true}");
                        w.appendAll(NEW_ROWS, new int[] {2, 1, 0}, List.of("i", "j", "k"));
                    }
                });
        assertSteps(steps, 5);
        FeatureSet now = FeatureFile.read(dir);
        assertArrayEquals(NEW_ROWS, now.features());
        assertEquals("{\"new\":true}", Files.readString(dir.resolve("embed-config.json")));
        assertEquals("the user's own file", Files.readString(dir.resolve("notes.txt")));
    }

    @Test
    void firstFeatureWriteLeavesNoFeatureFileWhenItFails() throws Exception {
        Path dir = root.resolve("features");
        List<String> steps = FaultInjection.assertAllOrNothing(
                root,
                () -> Files.createDirectories(dir),
                () -> FeatureFile.write(dir, NEW_ROWS, new int[] {0, 1, 0}, List.of("i", "j", "k"), List.of("p", "q")));
        assertSteps(steps, 4);
    }

    @Test
    void headFilesAreReplacedWhole() throws Exception {
        float[][] x = {{1, 0}, {0, 1}, {1, 0.1f}, {0.1f, 1}};
        int[] y = {0, 1, 0, 1};
        LogisticRegression oldHead = LogisticRegression.fit(x, y, 2, 1e-3);
        LogisticRegression newHead = LogisticRegression.fit(x, new int[] {1, 0, 1, 0}, 2, 1e-3);
        Path head = root.resolve("probe/head.json");
        assertSteps(FaultInjection.assertAllOrNothing(root, () -> oldHead.save(head), () -> newHead.save(head)), 1);
        Path knn = root.resolve("probe/knn.bin");
        KnnClassifier oldKnn = KnnClassifier.fit(x, y, 2);
        KnnClassifier newKnn = KnnClassifier.fit(x, new int[] {1, 1, 0, 0}, 2);
        assertSteps(FaultInjection.assertAllOrNothing(root, () -> oldKnn.save(knn), () -> newKnn.save(knn)), 1);
    }

    @Test
    void reportsAndConfigsAreReplacedWhole() throws Exception {
        Path report = root.resolve("run/probe-report.json");
        byte[] big = new byte[300_000]; // several buffer flushes, so several write steps
        java.util.Arrays.fill(big, (byte) 'n');
        List<String> steps = FaultInjection.assertAllOrNothing(
                root,
                () -> AtomicFiles.writeString(report, "{\"accuracy\":0.5}"),
                () -> AtomicFiles.writeBytes(report, big));
        assertTrue(steps.stream().filter(s -> s.startsWith("write")).count() >= 4, steps.toString());
        assertSteps(steps, 1);
    }

    /** The steps cover open, write, fsync, rename and the folder fsync, for {@code files} files at least. */
    private static void assertSteps(List<String> steps, int files) {
        for (String kind : List.of("open", "write", "fsync", "rename", "fsync-folder")) {
            assertTrue(steps.stream().anyMatch(s -> s.startsWith(kind + " ")), kind + " missing in " + steps);
        }
        assertTrue(steps.stream().filter(s -> s.startsWith("open ")).count() >= files, steps.toString());
        assertTrue(steps.stream().filter(s -> s.startsWith("fsync ")).count() >= files, steps.toString());
    }
}
