package io.byol4j.sdk.features;

import io.byol4j.sdk.internal.io.AtomicFiles;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Appends samples to a feature directory in the {@link FeatureFile} format without holding them in
 * memory. Everything goes to hidden temporary files in the target directory; {@link #close()} fixes the
 * {@code .npy} headers, fsyncs the four files and moves them into place together: either all replace the
 * previous files or, on a failure, all previous files stay as they were. {@link #abort()} instead deletes the temporary files and leaves the directory untouched.
 * After a failed append the writer refuses to commit. Not thread-safe.
 */
public final class FeatureWriter implements AutoCloseable {

    private final Path dir;
    private final int dim;
    private final List<String> classNames;
    private final NpyWriter features;
    private final NpyWriter labels;
    private final AtomicFiles.StagedFile idsFile;
    private final Writer ids;
    private final java.util.Map<String, String> companions = new java.util.LinkedHashMap<>();
    private long count;
    private boolean finished;
    private boolean failed;

    private FeatureWriter(
            Path dir,
            int dim,
            List<String> classNames,
            NpyWriter features,
            NpyWriter labels,
            AtomicFiles.StagedFile idsFile,
            Writer ids) {
        this.dir = dir;
        this.dim = dim;
        this.classNames = classNames;
        this.features = features;
        this.labels = labels;
        this.idsFile = idsFile;
        this.ids = ids;
    }

    /**
     * Starts writing rows of {@code dim} features into {@code dir} (created if missing).
     *
     * @param classNames names indexed by label; empty when samples are unlabeled
     */
    public static FeatureWriter create(Path dir, int dim, List<String> classNames) throws IOException {
        Objects.requireNonNull(dir, "dir");
        if (dim <= 0) {
            throw new IllegalArgumentException("feature dimension must be positive, got " + dim);
        }
        List<String> names = List.copyOf(classNames);
        for (String name : names) {
            FeatureFile.checkLine(name, "class name");
        }
        Files.createDirectories(dir);
        List<Runnable> cleanup = new ArrayList<>();
        try {
            NpyWriter features = NpyWriter.create(dir, FeatureFile.FEATURES, FeatureFile.FLOAT32, dim);
            cleanup.add(features::discard);
            NpyWriter labels = NpyWriter.create(dir, FeatureFile.LABELS, FeatureFile.INT32);
            cleanup.add(labels::discard);
            AtomicFiles.StagedFile idsFile = AtomicFiles.stage(dir.resolve(FeatureFile.IDS));
            cleanup.add(idsFile::discard);
            Writer ids = new BufferedWriter(new OutputStreamWriter(idsFile.stream(), StandardCharsets.UTF_8));
            return new FeatureWriter(dir, dim, names, features, labels, idsFile, ids);
        } catch (IOException | RuntimeException e) {
            cleanup.forEach(Runnable::run);
            throw e;
        }
    }

    /**
     * Appends one sample.
     *
     * @param label a class index below {@code classNames.size()}, or {@link FeatureFile#UNLABELED}
     * @param id a name for the sample without line breaks
     * @throws IllegalArgumentException for a row of the wrong length, a bad label or id (nothing is written)
     */
    public void append(float[] row, int label, String id) throws IOException {
        ensureWritable();
        Objects.requireNonNull(row, "row");
        if (row.length != dim) {
            throw new IllegalArgumentException("row has " + row.length + " features, this file has " + dim);
        }
        FeatureFile.checkLabel(label, classNames.size(), "sample " + count);
        FeatureFile.checkLine(id, "id");
        try {
            features.putFloats(row);
            labels.putInt(label);
            ids.write(id);
            ids.write('\n');
            count++;
        } catch (IOException | RuntimeException e) {
            failed = true;
            throw e;
        }
    }

    /** Appends several samples; the three arguments must have the same length. */
    public void appendAll(float[][] rows, int[] rowLabels, List<String> rowIds) throws IOException {
        if (rows.length != rowLabels.length || rows.length != rowIds.size()) {
            throw new IllegalArgumentException("rows, labels and ids disagree on the number of samples: " + rows.length
                    + ", " + rowLabels.length + ", " + rowIds.size());
        }
        for (int i = 0; i < rows.length; i++) {
            append(rows[i], rowLabels[i], rowIds.get(i));
        }
    }

    /**
     * Adds a file {@code name} (in the feature directory, UTF-8 {@code text}) that {@link #close()} commits
     * together with the feature files, e.g. the configuration that produced them.
     *
     * @throws IllegalArgumentException if {@code name} is a path rather than a plain file name, or one of the
     *     feature files
     */
    public void addFile(String name, String text) {
        Objects.requireNonNull(text, "text");
        if (name == null
                || name.isEmpty()
                || !Path.of(name).getFileName().toString().equals(name)
                || List.of(FeatureFile.FEATURES, FeatureFile.LABELS, FeatureFile.IDS, FeatureFile.CLASSES)
                        .contains(name)) {
            throw new IllegalArgumentException("not a companion file name: " + name);
        }
        companions.put(name, text);
    }

    /** Samples appended so far. */
    public long count() {
        return count;
    }

    /** Features per sample. */
    public int dim() {
        return dim;
    }

    /** The directory the files go to. */
    public Path directory() {
        return dir;
    }

    /** Deletes the temporary files; the target directory keeps its previous content. Idempotent. */
    public void abort() {
        if (finished) {
            return;
        }
        finished = true;
        discardAll();
    }

    /**
     * Commits: fixes the headers to the number of rows appended and moves the files into place.
     * Does nothing after {@link #abort()} or a previous close.
     *
     * @throws IOException if an earlier append failed (the temporary files are deleted) or committing fails
     */
    @Override
    public void close() throws IOException {
        if (finished) {
            return;
        }
        finished = true;
        if (failed) {
            discardAll();
            throw new IOException("feature writer for " + dir + " failed during an append; nothing was written");
        }
        List<AtomicFiles.StagedFile> extra = new ArrayList<>();
        try {
            ids.flush();
            extra.add(AtomicFiles.stage(dir.resolve(FeatureFile.CLASSES), FeatureFile.lines(classNames)));
            for (java.util.Map.Entry<String, String> c : companions.entrySet()) {
                extra.add(AtomicFiles.stage(dir.resolve(c.getKey()), c.getValue()));
            }
            List<AtomicFiles.StagedFile> all = new ArrayList<>(extra);
            all.addAll(List.of(idsFile, labels.finish(count), features.finish(count)));
            // all files replace the previous ones together, or none does
            AtomicFiles.commitAll(all);
        } catch (IOException | RuntimeException e) {
            discardAll();
            extra.forEach(AtomicFiles.StagedFile::discard);
            throw e;
        }
    }

    private void ensureWritable() {
        if (finished) {
            throw new IllegalStateException("feature writer for " + dir + " is already closed");
        }
        if (failed) {
            throw new IllegalStateException("feature writer for " + dir + " failed during an earlier append");
        }
    }

    private void discardAll() {
        idsFile.discard();
        labels.discard();
        features.discard();
    }
}
