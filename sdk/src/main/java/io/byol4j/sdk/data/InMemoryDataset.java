package io.byol4j.sdk.data;

import io.byol4j.sdk.image.ImageDecodeException;
import io.byol4j.sdk.image.ImageDecoder;
import java.util.List;
import java.util.Objects;

/**
 * An unlabeled dataset of encoded images (any format {@link ImageDecoder} reads) held in memory and
 * decoded on each {@link #get(int)}, as a folder's files are: for images that arrive as bytes rather
 * than files. An entry that does not decode fails like a bad file, with an {@link ImageDecodeException}.
 * Sample {@code i} has the id {@code memory-<i>}.
 *
 * <p>The byte arrays are held as given, not copied; the dataset is thread-safe while nobody modifies them.
 */
public final class InMemoryDataset implements Dataset {

    private final List<byte[]> images;
    private final int channels;
    private final ImageDecoder decoder;

    /** Holds {@code encodedImages}, decoded with a default {@link ImageDecoder}. */
    public InMemoryDataset(List<byte[]> encodedImages, int channels) {
        this(encodedImages, channels, new ImageDecoder());
    }

    /**
     * Holds {@code encodedImages}.
     *
     * @param channels 1 or 3: images are converted to this many channels
     * @throws IllegalArgumentException if there are no images or {@code channels} is not 1 or 3
     */
    public InMemoryDataset(List<byte[]> encodedImages, int channels, ImageDecoder decoder) {
        Objects.requireNonNull(encodedImages, "encodedImages");
        this.decoder = Objects.requireNonNull(decoder, "decoder");
        Datasets.checkChannels(channels);
        if (encodedImages.isEmpty()) {
            throw new IllegalArgumentException("an in-memory dataset needs at least one image");
        }
        this.images = List.copyOf(encodedImages);
        this.channels = channels;
    }

    @Override
    public int size() {
        return images.size();
    }

    /** Decodes entry {@code index}. */
    @Override
    public Sample get(int index) throws ImageDecodeException {
        return new Sample(decoder.decode(images.get(index), channels), Sample.UNLABELED, "memory-" + index);
    }

    @Override
    public int label(int index) {
        Objects.checkIndex(index, images.size());
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
        return "in-memory dataset of " + images.size() + " encoded images";
    }

    @Override
    public String toString() {
        return describe();
    }
}
