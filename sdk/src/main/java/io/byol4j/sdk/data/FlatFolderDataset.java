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

    private final ImageFileList files;

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
        this.files = new ImageFileList(root, channels, decoder, images);
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
        return new Sample(files.decode(index), Sample.UNLABELED, files.id(index));
    }

    @Override
    public int label(int index) {
        Objects.checkIndex(index, files.size());
        return Sample.UNLABELED;
    }

    @Override
    public List<String> classNames() {
        return List.of();
    }

    @Override
    public int channels() {
        return files.channels();
    }

    @Override
    public String describe() {
        return "unlabeled folder " + files.root() + ", " + files.size() + " images";
    }

    @Override
    public String toString() {
        return describe();
    }
}
