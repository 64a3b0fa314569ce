package io.byol4j.sdk.data;

import io.byol4j.sdk.image.DecodedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * CIFAR-10 in its binary distribution ({@code cifar-10-batches-bin}), held in memory.
 *
 * <p>The training split is {@code data_batch_1.bin} .. {@code data_batch_5.bin}, the test split
 * {@code test_batch.bin}. Each file is a sequence of 3073-byte records: one label byte, then the
 * 32×32 red plane, green plane and blue plane, row by row. Class names come from
 * {@code batches.meta.txt} (one per line) when present, else the standard ten. The given folder may
 * also be the parent of a {@code cifar-10-batches-bin} folder.
 *
 * <p>Images are 32×32 RGB. Thread-safe.
 */
public final class Cifar10BinaryDataset implements Dataset {

    /** The standard CIFAR-10 class names, by label. */
    public static final List<String> CLASSES =
            List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");

    private static final int SIDE = 32;
    private static final int PLANE = SIDE * SIDE;
    private static final int RECORD = 1 + 3 * PLANE;
    private static final String BATCH_FOLDER = "cifar-10-batches-bin";

    private final Path dir;
    private final boolean train;
    private final byte[][] batches;
    private final String[] batchNames;
    private final int[] batchStart;
    private final int size;
    private final List<String> classNames;

    /**
     * Loads a split.
     *
     * @param dir the folder holding the batch files (or its parent)
     * @param train the training batches when true, else the test batch
     * @throws IllegalArgumentException if a batch file is missing, its size is not a positive multiple
     *     of 3073 bytes, or a label has no class name
     * @throws UncheckedIOException if a file cannot be read
     */
    public Cifar10BinaryDataset(Path dir, boolean train) {
        Objects.requireNonNull(dir, "dir");
        ImageFiles.requireDirectory(dir, "CIFAR-10 folder");
        List<String> names = batchFileNames(train);
        Path base = dir;
        if (!Files.isRegularFile(dir.resolve(names.get(0))) && Files.isDirectory(dir.resolve(BATCH_FOLDER))) {
            base = dir.resolve(BATCH_FOLDER);
        }
        List<String> missing = new ArrayList<>();
        for (String name : names) {
            if (!Files.isRegularFile(base.resolve(name))) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("CIFAR-10 " + (train ? "training" : "test") + " split in "
                    + base.toAbsolutePath() + " is missing " + String.join(", ", missing));
        }
        this.classNames = readClassNames(base);
        this.dir = base;
        this.train = train;
        this.batches = new byte[names.size()][];
        this.batchNames = names.toArray(new String[0]);
        this.batchStart = new int[names.size() + 1];
        long total = 0;
        for (int b = 0; b < names.size(); b++) {
            Path file = base.resolve(names.get(b));
            byte[] data = read(file);
            if (data.length == 0 || data.length % RECORD != 0) {
                throw new IllegalArgumentException(file + ": size " + data.length
                        + " bytes is not a positive multiple of the " + RECORD
                        + "-byte CIFAR-10 record (1 label byte + 3x32x32 pixels)");
            }
            int records = data.length / RECORD;
            for (int r = 0; r < records; r++) {
                int label = data[r * RECORD] & 0xFF;
                if (label >= classNames.size()) {
                    throw new IllegalArgumentException(file + ": record " + r + " has label " + label
                            + " but there are only " + classNames.size() + " classes");
                }
            }
            batches[b] = data;
            total += records;
            if (total > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("CIFAR-10 split in " + base + " has too many records");
            }
            batchStart[b + 1] = (int) total;
        }
        this.size = (int) total;
    }

    private static List<String> batchFileNames(boolean train) {
        if (!train) {
            return List.of("test_batch.bin");
        }
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            names.add("data_batch_" + i + ".bin");
        }
        return names;
    }

    private static List<String> readClassNames(Path base) {
        Path meta = base.resolve("batches.meta.txt");
        if (!Files.isRegularFile(meta)) {
            return CLASSES;
        }
        List<String> names = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(meta, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    names.add(line.trim());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + meta + ": " + e.getMessage(), e);
        }
        if (names.isEmpty()) {
            throw new IllegalArgumentException(meta + ": holds no class names");
        }
        return List.copyOf(names);
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The folder the batch files were read from. */
    public Path dir() {
        return dir;
    }

    /** True for the training split. */
    public boolean isTrain() {
        return train;
    }

    @Override
    public int size() {
        return size;
    }

    /** Builds image {@code index} as interleaved RGB; the sample id is {@code <batch file>#<record>}. */
    @Override
    public Sample get(int index) {
        Objects.checkIndex(index, size);
        int b = batchOf(index);
        int record = index - batchStart[b];
        byte[] data = batches[b];
        int base = record * RECORD + 1;
        byte[] rgb = new byte[3 * PLANE];
        for (int p = 0, o = 0; p < PLANE; p++, o += 3) {
            rgb[o] = data[base + p];
            rgb[o + 1] = data[base + PLANE + p];
            rgb[o + 2] = data[base + 2 * PLANE + p];
        }
        int label = data[record * RECORD] & 0xFF;
        return new Sample(new DecodedImage(SIDE, SIDE, 3, rgb), label, batchNames[b] + "#" + record);
    }

    @Override
    public int label(int index) {
        Objects.checkIndex(index, size);
        int b = batchOf(index);
        return batches[b][(index - batchStart[b]) * RECORD] & 0xFF;
    }

    private int batchOf(int index) {
        int b = 0;
        while (index >= batchStart[b + 1]) {
            b++;
        }
        return b;
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    @Override
    public int channels() {
        return 3;
    }

    @Override
    public String describe() {
        return "CIFAR-10 " + (train ? "train" : "test") + " split in " + dir + ", " + size + " images";
    }

    @Override
    public String toString() {
        return describe();
    }
}
