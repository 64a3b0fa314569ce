package io.byol4j.sdk.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BinaryDatasetsTest {

    @Test
    void readsAGzippedIdxPair(@TempDir Path dir) throws Exception {
        Path images = dir.resolve("imgs.idx3-ubyte.gz");
        Path labels = dir.resolve("lbls.idx1-ubyte.gz");
        write(images, gzip(idxImages(5, 3, 2)));
        write(labels, gzip(idxLabels(2, 0, 1, 2, 1)));

        IdxDataset ds = new IdxDataset(images, labels, List.of("zero", "one", "two"));
        assertEquals(5, ds.size());
        assertEquals(1, ds.channels());
        assertEquals(List.of("zero", "one", "two"), ds.classNames());
        Sample s = ds.get(3);
        assertEquals(2, s.label());
        assertEquals(2, s.image().width());
        assertEquals(3, s.image().height());
        assertArrayEquals(imagePixels(3, 6), s.image().pixels());
        assertEquals("imgs.idx3-ubyte.gz#3", s.id());
        assertEquals(1, ds.label(4));
    }

    @Test
    void readsRawIdxWithoutLabelsAndNamesClassesByNumber(@TempDir Path dir) throws Exception {
        Path images = dir.resolve("images.bin");
        write(images, idxImages(2, 4, 4));
        IdxDataset unlabeled = new IdxDataset(images, null, List.of());
        assertFalse(unlabeled.isLabeled());
        assertEquals(Sample.UNLABELED, unlabeled.get(1).label());
        assertArrayEquals(imagePixels(1, 16), unlabeled.get(1).image().pixels());

        Path labels = dir.resolve("labels.bin");
        write(labels, idxLabels(1, 0));
        assertEquals(List.of("0", "1"), new IdxDataset(images, labels, List.of()).classNames());
    }

    /** Issue 11, item 5: a stray label must not create empty classes by number. */
    @Test
    void idxLabelsOutsideTheirRangeAreRefusedInsteadOfCreatingEmptyClasses(@TempDir Path dir) throws Exception {
        Path images = dir.resolve("images.bin");
        write(images, idxImages(4, 2, 2));
        Path labels = dir.resolve("labels.bin");
        write(labels, idxLabels(0, 1, 200, 1));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new IdxDataset(images, labels, List.of()));
        assertTrue(
                e.getMessage().contains("labels.bin")
                        && e.getMessage().contains("label 200 at index 2")
                        && e.getMessage().contains("198 of the values 0..200 never occur"),
                e.getMessage());
        IllegalArgumentException viaSpec =
                assertThrows(IllegalArgumentException.class, () -> Datasets.open("idx:" + images + "," + labels, 1));
        assertTrue(viaSpec.getMessage().contains("label 200"), viaSpec.getMessage());
    }

    @Test
    void idxValidatesMagicCountsAndSizes(@TempDir Path dir) throws Exception {
        Path images = dir.resolve("i");
        Path labels = dir.resolve("l");
        write(labels, idxLabels(0, 1));

        byte[] wrongMagic = idxImages(2, 2, 2);
        wrongMagic[3] = 0x01;
        write(images, wrongMagic);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new IdxDataset(images, labels, List.of()));
        assertTrue(
                e.getMessage().contains("magic 0x00000801") && e.getMessage().contains("0x00000803"), e.getMessage());

        byte[] full = idxImages(2, 2, 2);
        write(images, Arrays.copyOf(full, full.length - 1));
        e = assertThrows(IllegalArgumentException.class, () -> new IdxDataset(images, labels, List.of()));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());

        write(images, full);
        write(labels, idxLabels(0, 1, 1));
        e = assertThrows(IllegalArgumentException.class, () -> new IdxDataset(images, labels, List.of()));
        assertTrue(e.getMessage().contains("3 labels") && e.getMessage().contains("2 images"), e.getMessage());

        write(labels, idxImages(2, 2, 2));
        e = assertThrows(IllegalArgumentException.class, () -> new IdxDataset(images, labels, List.of()));
        assertTrue(e.getMessage().contains("not an IDX label file"), e.getMessage());

        write(labels, idxLabels(0, 5));
        e = assertThrows(IllegalArgumentException.class, () -> new IdxDataset(images, labels, List.of("a", "b")));
        assertTrue(e.getMessage().contains("label 5"), e.getMessage());

        byte[] gz = gzip(full);
        write(images, Arrays.copyOf(gz, gz.length - 10));
        e = assertThrows(IllegalArgumentException.class, () -> new IdxDataset(images, null, List.of()));
        assertTrue(e.getMessage().contains("gzip"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> new IdxDataset(dir.resolve("absent"), null, List.of()));
        assertTrue(e.getMessage().contains("absent"), e.getMessage());
    }

    @Test
    void fashionMnistAndMnistUseTheOfficialFileNames(@TempDir Path dir) throws Exception {
        write(dir.resolve("train-images-idx3-ubyte.gz"), gzip(idxImages(3, 28, 28)));
        write(dir.resolve("train-labels-idx1-ubyte.gz"), gzip(idxLabels(9, 0, 3)));
        write(dir.resolve("t10k-images-idx3-ubyte"), idxImages(1, 28, 28));
        write(dir.resolve("t10k-labels-idx1-ubyte"), idxLabels(7));

        IdxDataset train = IdxDataset.fashionMnist(dir, true);
        assertEquals(3, train.size());
        assertEquals("Ankle boot", train.classNames().get(train.label(0)));
        IdxDataset test = IdxDataset.mnist(dir, false);
        assertEquals(1, test.size());
        assertEquals("7", test.classNames().get(test.label(0)));

        Path empty = Files.createDirectories(dir.resolve("empty"));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> IdxDataset.fashionMnist(empty, true));
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte.gz"), e.getMessage());
    }

    @Test
    void readsCifarBinaryBatchesAsInterleavedRgb(@TempDir Path dir) throws Exception {
        write(dir.resolve("test_batch.bin"), cifarRecords(4, 0));
        Cifar10BinaryDataset test = new Cifar10BinaryDataset(dir, false);
        assertEquals(4, test.size());
        assertEquals(Cifar10BinaryDataset.CLASSES, test.classNames());
        Sample s = test.get(2);
        assertEquals(2 % 10, s.label());
        assertEquals("test_batch.bin#2", s.id());
        // Pixel (x, y): R = record + x, G = y, B = 200.
        assertEquals(2 + 5, s.image().get(5, 7, 0));
        assertEquals(7, s.image().get(5, 7, 1));
        assertEquals(200, s.image().get(5, 7, 2));

        Path nested = Files.createDirectories(dir.resolve("parent/cifar-10-batches-bin"));
        for (int b = 1; b <= 5; b++) {
            write(nested.resolve("data_batch_" + b + ".bin"), cifarRecords(b, 10 * b));
        }
        Files.writeString(nested.resolve("batches.meta.txt"), "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n\n");
        Cifar10BinaryDataset train = new Cifar10BinaryDataset(dir.resolve("parent"), true);
        assertEquals(1 + 2 + 3 + 4 + 5, train.size());
        assertEquals("a", train.classNames().get(0));
        assertEquals("data_batch_3.bin#1", train.get(4).id());
        assertEquals((30 + 1) % 10, train.label(4));
        assertEquals(30 + 1, train.get(4).image().get(0, 0, 0));
    }

    @Test
    void cifarRejectsWrongSizesAndMissingBatches(@TempDir Path dir) throws Exception {
        write(dir.resolve("test_batch.bin"), Arrays.copyOf(cifarRecords(2, 0), 3073 * 2 - 5));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new Cifar10BinaryDataset(dir, false));
        assertTrue(e.getMessage().contains("3073"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> new Cifar10BinaryDataset(dir, true));
        assertTrue(e.getMessage().contains("data_batch_1.bin"), e.getMessage());

        byte[] badLabel = cifarRecords(1, 0);
        badLabel[0] = 10;
        write(dir.resolve("test_batch.bin"), badLabel);
        e = assertThrows(IllegalArgumentException.class, () -> new Cifar10BinaryDataset(dir, false));
        assertTrue(e.getMessage().contains("label 10"), e.getMessage());
    }

    @Test
    void readMaybeGzippedPassesRawDataThrough(@TempDir Path dir) throws Exception {
        Path raw = dir.resolve("raw");
        write(raw, new byte[] {0x1F, 0x00, 0x7});
        assertArrayEquals(new byte[] {0x1F, 0x00, 0x7}, IdxDataset.readMaybeGzipped(raw));
    }

    /** IDX images whose pixel j of image i is (i * 16 + j) mod 256. */
    static byte[] idxImages(int count, int rows, int cols) {
        ByteBuffer b = ByteBuffer.allocate(16 + count * rows * cols);
        b.putInt(IdxDataset.IMAGES_MAGIC).putInt(count).putInt(rows).putInt(cols);
        for (int i = 0; i < count; i++) {
            b.put(imagePixels(i, rows * cols));
        }
        return b.array();
    }

    static byte[] imagePixels(int index, int n) {
        byte[] px = new byte[n];
        for (int j = 0; j < n; j++) {
            px[j] = (byte) (index * 16 + j);
        }
        return px;
    }

    static byte[] idxLabels(int... labels) {
        ByteBuffer b = ByteBuffer.allocate(8 + labels.length);
        b.putInt(IdxDataset.LABELS_MAGIC).putInt(labels.length);
        for (int l : labels) {
            b.put((byte) l);
        }
        return b.array();
    }

    /** {@code n} CIFAR records; record r has label (first + r) % 10, R = first + r + x, G = y, B = 200. */
    static byte[] cifarRecords(int n, int first) {
        ByteBuffer b = ByteBuffer.allocate(n * 3073);
        for (int r = 0; r < n; r++) {
            b.put((byte) ((first + r) % 10));
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    b.put((byte) (first + r + x));
                }
            }
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    b.put((byte) y);
                }
            }
            for (int p = 0; p < 1024; p++) {
                b.put((byte) 200);
            }
        }
        return b.array();
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    static void write(Path file, byte[] data) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, data);
    }
}
