package io.byol4j.sdk.data;

import io.byol4j.sdk.image.ImageDecodeException;
import io.byol4j.sdk.image.ImageDecoder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * A labeled dataset laid out as {@code root/<class>/<image>}: every non-hidden sub-folder of the root
 * is a class, classes are numbered in name order, and each class holds the image files found under its
 * folder (recursively), in path order. Only files with an image extension (png, jpg, jpeg, bmp, gif,
 * tif, tiff, pgm, ppm, pbm, pnm; any case) are used; other files are ignored.
 *
 * <p>The folder is listed once, at construction; images are decoded on each {@link #get(int)}.
 * Thread-safe.
 */
public final class ImageFolderDataset implements Dataset {

    private final ImageFileList files;
    private final List<String> classNames;
    private final int[] labels;

    /**
     * Lists {@code root}.
     *
     * @param channels 1 or 3: images are converted to this many channels
     * @throws IllegalArgumentException if the root is missing or not a folder, has no class folders, or
     *     a class folder holds no image files
     * @throws java.io.UncheckedIOException if the folders cannot be listed
     */
    public ImageFolderDataset(Path root, int channels, ImageDecoder decoder) {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(decoder, "decoder");
        Datasets.checkChannels(channels);
        ImageFiles.requireDirectory(root, "image folder dataset root");
        List<Path> classDirs = ImageFiles.subdirectories(root);
        if (classDirs.isEmpty()) {
            throw new IllegalArgumentException("image folder dataset root " + root.toAbsolutePath()
                    + " has no class folders; expected root/<class>/<image files>"
                    + " (for a folder of unlabeled images use the flat: dataset)");
        }
        List<String> names = new ArrayList<>();
        List<Path> allFiles = new ArrayList<>();
        List<Integer> allLabels = new ArrayList<>();
        for (Path dir : classDirs) {
            List<Path> images = ImageFiles.listRecursively(dir);
            if (images.isEmpty()) {
                throw new IllegalArgumentException("class folder " + dir.toAbsolutePath()
                        + " contains no image files (looked for " + new TreeSet<>(ImageFiles.EXTENSIONS) + ")");
            }
            int label = names.size();
            names.add(dir.getFileName().toString());
            for (Path image : images) {
                allFiles.add(image);
                allLabels.add(label);
            }
        }
        this.files = new ImageFileList(root, channels, decoder, allFiles);
        this.classNames = List.copyOf(names);
        this.labels = allLabels.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The folder this dataset was listed from. */
    public Path root() {
        return files.root();
    }

    /** The file behind sample {@code index}. */
    public Path file(int index) {
        return files.file(index);
    }

    @Override
    public int size() {
        return files.size();
    }

    /** Decodes the image; the sample id is its path relative to the root, with '/' separators. */
    @Override
    public Sample get(int index) throws ImageDecodeException {
        return new Sample(files.decode(index), labels[Objects.checkIndex(index, labels.length)], files.id(index));
    }

    @Override
    public int label(int index) {
        return labels[Objects.checkIndex(index, labels.length)];
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    @Override
    public int channels() {
        return files.channels();
    }

    @Override
    public String describe() {
        return "image folder " + files.root() + ", " + files.size() + " images in " + classNames.size() + " classes";
    }

    @Override
    public String toString() {
        return describe();
    }
}
