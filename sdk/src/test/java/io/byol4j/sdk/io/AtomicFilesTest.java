package io.byol4j.sdk.io;

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
    void temporarySiblingsAreHiddenDistinctAndBesideTheTarget() throws Exception {
        Path target = tmp.resolve("model.onnx");
        Path a = AtomicFiles.temporarySibling(target);
        Path b = AtomicFiles.temporarySibling(target);
        assertNotEquals(a, b);
        assertEquals(tmp.toAbsolutePath(), a.getParent());
        assertTrue(a.getFileName().toString().startsWith(".model.onnx.") && a.toString().endsWith(".tmp"));
        assertTrue(Files.exists(a) && Files.size(a) == 0);
    }
}
