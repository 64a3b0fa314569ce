package io.byol4j.sdk.data;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The project's built-in dataset: RGB pictures of ten shapes ({@link #DEFAULT_CLASSES}: disk, ring,
 * square, triangle, cross, star, crescent, l-shape, bars, bowtie), generated on demand.
 *
 * <p>The label is the shape. Each picture shows four copies of it on a solid background, every copy with
 * its own random position (copies may overlap or be cut by the border), size (36–46% of the image side)
 * and rotation. The background has a random hue, saturation and brightness; the shapes have the same hue,
 * 80 gray levels lighter. Pixel noise of a fixed amplitude is added. Colour dominates the raw pixels, so features of a randomly initialised network separate the classes poorly;
 * because the shape repeats across the picture, two random crops of it share the class and little else
 * once colour jitter and grayscale have removed the colour, which is what BYOL learns from. The shape
 * always contrasts with the background in gray level, so it survives a grayscale augmentation.
 *
 * <p>Image {@code i} depends only on {@code (seed, i)}: it is rendered lazily, identically on any
 * thread, instance or JVM (the rasteriser uses strict arithmetic only). Labels are balanced: every
 * block of ten consecutive indices holds each class once, in a seeded order.
 *
 * <p>Thread-safe.
 */
public final class SyntheticDataset implements Dataset {

    /** Class names, by label. */
    public static final List<String> DEFAULT_CLASSES = Arrays.stream(SyntheticShape.values())
            .map(SyntheticShape::displayName)
            .toList();
    /** Number of images when none is given. */
    public static final int DEFAULT_SIZE = 2000;
    /** Seed when none is given. */
    public static final long DEFAULT_SEED = 1L;
    /** Image side in pixels when none is given. */
    public static final int DEFAULT_IMAGE_SIZE = 32;
    /** Smallest supported image side. */
    public static final int MIN_IMAGE_SIZE = 8;
    /** Largest supported image side. */
    public static final int MAX_IMAGE_SIZE = 1024;

    private static final long IMAGE_STREAM = 0x5DEECE66DL;
    private static final long LABEL_STREAM = 0x2545F4914F6CDD1DL;

    private final int size;
    private final long seed;
    private final int imageSize;

    /**
     * A dataset of {@code size} images of {@code imageSize × imageSize} pixels.
     *
     * @throws IllegalArgumentException if {@code size} is not positive or {@code imageSize} is outside
     *     [{@value #MIN_IMAGE_SIZE}, {@value #MAX_IMAGE_SIZE}]
     */
    public SyntheticDataset(int size, long seed, int imageSize) {
        if (size <= 0) {
            throw new IllegalArgumentException("synthetic dataset size must be positive, got " + size);
        }
        if (imageSize < MIN_IMAGE_SIZE || imageSize > MAX_IMAGE_SIZE) {
            throw new IllegalArgumentException("synthetic image size must be in [" + MIN_IMAGE_SIZE + ", "
                    + MAX_IMAGE_SIZE + "], got " + imageSize);
        }
        this.size = size;
        this.seed = seed;
        this.imageSize = imageSize;
    }

    /** A dataset of {@code size} images of {@value #DEFAULT_IMAGE_SIZE}×{@value #DEFAULT_IMAGE_SIZE}. */
    public SyntheticDataset(int size, long seed) {
        this(size, seed, DEFAULT_IMAGE_SIZE);
    }

    /** The seed every image is derived from. */
    public long seed() {
        return seed;
    }

    /** Image side in pixels. */
    public int imageSize() {
        return imageSize;
    }

    @Override
    public int size() {
        return size;
    }

    /** Renders image {@code index}; the sample id is {@code synthetic-<seed>-<index>}. */
    @Override
    public Sample get(int index) {
        Objects.checkIndex(index, size);
        SyntheticShape shape = SyntheticShape.values()[label(index)];
        SplittableRandom rng = new SplittableRandom(mix64(seed ^ mix64(index + IMAGE_STREAM)));
        ShapeScene scene = new ShapeScene(shape, imageSize, rng);
        return new Sample(scene.render(rng), shape.ordinal(), "synthetic-" + seed + "-" + index);
    }

    /** The shape of image {@code index}: entry {@code index % 10} of a seeded permutation of its block. */
    @Override
    public int label(int index) {
        Objects.checkIndex(index, size);
        int classes = DEFAULT_CLASSES.size();
        int block = index / classes;
        SplittableRandom rng = new SplittableRandom(mix64(seed ^ mix64(block + LABEL_STREAM)));
        int[] order = new int[classes];
        for (int i = 0; i < classes; i++) {
            order[i] = i;
        }
        for (int i = classes - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order[index % classes];
    }

    @Override
    public List<String> classNames() {
        return DEFAULT_CLASSES;
    }

    @Override
    public int channels() {
        return 3;
    }

    @Override
    public String describe() {
        return "synthetic shapes, " + size + " images, seed " + seed + ", " + imageSize + "x" + imageSize + " RGB";
    }

    @Override
    public String toString() {
        return describe();
    }

    /** A strong 64-bit mixing function (the finaliser of the SplitMix64 generator). */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
