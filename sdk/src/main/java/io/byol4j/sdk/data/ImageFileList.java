package io.byol4j.sdk.data;

import io.byol4j.sdk.image.DecodedImage;
import io.byol4j.sdk.image.ImageDecodeException;
import io.byol4j.sdk.image.ImageDecoder;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The files of a folder-backed dataset: decoded on demand to a fixed channel count, identified by their
 * path relative to the root with '/' separators. Immutable and thread-safe.
 */
final class ImageFileList {

    private final Path root;
    private final int channels;
    private final ImageDecoder decoder;
    private final Path[] files;
    private final String[] ids;

    ImageFileList(Path root, int channels, ImageDecoder decoder, List<Path> files) {
        this.root = Objects.requireNonNull(root, "root");
        this.decoder = Objects.requireNonNull(decoder, "decoder");
        this.channels = channels;
        this.files = files.toArray(new Path[0]);
        this.ids = new String[this.files.length];
        for (int i = 0; i < this.files.length; i++) {
            ids[i] = ImageFiles.relativeName(root, this.files[i]);
        }
    }

    Path root() {
        return root;
    }

    int channels() {
        return channels;
    }

    int size() {
        return files.length;
    }

    Path file(int index) {
        return files[Objects.checkIndex(index, files.length)];
    }

    String id(int index) {
        return ids[Objects.checkIndex(index, ids.length)];
    }

    DecodedImage decode(int index) throws ImageDecodeException {
        return decoder.decode(file(index), channels);
    }
}
