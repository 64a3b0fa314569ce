package io.byol4j.sdk.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureFileTest {

    /** What {@code np.save} writes for a (2, 3) float32 array: magic, v1.0, length 118, dict, padding. */
    private static final String NUMPY_FLOAT_HEADER = "\u0093NUMPY\u0001\u0000v\u0000"
            + "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }" + " ".repeat(58) + "\n";

    private static final String NUMPY_INT_HEADER = "\u0093NUMPY\u0001\u0000v\u0000"
            + "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }" + " ".repeat(60) + "\n";

    @TempDir
    Path dir;

    private static final float[][] FEATURES = {{0f, 1.5f, -2f}, {3.25f, 4f, Float.MIN_VALUE}};
    private static final int[] LABELS = {1, -1};
    private static final List<String> IDS = List.of("cat/ä 1.png", "unlabeled/2.png");
    private static final List<String> CLASSES = List.of("bird", "cat");

    @Test
    void roundTrip() throws IOException {
        FeatureFile.write(dir, FEATURES, LABELS, IDS, CLASSES);
        FeatureSet set = FeatureFile.read(dir);
        assertEquals(2, set.size());
        assertEquals(3, set.dim());
        for (int i = 0; i < FEATURES.length; i++) {
            assertArrayEquals(FEATURES[i], set.features()[i]);
        }
        assertArrayEquals(LABELS, set.labels());
        assertEquals(IDS, set.ids());
        assertEquals(CLASSES, set.classNames());
    }

    @Test
    void readLabeledNeedsSamplesThatAllHaveLabels() throws IOException {
        FeatureFile.write(dir, FEATURES, LABELS, IDS, CLASSES);
        FeatureFileException e = assertThrows(FeatureFileException.class, () -> FeatureFile.readLabeled(dir));
        assertTrue(e.getMessage().contains("unlabeled rows (first: sample 1, 'unlabeled/2.png')"), e.getMessage());

        FeatureFile.write(dir, FEATURES, new int[] {1, 0}, IDS, CLASSES);
        FeatureSet set = FeatureFile.readLabeled(dir);
        assertArrayEquals(new int[] {1, 0}, set.labels());
        assertEquals(CLASSES, set.classNames());

        FeatureWriter.create(dir, 3, CLASSES).close();
        e = assertThrows(FeatureFileException.class, () -> FeatureFile.readLabeled(dir));
        assertTrue(e.getMessage().contains("holds no samples"), e.getMessage());
    }

    @Test
    void npyFilesAreByteIdenticalToNumpy() throws IOException {
        FeatureFile.write(dir, FEATURES, LABELS, IDS, CLASSES);
        byte[] features = Files.readAllBytes(dir.resolve(FeatureFile.FEATURES));
        assertEquals(128 + 2 * 3 * 4, features.length);
        assertEquals(NUMPY_FLOAT_HEADER, new String(features, 0, 128, StandardCharsets.ISO_8859_1));
        ByteBuffer data = ByteBuffer.wrap(features, 128, 24).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0f, data.getFloat());
        assertEquals(1.5f, data.getFloat());
        assertEquals(-2f, data.getFloat());
        assertEquals(3.25f, data.getFloat());

        byte[] labels = Files.readAllBytes(dir.resolve(FeatureFile.LABELS));
        assertEquals(128 + 8, labels.length);
        assertEquals(NUMPY_INT_HEADER, new String(labels, 0, 128, StandardCharsets.ISO_8859_1));
        ByteBuffer ints = ByteBuffer.wrap(labels, 128, 8).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(1, ints.getInt());
        assertEquals(-1, ints.getInt());

        assertEquals(
                "cat/ä 1.png\nunlabeled/2.png\n",
                Files.readString(dir.resolve(FeatureFile.IDS), StandardCharsets.UTF_8));
        assertEquals("bird\ncat\n", Files.readString(dir.resolve(FeatureFile.CLASSES)));
    }

    @Test
    void streamingWriterFixesTheShapeOnClose() throws IOException {
        try (FeatureWriter writer = FeatureWriter.create(dir, 4, List.of())) {
            for (int i = 0; i < 1000; i++) {
                writer.append(new float[] {i, -i, i / 2f, 1}, FeatureFile.UNLABELED, "row" + i);
            }
            assertEquals(1000, writer.count());
            assertFalse(Files.exists(dir.resolve(FeatureFile.FEATURES)), "nothing is visible before close");
        }
        String header =
                new String(Files.readAllBytes(dir.resolve(FeatureFile.FEATURES)), 0, 128, StandardCharsets.ISO_8859_1);
        assertTrue(header.contains("'shape': (1000, 4), }"), header);
        FeatureSet set = FeatureFile.read(dir);
        assertEquals(1000, set.size());
        assertArrayEquals(new float[] {999, -999, 499.5f, 1}, set.features()[999]);
        assertEquals("row999", set.ids().get(999));
        assertEquals(List.of(), set.classNames());
        assertOnlyTheFourFiles();
    }

    @Test
    void emptyStreamIsValid() throws IOException {
        FeatureWriter.create(dir, 5, List.of("a", "b")).close();
        FeatureSet set = FeatureFile.read(dir);
        assertEquals(0, set.size());
        assertEquals(List.of("a", "b"), set.classNames());
        String header = new String(Files.readAllBytes(dir.resolve(FeatureFile.FEATURES)), StandardCharsets.ISO_8859_1);
        assertTrue(header.contains("(0, 5)"), header);
    }

    @Test
    void abortLeavesThePreviousContent() throws IOException {
        FeatureFile.write(dir, FEATURES, LABELS, IDS, CLASSES);
        FeatureWriter writer = FeatureWriter.create(dir, 3, CLASSES);
        writer.append(new float[] {9, 9, 9}, 0, "new");
        writer.abort();
        writer.close();
        assertEquals(IDS, FeatureFile.read(dir).ids());
        assertOnlyTheFourFiles();
    }

    @Test
    void rewritingReplacesTheFiles() throws IOException {
        FeatureFile.write(dir, FEATURES, LABELS, IDS, CLASSES);
        FeatureFile.write(dir, new float[][] {{7f}}, new int[] {0}, List.of("only"), List.of("x", "y"));
        FeatureSet set = FeatureFile.read(dir);
        assertEquals(1, set.size());
        assertEquals(List.of("x", "y"), set.classNames());
        assertOnlyTheFourFiles();
    }

    @Test
    void writeRejectsBadInput() throws IOException {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> FeatureFile.write(dir, FEATURES, new int[] {2, 0}, IDS, CLASSES));
        assertTrue(e.getMessage().contains("label 2"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> FeatureFile.write(dir, FEATURES, LABELS, List.of("a\nb", "c"), CLASSES));
        assertTrue(e.getMessage().contains("line break"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> FeatureFile.write(dir, new float[][] {{1, 2}, {3}}, LABELS, IDS, CLASSES));
        assertTrue(e.getMessage().contains("row 1 has 1"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class, () -> FeatureFile.write(dir, FEATURES, new int[] {0}, IDS, CLASSES));
        assertTrue(e.getMessage().contains("disagree"), e.getMessage());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(0, files.count(), "a refused write leaves nothing behind");
        }
        try (FeatureWriter writer = FeatureWriter.create(dir, 2, List.of())) {
            assertThrows(IllegalArgumentException.class, () -> writer.append(new float[3], -1, "x"));
            writer.append(new float[2], -1, "ok");
        }
        assertEquals(1, FeatureFile.read(dir).size(), "a refused append does not spoil the writer");
    }

    @Test
    void readRejectsBadMagic() throws IOException {
        FeatureFile.write(dir, FEATURES, LABELS, IDS, CLASSES);
        byte[] bytes = Files.readAllBytes(dir.resolve(FeatureFile.FEATURES));
        bytes[1] = 'X';
        Files.write(dir.resolve(FeatureFile.FEATURES), bytes);
        assertReadFails("bad magic");
    }

    @Test
    void readRejectsWrongDtype() throws IOException {
        FeatureFile.write(dir, FEATURES, LABELS, IDS, CLASSES);
        byte[] header = NpyHeader.encode("<f8", 2, 3);
        byte[] file = Arrays.copyOf(header, header.length + 2 * 3 * 8);
        Files.write(dir.resolve(FeatureFile.FEATURES), file);
        assertReadFails("dtype '<f8', expected '<f4'");
    }

    @Test
    void readRejectsFortranOrder() throws IOException {
        FeatureFile.write(dir, FEATURES, LABELS, IDS, CLASSES);
        byte[] bytes = Files.readAllBytes(dir.resolve(FeatureFile.FEATURES));
        String header = new String(bytes, 0, 128, StandardCharsets.ISO_8859_1).replace("False", "True ");
        System.arraycopy(header.getBytes(StandardCharsets.ISO_8859_1), 0, bytes, 0, 128);
        Files.write(dir.resolve(FeatureFile.FEATURES), bytes);
        assertReadFails("Fortran order");
    }

    @Test
    void readRejectsTruncatedData() throws IOException {
        FeatureFile.write(dir, FEATURES, LABELS, IDS, CLASSES);
        byte[] bytes = Files.readAllBytes(dir.resolve(FeatureFile.FEATURES));
        Files.write(dir.resolve(FeatureFile.FEATURES), Arrays.copyOf(bytes, bytes.length - 3));
        assertReadFails("(truncated)");
    }

    @Test
    void readRejectsDisagreeingFiles() throws IOException {
        FeatureFile.write(dir, FEATURES, LABELS, IDS, CLASSES);
        Files.writeString(dir.resolve(FeatureFile.IDS), "only-one\n");
        assertReadFails("ids.txt has 1 lines but features.npy has 2 rows");

        FeatureFile.write(dir, FEATURES, LABELS, IDS, CLASSES);
        Path other = dir.resolve("other");
        FeatureFile.write(other, new float[][] {{1, 2, 3}}, new int[] {0}, List.of("x"), CLASSES);
        Files.copy(
                other.resolve(FeatureFile.LABELS),
                dir.resolve(FeatureFile.LABELS),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertReadFails("labels.npy has 1 labels but features.npy has 2 rows");

        FeatureFile.write(dir, FEATURES, LABELS, IDS, CLASSES);
        Files.writeString(dir.resolve(FeatureFile.CLASSES), "bird\n");
        assertReadFails("label 1 of sample 0");
    }

    @Test
    void readRejectsMissingFile() throws IOException {
        FeatureFile.write(dir, FEATURES, LABELS, IDS, CLASSES);
        Files.delete(dir.resolve(FeatureFile.CLASSES));
        assertReadFails("has no classes.txt");
    }

    @Test
    void readsVersion2HeadersAndOtherPadding() throws IOException {
        FeatureFile.write(dir, FEATURES, LABELS, IDS, CLASSES);
        String dict = "{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (2, 3)}\n";
        ByteBuffer header = ByteBuffer.allocate(12 + dict.length()).order(ByteOrder.LITTLE_ENDIAN);
        header.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0}).putInt(dict.length());
        header.put(dict.getBytes(StandardCharsets.US_ASCII));
        byte[] original = Files.readAllBytes(dir.resolve(FeatureFile.FEATURES));
        byte[] file = new byte[header.capacity() + 24];
        System.arraycopy(header.array(), 0, file, 0, header.capacity());
        System.arraycopy(original, 128, file, header.capacity(), 24);
        Files.write(dir.resolve(FeatureFile.FEATURES), file);
        assertArrayEquals(FEATURES[1], FeatureFile.read(dir).features()[1]);
    }

    private void assertReadFails(String fragment) {
        FeatureFileException e = assertThrows(FeatureFileException.class, () -> FeatureFile.read(dir));
        assertTrue(e.getMessage().contains(fragment), "expected '" + fragment + "' in: " + e.getMessage());
    }

    private void assertOnlyTheFourFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(
                    List.of(FeatureFile.CLASSES, FeatureFile.FEATURES, FeatureFile.IDS, FeatureFile.LABELS),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }
}
