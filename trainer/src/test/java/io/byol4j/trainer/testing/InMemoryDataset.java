package io.byol4j.trainer.testing;

import io.byol4j.sdk.data.Dataset;
import io.byol4j.sdk.data.Sample;
import io.byol4j.sdk.image.DecodedImage;
import io.byol4j.sdk.image.ImageDecodeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Small labeled RGB images made in memory: class {@code c} is a bright square at a class-specific place on a
 * noisy background. Indices in {@code broken} fail to decode.
 */
public final class InMemoryDataset implements Dataset {

    private final List<DecodedImage> images = new ArrayList<>();
    private final int[] labels;
    private final int classes;
    private final Set<Integer> broken;

    public InMemoryDataset(int size, int imageSize, int classes, long seed, Set<Integer> broken) {
        this.classes = classes;
        this.broken = Set.copyOf(broken);
        this.labels = new int[size];
        Random rng = new Random(seed);
        for (int i = 0; i < size; i++) {
            int label = i % classes;
            labels[i] = label;
            byte[] px = new byte[imageSize * imageSize * 3];
            int square = Math.max(2, imageSize / 3);
            int ox = (label * 5) % (imageSize - square);
            int oy = (label * 3) % (imageSize - square);
            for (int y = 0; y < imageSize; y++) {
                for (int x = 0; x < imageSize; x++) {
                    boolean inside = x >= ox && x < ox + square && y >= oy && y < oy + square;
                    for (int c = 0; c < 3; c++) {
                        int base = inside ? 200 + 20 * ((label + c) % 3) : 40;
                        px[(y * imageSize + x) * 3 + c] = (byte) Math.min(255, base + rng.nextInt(30));
                    }
                }
            }
            images.add(new DecodedImage(imageSize, imageSize, 3, px));
        }
    }

    public InMemoryDataset(int size, int imageSize) {
        this(size, imageSize, 4, 7L, Set.of());
    }

    @Override
    public int size() {
        return images.size();
    }

    @Override
    public Sample get(int index) throws ImageDecodeException {
        if (broken.contains(index)) {
            throw new ImageDecodeException(ImageDecodeException.Reason.CORRUPT, "test image " + index + " is broken");
        }
        return new Sample(images.get(index), labels[index], "mem/" + index);
    }

    @Override
    public int label(int index) {
        return labels[index];
    }

    @Override
    public List<String> classNames() {
        List<String> names = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            names.add("class" + c);
        }
        return names;
    }

    @Override
    public int channels() {
        return 3;
    }

    @Override
    public String describe() {
        return "in-memory test images (" + images.size() + ")";
    }
}
