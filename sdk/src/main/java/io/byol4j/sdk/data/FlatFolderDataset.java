package io.byol4j.sdk.data;

import io.byol4j.sdk.image.ImageDecodeException;
import io.byol4j.sdk.image.ImageDecoder;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * An unlabeled dataset of every image file under a folder, recursively, sorted by relative path. Only
 * files with an image extension are used (see {@link ImageFolderDataset}); hidden entries are skipped.
 *
 * <p>The folder is listed once, at construction; images are decoded on each {@link #get(int)}.
 * Thread-safe.
 */
public final class FlatFolderDataset implements Dataset {

    private final Path root;
    private final int channels;
    private final ImageDecoder decoder;
    private final Path[] files;
    private final String[] ids;

    /**
     * Lists {@code root}.
     *
     * @param channels 1 or 3: images are converted to this many channels
     * @throws IllegalArgumentException if the folder is missing or holds no image files
     * @throws java.io.UncheckedIOException if the folder cannot be listed
     */
    public FlatFolderDataset(Path root, int channels, ImageDecoder decoder) {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(decoder, "decoder");
        Datasets.checkChannels(channels);
        ImageFiles.requireDirectory(root, "image folder");
        List<Path> images = ImageFiles.listRecursively(root);
        if (images.isEmpty()) {
            throw new IllegalArgumentException("folder " + root.toAbsolutePath()
                    + " contains no image files (looked for " + new TreeSet<>(ImageFiles.EXTENSIONS) + ")");
        }
        this.root = root;
        this.channels = channels;
        this.decoder = decoder;
        this.files = images.toArray(new Path[0]);
        this.ids = new String[files.length];
        for (int i = 0; i < files.length; i++) {
            ids[i] = ImageFiles.relativeName(root, files[i]);
        }
    }

    /** The folder this dataset was listed from. */
    public Path root() {
        return root;
    }

    /** The file behind sample {@code index}. */
    public Path file(int index) {
        return files[Objects.checkIndex(index, files.length)];
    }

    @Override
    public int size() {
        return files.length;
    }

    /** Decodes the image; the sample id is its path relative to the root, with '/' separators. */
    @Override
    public Sample get(int index) throws ImageDecodeException {
        Objects.checkIndex(index, files.length);
        return new Sample(decoder.decode(files[index], channels), Sample.UNLABELED, ids[index]);
    }

    @Override
    public int label(int index) {
        Objects.checkIndex(index, files.length);
        return Sample.UNLABELED;
    }

    @Override
    public List<String> classNames() {
        return List.of();
    }

    @Override
    public int channels() {
        return channels;
    }

    @Override
    public String describe() {
        return "unlabeled folder " + root + ", " + files.length + " images";
    }

    @Override
    public String toString() {
        return describe();
    }
}
