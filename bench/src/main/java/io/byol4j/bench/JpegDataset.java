package io.byol4j.bench;

import io.byol4j.sdk.data.Dataset;
import io.byol4j.sdk.data.Sample;
import io.byol4j.sdk.image.ImageDecodeException;
import io.byol4j.sdk.image.ImageDecoder;
import java.util.List;

/** A dataset of {@code size} JPEG-encoded images held in memory, cycling through {@code jpegs}; decoded on access. */
final class JpegDataset implements Dataset {

    private final List<byte[]> jpegs;
    private final int size;
    private final ImageDecoder decoder = new ImageDecoder();

    JpegDataset(List<byte[]> jpegs, int size) {
        if (jpegs.isEmpty() || size < 1) {
            throw new IllegalArgumentException("need at least one image and a positive size");
        }
        this.jpegs = List.copyOf(jpegs);
        this.size = size;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Sample get(int index) throws ImageDecodeException {
        return new Sample(decoder.decode(jpegs.get(index % jpegs.size()), 3), Sample.UNLABELED, "jpeg-" + index);
    }

    @Override
    public int label(int index) {
        return Sample.UNLABELED;
    }

    @Override
    public List<String> classNames() {
        return List.of();
    }

    @Override
    public int channels() {
        return 3;
    }

    @Override
    public String describe() {
        return "in-memory JPEG dataset of " + size + " images";
    }
}
