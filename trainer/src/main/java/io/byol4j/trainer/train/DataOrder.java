package io.byol4j.trainer.train;

import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Which images make up a batch and which random stream augments each, as pure functions of
 * {@code (seed, epoch, step, position)}: the same run always sees the same data in the same order with the
 * same augmentations, however many loader threads run and however they are scheduled, and a resumed run
 * continues exactly where the interrupted one was.
 *
 * <p>Each epoch visits the dataset in a seeded random permutation; global step {@code s} of epoch
 * {@code e} takes positions {@code [(s mod stepsPerEpoch)·B, +B)} of that permutation.
 */
public final class DataOrder {

    private static final long PERMUTATION = 0x5045524D55544531L;
    private static final long AUGMENT = 0x4155474D454E5431L;
    private static final long SUBSTITUTE = 0x5355425354495431L;

    private final long seed;
    private final int size;
    private final int batchSize;
    private final long stepsPerEpoch;
    private final ConcurrentMap<Integer, int[]> permutations = new ConcurrentHashMap<>();

    /**
     * @param seed the run's seed
     * @param size images in the dataset
     * @param batchSize images per step
     * @param stepsPerEpoch steps that make one epoch ({@code stepsPerEpoch · batchSize <= size})
     */
    public DataOrder(long seed, int size, int batchSize, long stepsPerEpoch) {
        this.seed = seed;
        this.size = size;
        this.batchSize = batchSize;
        this.stepsPerEpoch = stepsPerEpoch;
    }

    /** Images per step. */
    public int batchSize() {
        return batchSize;
    }

    /** 0-based epoch of 0-based global step {@code step}. */
    public int epochOf(long step) {
        return (int) (step / stepsPerEpoch);
    }

    /** Dataset index for position {@code slot} of global step {@code step}. */
    public int index(long step, int slot) {
        int epoch = epochOf(step);
        int[] perm = permutation(epoch);
        long position = (step % stepsPerEpoch) * batchSize + slot;
        return perm[(int) position];
    }

    /** The random stream that augments position {@code slot} of global step {@code step} (both views). */
    public SplittableRandom augmentation(long step, int slot) {
        return new SplittableRandom(key(seed, AUGMENT, epochOf(step), step, slot));
    }

    /** The random stream that picks replacements when the image at {@code (step, slot)} cannot be decoded. */
    SplittableRandom substitution(long step, int slot) {
        return new SplittableRandom(key(seed, SUBSTITUTE, epochOf(step), step, slot));
    }

    private int[] permutation(int epoch) {
        int[] perm = permutations.get(epoch);
        if (perm != null) {
            return perm;
        }
        perm = shuffled(epoch);
        permutations.keySet().removeIf(e -> e < epoch - 1);
        int[] raced = permutations.putIfAbsent(epoch, perm);
        return raced != null ? raced : perm;
    }

    private int[] shuffled(int epoch) {
        int[] perm = new int[size];
        for (int i = 0; i < size; i++) {
            perm[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(key(seed, PERMUTATION, epoch));
        for (int i = size - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        return perm;
    }

    /** Hashes the seed and counters into one 64-bit seed (SplitMix64 finaliser per component). */
    static long key(long seed, long... parts) {
        long h = mix(seed);
        for (long p : parts) {
            h = mix(h ^ mix(p + 0x9E3779B97F4A7C15L));
        }
        return h;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
