package io.byol4j.sdk.features;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The byol4j feature directory format, readable by NumPy without byol4j:
 *
 * <ul>
 *   <li>{@value #FEATURES}: float32 little-endian ({@code '<f4'}), C order, shape (N, D), NPY 1.0;
 *   <li>{@value #LABELS}: int32 little-endian ({@code '<i4'}), shape (N,), {@value #UNLABELED} for unlabeled;
 *   <li>{@value #IDS}: UTF-8, one sample id per line, N lines, each ending with '\n';
 *   <li>{@value #CLASSES}: UTF-8, one class name per line; label {@code k} names line {@code k}. Empty
 *       when the samples are unlabeled.
 * </ul>
 *
 * <p>In Python: {@code np.load("features.npy")}, {@code np.load("labels.npy")},
 * {@code open("ids.txt").read().splitlines()}. Each file is replaced atomically when written.
 */
public final class FeatureFile {

    /** File name of the feature matrix. */
    public static final String FEATURES = "features.npy";
    /** File name of the label vector. */
    public static final String LABELS = "labels.npy";
    /** File name of the sample ids. */
    public static final String IDS = "ids.txt";
    /** File name of the class names. */
    public static final String CLASSES = "classes.txt";
    /** Label of a sample without a class. */
    public static final int UNLABELED = -1;

    static final String FLOAT32 = "<f4";
    static final String INT32 = "<i4";
    private static final int READ_CHUNK_BYTES = 1 << 20;

    private FeatureFile() {}

    /**
     * Writes a complete feature directory (created if missing), replacing the four files atomically.
     *
     * @throws IllegalArgumentException when the arguments disagree in length, rows differ in length, a
     *     label is out of range, or an id or class name contains a line break
     */
    public static void write(Path dir, float[][] features, int[] labels, List<String> ids, List<String> classNames)
            throws IOException {
        FeatureSet set = FeatureSet.owning(features, labels, ids, classNames);
        if (set.dim() == 0) {
            throw new IllegalArgumentException(
                    set.size() == 0
                            ? "cannot infer the feature dimension of an empty set; use FeatureWriter.create(dir, dim, ...)"
                            : "rows must have at least one feature");
        }
        for (int i = 0; i < labels.length; i++) {
            checkLabel(labels[i], set.classNames().size(), "sample " + i);
            checkLine(set.ids().get(i), "id");
        }
        FeatureWriter writer = FeatureWriter.create(dir, set.dim(), set.classNames());
        try {
            writer.appendAll(features, labels, set.ids());
        } catch (IOException | RuntimeException e) {
            writer.abort();
            throw e;
        }
        writer.close();
    }

    /** Writes {@code set}; see {@link #write(Path, float[][], int[], List, List)}. */
    public static void write(Path dir, FeatureSet set) throws IOException {
        write(dir, set.featureRows(), set.labelArray(), set.ids(), set.classNames());
    }

    /**
     * Reads and validates a feature directory.
     *
     * @throws FeatureFileException when a file is missing, malformed (magic, version, dtype, order,
     *     size) or the files disagree (row counts, labels outside the class list)
     */
    public static FeatureSet read(Path dir) throws IOException {
        Objects.requireNonNull(dir, "dir");
        float[][] features = readFeatures(require(dir, FEATURES));
        int[] labels = readLabels(require(dir, LABELS));
        List<String> ids = readLines(require(dir, IDS));
        List<String> classes = readLines(require(dir, CLASSES));
        if (labels.length != features.length) {
            throw new FeatureFileException(dir + ": " + LABELS + " has " + labels.length + " labels but " + FEATURES
                    + " has " + features.length + " rows");
        }
        if (ids.size() != features.length) {
            throw new FeatureFileException(dir + ": " + IDS + " has " + ids.size() + " lines but " + FEATURES + " has "
                    + features.length + " rows");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] != UNLABELED && (labels[i] < 0 || labels[i] >= classes.size())) {
                throw new FeatureFileException(dir + ": label " + labels[i] + " of sample " + i + " ('" + ids.get(i)
                        + "') is outside the " + classes.size() + " classes of " + CLASSES);
            }
        }
        return FeatureSet.owning(features, labels, ids, classes);
    }

    /**
     * Reads a feature directory in which every sample has a class, as heads need for fitting and scoring;
     * see {@link #read}.
     *
     * @throws FeatureFileException as {@link #read}, and when the directory holds no samples or has an
     *     unlabeled one (the message names the first)
     */
    public static FeatureSet readLabeled(Path dir) throws IOException {
        FeatureSet set = read(dir);
        if (set.size() == 0) {
            throw new FeatureFileException("feature folder " + dir + " holds no samples");
        }
        for (int i = 0; i < set.size(); i++) {
            if (set.label(i) == UNLABELED) {
                throw new FeatureFileException("feature folder " + dir + " has unlabeled rows (first: sample " + i
                        + ", '" + set.ids().get(i) + "'); every sample needs a label here");
            }
        }
        return set;
    }

    private static Path require(Path dir, String name) throws FeatureFileException {
        Path file = dir.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new FeatureFileException(dir + " has no " + name + " (a feature directory holds " + FEATURES + ", "
                    + LABELS + ", " + IDS + " and " + CLASSES + ")");
        }
        return file;
    }

    private static float[][] readFeatures(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            NpyHeader header = checkedHeader(channel, file, FLOAT32, 2);
            int rows = checkedRows(header, file);
            int dim = Math.toIntExact(header.shape()[1]);
            float[][] out = new float[rows][dim];
            if (dim == 0) {
                return out;
            }
            int rowsPerChunk = Math.max(1, READ_CHUNK_BYTES / (dim * Float.BYTES));
            ByteBuffer chunk =
                    ByteBuffer.allocate(rowsPerChunk * dim * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            long position = header.dataOffset();
            for (int start = 0; start < rows; start += rowsPerChunk) {
                int n = Math.min(rowsPerChunk, rows - start);
                position = fill(channel, chunk, n * dim * Float.BYTES, position, file);
                FloatBuffer floats = chunk.asFloatBuffer();
                for (int i = 0; i < n; i++) {
                    floats.get(out[start + i]);
                }
            }
            return out;
        }
    }

    private static int[] readLabels(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            NpyHeader header = checkedHeader(channel, file, INT32, 1);
            int rows = checkedRows(header, file);
            int[] out = new int[rows];
            int perChunk = READ_CHUNK_BYTES / Integer.BYTES;
            ByteBuffer chunk = ByteBuffer.allocate(READ_CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            long position = header.dataOffset();
            for (int start = 0; start < rows; start += perChunk) {
                int n = Math.min(perChunk, rows - start);
                position = fill(channel, chunk, n * Integer.BYTES, position, file);
                IntBuffer ints = chunk.asIntBuffer();
                ints.get(out, start, n);
            }
            return out;
        }
    }

    private static NpyHeader checkedHeader(FileChannel channel, Path file, String descr, int rank) throws IOException {
        NpyHeader header = NpyHeader.read(channel, file);
        if (!descr.equals(header.descr())) {
            throw new FeatureFileException(file + " holds dtype '" + header.descr() + "', expected '" + descr + "' ("
                    + (descr.equals(FLOAT32) ? "float32" : "int32") + ", little-endian)");
        }
        if (header.fortranOrder()) {
            throw new FeatureFileException(
                    file + " is in Fortran order; byol4j reads C-order arrays" + " (save with np.ascontiguousarray)");
        }
        if (header.shape().length != rank) {
            throw new FeatureFileException(file + " has shape " + NpyHeader.pythonTuple(header.shape()) + ", expected "
                    + rank + " dimension" + (rank == 1 ? "" : "s"));
        }
        long expected;
        try {
            expected = header.dataOffset() + Math.multiplyExact(header.elementCount(), 4L);
        } catch (ArithmeticException e) {
            throw new FeatureFileException(file + " declares an impossible shape " + Arrays.toString(header.shape()));
        }
        long actual = channel.size();
        if (actual != expected) {
            throw new FeatureFileException(file + " is " + actual + " bytes but its header (shape "
                    + NpyHeader.pythonTuple(header.shape()) + ") needs " + expected
                    + (actual < expected ? " (truncated)" : " (trailing data)"));
        }
        return header;
    }

    private static int checkedRows(NpyHeader header, Path file) throws FeatureFileException {
        long rows = header.shape()[0];
        if (rows > Integer.MAX_VALUE - 8 || (header.shape().length > 1 && header.shape()[1] > Integer.MAX_VALUE - 8)) {
            throw new FeatureFileException(
                    file + " is too large to load into arrays: shape " + NpyHeader.pythonTuple(header.shape()));
        }
        return (int) rows;
    }

    private static long fill(FileChannel channel, ByteBuffer chunk, int bytes, long position, Path file)
            throws IOException {
        chunk.clear().limit(bytes);
        while (chunk.hasRemaining()) {
            int read = channel.read(chunk, position + chunk.position());
            if (read < 0) {
                throw new FeatureFileException(file + " ended early (truncated while reading)");
            }
        }
        chunk.flip();
        return position + bytes;
    }

    private static List<String> readLines(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        if (text.isEmpty()) {
            return List.of();
        }
        if (!text.endsWith("\n")) {
            text = text + "\n";
        }
        String[] lines = text.split("\n", -1);
        List<String> out = Arrays.asList(lines).subList(0, lines.length - 1);
        return out.stream()
                .map(l -> l.endsWith("\r") ? l.substring(0, l.length() - 1) : l)
                .toList();
    }

    static String lines(List<String> values) {
        StringBuilder sb = new StringBuilder();
        for (String v : values) {
            sb.append(v).append('\n');
        }
        return sb.toString();
    }

    static void checkLine(String value, String what) {
        if (value == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw new IllegalArgumentException(what + " must not contain a line break: "
                    + value.replace("\n", "\\n").replace("\r", "\\r"));
        }
    }

    static void checkLabel(int label, int numClasses, String where) {
        if (label != UNLABELED && (label < 0 || label >= numClasses)) {
            throw new IllegalArgumentException(where + " has label " + label + " but there are " + numClasses
                    + " class names (use " + UNLABELED + " for unlabeled)");
        }
    }
}
