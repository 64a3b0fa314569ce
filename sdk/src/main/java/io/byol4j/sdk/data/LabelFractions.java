package io.byol4j.sdk.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Deterministic, stratified label fractions: which images keep their labels when only a fraction of a labeled
 * set may be used. Every method of the project that works "at 1% of the labels" (fine-tuning, linear probe,
 * kNN, label propagation) selects its images here, so for the same labels, fraction and seed they all see the
 * very same images, whether they read a {@link Dataset} or the labels of its feature file (same order).
 *
 * <p>Of each class {@code c} with {@code n_c} images, {@code round(fraction · n_c)} are kept, drawn by a
 * seeded shuffle of that class's indices. Stateless and thread-safe.
 */
public final class LabelFractions {

    private static final long SELECT = 0x4652414354494F4EL;
    private static final long HOLD_OUT = 0x484F4C444F555431L;

    private LabelFractions() {}

    /**
     * The kept images of a labeled dataset; see {@link #select(int[], List, double, long)}.
     *
     * @throws IllegalArgumentException if the dataset has no labels, or as the array form
     */
    public static int[] select(Dataset dataset, double fraction, long seed) {
        return select(labels(dataset), dataset.classNames(), fraction, seed);
    }

    /**
     * The indices (ascending) of the images that keep their labels.
     *
     * @param labels one label per image, each in {@code [0, classNames.size())}
     * @param classNames the classes, for the messages; every class must occur in {@code labels}
     * @param fraction in (0, 1]; 1 keeps every image
     * @throws IllegalArgumentException if the fraction is out of range, a label is missing or out of range, a
     *     class has no image, or the fraction keeps no image of some class (the message names the class, its
     *     image count and the smallest fraction that would work)
     */
    public static int[] select(int[] labels, List<String> classNames, double fraction, long seed) {
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(classNames, "classNames");
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("the label fraction must be in (0, 1], got " + fraction);
        }
        int[][] members = byClass(labels, classNames);
        List<Integer> kept = new ArrayList<>();
        for (int c = 0; c < members.length; c++) {
            int n = members[c].length;
            int take = (int) Math.round(fraction * n);
            if (take < 1) {
                throw new IllegalArgumentException(String.format(
                        java.util.Locale.ROOT,
                        "a label fraction of %s keeps no image of class '%s' (%d images); the smallest fraction"
                                + " that keeps one image of every class is %.6f",
                        fraction,
                        classNames.get(c),
                        n,
                        smallestFraction(members)));
            }
            int[] shuffled = shuffled(members[c], new SplittableRandom(mix(seed, SELECT, c)));
            for (int i = 0; i < take; i++) {
                kept.add(shuffled[i]);
            }
        }
        return kept.stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    /**
     * Splits the images {@code indices} (of an array of {@code labels}) into a training part and a held-out
     * validation part, per class: each class with {@code n >= 2} images holds out {@code round(n · share)}
     * of them, at least 1 and at most {@code n - 1}; a class with one image keeps it for training.
     *
     * @param share in (0, 1)
     * @return {@code [train, validation]}, each ascending
     */
    public static int[][] holdOut(int[] labels, int[] indices, double share, long seed) {
        if (!(share > 0 && share < 1)) {
            throw new IllegalArgumentException("the validation share must be strictly between 0 and 1, got " + share);
        }
        int classes = Arrays.stream(indices).map(i -> labels[i]).max().orElse(-1) + 1;
        List<List<Integer>> groups = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            groups.add(new ArrayList<>());
        }
        for (int i : indices) {
            if (labels[i] < 0) {
                throw new IllegalArgumentException("image " + i + " has no label");
            }
            groups.get(labels[i]).add(i);
        }
        List<Integer> train = new ArrayList<>();
        List<Integer> validation = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            int[] members = groups.get(c).stream().mapToInt(Integer::intValue).toArray();
            int n = members.length;
            int held = n < 2 ? 0 : Math.max(1, Math.min(n - 1, (int) Math.round(share * n)));
            int[] shuffled = shuffled(members, new SplittableRandom(mix(seed, HOLD_OUT, c)));
            for (int i = 0; i < n; i++) {
                (i < held ? validation : train).add(shuffled[i]);
            }
        }
        return new int[][] {
            train.stream().mapToInt(Integer::intValue).sorted().toArray(),
            validation.stream().mapToInt(Integer::intValue).sorted().toArray()
        };
    }

    /**
     * Every label of a dataset, read without decoding.
     *
     * @throws IllegalArgumentException if the dataset is unlabeled or an image has no label or one outside its
     *     classes
     */
    public static int[] labels(Dataset dataset) {
        Objects.requireNonNull(dataset, "dataset");
        if (!dataset.isLabeled()) {
            throw new IllegalArgumentException(dataset.describe() + " has no labels; a labeled dataset is needed"
                    + " (for example folder:DIR with one sub-folder per class)");
        }
        int[] labels = new int[dataset.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = dataset.label(i);
        }
        byClass(labels, dataset.classNames());
        return labels;
    }

    private static int[][] byClass(int[] labels, List<String> classNames) {
        int classes = classNames.size();
        if (classes < 2) {
            throw new IllegalArgumentException("at least 2 classes are needed, got " + classes);
        }
        int[] counts = new int[classes];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0) {
                throw new IllegalArgumentException("image " + i + " has no label; every image must be labeled");
            }
            if (labels[i] >= classes) {
                throw new IllegalArgumentException(
                        "image " + i + " has label " + labels[i] + " but there are only " + classes + " classes");
            }
            counts[labels[i]]++;
        }
        for (int c = 0; c < classes; c++) {
            if (counts[c] == 0) {
                throw new IllegalArgumentException("class '" + classNames.get(c) + "' has no image in the dataset");
            }
        }
        int[][] members = new int[classes][];
        int[] fill = new int[classes];
        for (int c = 0; c < classes; c++) {
            members[c] = new int[counts[c]];
        }
        for (int i = 0; i < labels.length; i++) {
            members[labels[i]][fill[labels[i]]++] = i;
        }
        return members;
    }

    private static double smallestFraction(int[][] members) {
        int smallest = Arrays.stream(members).mapToInt(m -> m.length).min().orElse(1);
        return 0.5 / smallest + 1e-9;
    }

    private static int[] shuffled(int[] values, SplittableRandom rng) {
        int[] out = values.clone();
        for (int i = out.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = out[i];
            out[i] = out[j];
            out[j] = t;
        }
        return out;
    }

    private static long mix(long seed, long salt, long part) {
        long h = seed * 0x9E3779B97F4A7C15L ^ salt;
        h ^= part * 0xBF58476D1CE4E5B9L;
        h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
        h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
        return h ^ (h >>> 31);
    }
}
