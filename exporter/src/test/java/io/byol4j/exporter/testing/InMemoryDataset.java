package io.byol4j.exporter.testing;

import io.byol4j.sdk.data.Dataset;
import io.byol4j.sdk.data.Sample;
import io.byol4j.sdk.image.DecodedImage;
import io.byol4j.sdk.image.ImageDecodeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** Random RGB images of varying sizes held in memory; chosen indices fail to decode. */
public final class InMemoryDataset implements Dataset {

    private final List<DecodedImage> images = new ArrayList<>();
    private final Set<Integer> corrupt;

    /** {@code count} images of random sizes between 24 and 47 pixels; {@code corrupt} indices throw. */
    public InMemoryDataset(int count, long seed, Set<Integer> corrupt) {
        Random rng = new Random(seed);
        for (int i = 0; i < count; i++) {
            int w = 24 + rng.nextInt(24);
            int h = 24 + rng.nextInt(24);
            byte[] px = new byte[w * h * 3];
            rng.nextBytes(px);
            images.add(new DecodedImage(w, h, 3, px));
        }
        this.corrupt = Set.copyOf(corrupt);
    }

    @Override
    public int size() {
        return images.size();
    }

    @Override
    public Sample get(int index) throws ImageDecodeException {
        if (corrupt.contains(index)) {
            throw new ImageDecodeException(ImageDecodeException.Reason.CORRUPT, "image " + index + " is corrupt");
        }
        return new Sample(images.get(index), Sample.UNLABELED, "mem-" + index);
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
        return "in-memory dataset of " + images.size() + " images";
    }
}
