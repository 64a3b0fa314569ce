package io.byol4j.sdk.data;

import io.byol4j.sdk.image.DecodedImage;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Gray images in the IDX format of MNIST and Fashion-MNIST, held in memory.
 *
 * <p>The image file has magic {@code 0x00000803} (unsigned bytes, 3 dimensions: count, rows, columns);
 * the optional label file has magic {@code 0x00000801} (unsigned bytes, 1 dimension: count). Either file
 * may be gzip-compressed (detected from its first bytes, whatever its name). Magic numbers, counts and
 * file sizes are validated when the dataset is created.
 *
 * <p>Images have 1 channel. Thread-safe.
 */
public final class IdxDataset implements Dataset {

    /** Magic number of an IDX file of unsigned-byte images. */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of an IDX file of unsigned-byte labels. */
    public static final int LABELS_MAGIC = 0x00000801;

    /** Fashion-MNIST class names, by label. */
    public static final List<String> FASHION_MNIST_CLASSES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    /** MNIST class names (the digits), by label. */
    public static final List<String> MNIST_CLASSES = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

    private static final int IMAGE_HEADER = 16;
    private static final int LABEL_HEADER = 8;

    private final String description;
    private final String idPrefix;
    private final byte[] pixels;
    private final int count;
    private final int rows;
    private final int cols;
    private final byte[] labels;
    private final List<String> classNames;

