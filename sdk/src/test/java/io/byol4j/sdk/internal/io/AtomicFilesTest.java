package io.byol4j.sdk.internal.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir
    Path tmp;

    @Test
    void writeReplacesContentAndLeavesNoTemporaryFile() throws Exception {
        Path target = tmp.resolve("a/b/result.json");
        AtomicFiles.writeString(target, "first");
        AtomicFiles.writeString(target, "second");
        assertEquals("second", Files.readString(target));
        try (Stream<Path> files = Files.list(target.getParent())) {
            assertEquals(1, files.count(), "only the target remains");
        }
    }

    @Test
    void temporaryFilesAreHiddenDistinctAndBesideTheTarget() throws Exception {
        Path target = tmp.resolve("model.onnx");
        AtomicFiles.StagedFile first = AtomicFiles.stage(target);
        AtomicFiles.StagedFile second = AtomicFiles.stage(target);
        Path a = first.temp();
        Path b = second.temp();
        assertNotEquals(a, b);
        assertEquals(tmp.toAbsolutePath(), a.getParent());
        assertTrue(a.getFileName().toString().startsWith(".model.onnx.")
                && a.toString().endsWith(".tmp"));
        assertTrue(Files.exists(a) && Files.size(a) == 0);
        first.discard();
        second.close();
        assertTrue(Files.notExists(a) && Files.notExists(b) && Files.notExists(target));
    }

    @Test
    void filesCommittedTogetherAllAppearAndReplaceTheOldOnes() throws Exception {
        Path a = tmp.resolve("a.txt");
        Path b = tmp.resolve("b.txt");
        Files.writeString(a, "old a");
        AtomicFiles.StagedFile na = AtomicFiles.stage(a);
        AtomicFiles.StagedFile nb = AtomicFiles.stage(b);
        na.stream().write("new a".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        nb.stream().write("new b".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals("old a", Files.readString(a), "nothing visible before the commit");
        AtomicFiles.commitAll(java.util.List.of(na, nb));
        assertEquals("new a", Files.readString(a));
        assertEquals("new b", Files.readString(b));
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(2, files.count(), "no temporary or backup file remains");
        }
    }

    @Test
    void deleteRecursivelyRemovesATreeButNotWhatALinkPointsTo() throws Exception {
        Path outside = Files.writeString(tmp.resolve("outside.txt"), "keep");
        Path tree = tmp.resolve("tree");
        Files.createDirectories(tree.resolve("a/b"));
        Files.writeString(tree.resolve("a/b/c.txt"), "x");
        Files.writeString(tree.resolve("top.txt"), "y");
        Files.createSymbolicLink(tree.resolve("a/link"), outside);

        AtomicFiles.deleteRecursively(tree);

        assertTrue(Files.notExists(tree), "the tree is gone");
        assertEquals("keep", Files.readString(outside), "a linked file outside the tree is untouched");
        AtomicFiles.deleteRecursively(tree); // absent: nothing to do, no error
    }
}