    /**
     * Loads an IDX image file and, optionally, its label file.
     *
     * @param images the {@code idx3-ubyte} image file, raw or gzipped
     * @param labelsOrNull the {@code idx1-ubyte} label file, or {@code null} for an unlabeled dataset
     * @param classNames class names by label; when empty and labels are given, the names are the label
     *     numbers {@code "0" .. max label}, and every number in that range must occur (else a stray label
     *     would create empty classes); must be empty when there are no labels
     * @throws IllegalArgumentException for a missing file, a wrong magic number, a size that does not
     *     match the header, mismatched counts, or a label without a class name
     * @throws UncheckedIOException if a file cannot be read
     */
    public IdxDataset(Path images, Path labelsOrNull, List<String> classNames) {
        Objects.requireNonNull(images, "images");
        Objects.requireNonNull(classNames, "classNames");
        byte[] data = readMaybeGzipped(images);
        if (data.length < IMAGE_HEADER) {
            throw new IllegalArgumentException(images + ": too short for an IDX image header (" + data.length
                    + " bytes, need " + IMAGE_HEADER + ")");
        }
        int magic = readInt(data, 0);
        if (magic != IMAGES_MAGIC) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "%s: not an IDX image file: magic 0x%08x, expected 0x%08x (unsigned bytes, 3 dimensions)",
                    images,
                    magic,
                    IMAGES_MAGIC));
        }
        this.count = readInt(data, 4);
        this.rows = readInt(data, 8);
        this.cols = readInt(data, 12);
        if (count <= 0 || rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException(images + ": header declares " + count + " images of " + rows + "x" + cols
                    + "; all three must be positive");
        }
        long expected = IMAGE_HEADER + (long) count * rows * cols;
        if (data.length != expected) {
            throw new IllegalArgumentException(images + ": holds " + data.length + " bytes but its header ("
                    + count + " images of " + rows + "x" + cols + ") needs exactly " + expected
                    + (data.length < expected ? "; the file is truncated" : "; the file has trailing data"));
        }
        this.pixels = data;

        if (labelsOrNull == null) {
            if (!classNames.isEmpty()) {
                throw new IllegalArgumentException("class names were given for " + images + " but no label file");
            }
            this.labels = null;
            this.classNames = List.of();
        } else {
            this.labels = readLabels(labelsOrNull, count, images);
            this.classNames = resolveClassNames(labels, classNames, labelsOrNull);
        }
        this.idPrefix = images.getFileName().toString() + "#";
        this.description = "IDX " + images + (labelsOrNull == null ? "" : " + " + labelsOrNull.getFileName())
                + ", " + count + " images " + rows + "x" + cols
                + (labels == null ? ", unlabeled" : ", " + this.classNames.size() + " classes");
    }

    /**
     * Fashion-MNIST from a folder with the official file names
     * ({@code train-images-idx3-ubyte[.gz]}, {@code train-labels-idx1-ubyte[.gz]}, and {@code t10k-...}
     * for the test split).
     *
     * @param train the 60,000-image training split when true, else the 10,000-image test split
     */
    public static IdxDataset fashionMnist(Path dir, boolean train) {
        return fromOfficialNames(dir, train, FASHION_MNIST_CLASSES);
    }

    /** MNIST from a folder with the official file names; see {@link #fashionMnist(Path, boolean)}. */
    public static IdxDataset mnist(Path dir, boolean train) {
        return fromOfficialNames(dir, train, MNIST_CLASSES);
    }

    private static IdxDataset fromOfficialNames(Path dir, boolean train, List<String> classes) {
        Objects.requireNonNull(dir, "dir");
        ImageFiles.requireDirectory(dir, "IDX dataset folder");
        String split = train ? "train" : "t10k";
        Path images = findVariant(dir, split + "-images", "idx3-ubyte");
        Path labels = findVariant(dir, split + "-labels", "idx1-ubyte");
        return new IdxDataset(images, labels, classes);
    }

    /** {@code stem-suffix}, {@code stem.suffix}, each optionally with {@code .gz}. */
    private static Path findVariant(Path dir, String stem, String suffix) {
        List<String> tried = new ArrayList<>();
        for (String sep : new String[] {"-", "."}) {
            for (String gz : new String[] {".gz", ""}) {
                String name = stem + sep + suffix + gz;
                tried.add(name);
                Path p = dir.resolve(name);
                if (Files.isRegularFile(p)) {
                    return p;
                }
            }
        }
        throw new IllegalArgumentException(
                "no " + stem + " file in " + dir.toAbsolutePath() + " (looked for " + String.join(", ", tried) + ")");
    }

    /** Image height. */
    public int rows() {
        return rows;
    }

    /** Image width. */
    public int cols() {
        return cols;
    }

    @Override
    public int size() {
        return count;
    }

    /** Copies image {@code index}; the sample id is {@code <image file name>#<index>}. */
    @Override
    public Sample get(int index) {
        Objects.checkIndex(index, count);
        int n = rows * cols;
        byte[] image = new byte[n];
        System.arraycopy(pixels, IMAGE_HEADER + index * n, image, 0, n);
        return new Sample(new DecodedImage(cols, rows, 1, image), label(index), idPrefix + index);
    }

    @Override
    public int label(int index) {
        Objects.checkIndex(index, count);
        return labels == null ? Sample.UNLABELED : labels[LABEL_HEADER + index] & 0xFF;
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    @Override
    public int channels() {
        return 1;
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public String toString() {
        return description;
    }

    private static byte[] readLabels(Path file, int expectedCount, Path images) {
        byte[] data = readMaybeGzipped(file);
        if (data.length < LABEL_HEADER) {
            throw new IllegalArgumentException(file + ": too short for an IDX label header (" + data.length
                    + " bytes, need " + LABEL_HEADER + ")");
        }
        int magic = readInt(data, 0);
        if (magic != LABELS_MAGIC) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "%s: not an IDX label file: magic 0x%08x, expected 0x%08x (unsigned bytes, 1 dimension)",
                    file,
                    magic,
                    LABELS_MAGIC));
        }
        int n = readInt(data, 4);
        if (n != expectedCount) {
            throw new IllegalArgumentException(
                    file + ": declares " + n + " labels but " + images + " holds " + expectedCount + " images");
        }
        long expected = LABEL_HEADER + (long) n;
        if (data.length != expected) {
            throw new IllegalArgumentException(file + ": holds " + data.length + " bytes but its header (" + n
                    + " labels) needs exactly " + expected);
        }
        return data;
    }

    private static List<String> resolveClassNames(byte[] labels, List<String> given, Path file) {
        int max = 0;
        int maxAt = 0;
        for (int i = LABEL_HEADER; i < labels.length; i++) {
            int v = labels[i] & 0xFF;
            if (v > max) {
                max = v;
                maxAt = i - LABEL_HEADER;
            }
        }
        if (given.isEmpty()) {
            // classes are named by label number, so labels must be 0..K-1, each used: an unused value
            // would become an empty class (e.g. one stray label 200 turning 10 classes into 201)
            int[] counts = new int[max + 1];
            for (int i = LABEL_HEADER; i < labels.length; i++) {
                counts[labels[i] & 0xFF]++;
            }
            List<Integer> unused = new ArrayList<>();
            for (int k = 0; k <= max; k++) {
                if (counts[k] == 0) {
                    unused.add(k);
                }
            }
            if (!unused.isEmpty()) {
                int used = max + 1 - unused.size();
                throw new IllegalArgumentException(file + ": labels must be 0.." + (used - 1) + " with every value"
                        + " used (class names are the label numbers), but they range up to " + max + " (label "
                        + max + " at index " + maxAt + ") and " + unused.size() + " of the values 0.." + max
                        + " never occur: " + summarize(unused)
                        + "; fix the label file (MNIST and Fashion-MNIST files: use"
                        + " the mnist: or fashion-mnist: spec, which name their 10 classes)");
            }
            List<String> names = new ArrayList<>();
            for (int k = 0; k <= max; k++) {
                names.add(Integer.toString(k));
            }
            return List.copyOf(names);
        }
        if (max >= given.size()) {
            throw new IllegalArgumentException(file + ": label " + max + " at index " + maxAt + " has no class name ("
                    + given.size() + " class names given)");
        }
        return List.copyOf(given);
    }

    private static String summarize(List<Integer> values) {
        List<Integer> head = values.subList(0, Math.min(10, values.size()));
        return head.toString() + (values.size() > head.size() ? " and " + (values.size() - head.size()) + " more" : "");
    }

    /** Reads a file, gunzipping it when it starts with the gzip magic {@code 1f 8b}. */
    static byte[] readMaybeGzipped(Path file) {
        byte[] raw;
        try {
            raw = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("file not found: " + file.toAbsolutePath(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (raw.length < 2 || (raw[0] & 0xFF) != 0x1F || (raw[1] & 0xFF) != 0x8B) {
            return raw;
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw), 1 << 16)) {
            return in.readAllBytes();
        } catch (EOFException e) {
            throw new IllegalArgumentException(file + ": gzip data is truncated", e);
        } catch (ZipException e) {
            throw new IllegalArgumentException(file + ": invalid gzip data: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot decompress " + file + ": " + e.getMessage(), e);
        }
    }

    static int readInt(byte[] b, int pos) {
        return ((b[pos] & 0xFF) << 24) | ((b[pos + 1] & 0xFF) << 16) | ((b[pos + 2] & 0xFF) << 8) | (b[pos + 3] & 0xFF);
    }
}
