package io.byol4j.sdk.features;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Features of {@code N} samples with their labels ({@link FeatureFile#UNLABELED} = -1 when unknown), ids, and the
 * class names that labels index.
 *
 * <p>An immutable value: the arrays are copied in by the constructor and out by the accessors, and {@code equals},
 * {@code hashCode} compare contents. Safe to share between threads. {@link #row(int)} and {@link #label(int)} read
 * one sample without copying the whole set.
 */
public final class FeatureSet {

    private final float[][] features;
    private final int[] labels;
    private final List<String> ids;
    private final List<String> classNames;

    /**
     * A set holding copies of the arrays and lists.
     *
     * @throws NullPointerException if an argument, a row, an id or a class name is null
     * @throws IllegalArgumentException when the parts disagree on the number of samples or rows differ in length
     */
    public FeatureSet(float[][] features, int[] labels, List<String> ids, List<String> classNames) {
        this(
                deepCopy(Objects.requireNonNull(features, "features")),
                Objects.requireNonNull(labels, "labels").clone(),
                ids,
                classNames,
                0);
    }

    private FeatureSet(float[][] features, int[] labels, List<String> ids, List<String> classNames, int unused) {
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(ids, "ids");
        Objects.requireNonNull(classNames, "classNames");
        for (int i = 0; i < ids.size(); i++) {
            if (ids.get(i) == null) {
                throw new IllegalArgumentException("id of sample " + i + " is null");
            }
        }
        for (int i = 0; i < classNames.size(); i++) {
            if (classNames.get(i) == null) {
                throw new IllegalArgumentException("class name " + i + " is null");
            }
        }
        if (labels.length != features.length || ids.size() != features.length) {
            throw new IllegalArgumentException("features, labels and ids disagree on the number of samples: "
                    + features.length + ", " + labels.length + ", " + ids.size());
        }
        int dim = features.length == 0 || features[0] == null ? 0 : features[0].length;
        for (int i = 0; i < features.length; i++) {
            if (features[i] == null) {
                throw new IllegalArgumentException("row " + i + " is null");
            }
            if (features[i].length != dim) {
                throw new IllegalArgumentException(
                        "row " + i + " has " + features[i].length + " features, row 0 has " + dim);
            }
        }
        this.features = features;
        this.labels = labels;
        this.ids = List.copyOf(ids);
        this.classNames = List.copyOf(classNames);
    }

    /** A set over arrays this package has just filled and hands to no one else (no copy). */
    static FeatureSet owning(float[][] features, int[] labels, List<String> ids, List<String> classNames) {
        return new FeatureSet(features, labels, ids, classNames, 0);
    }

    private static float[][] deepCopy(float[][] rows) {
        float[][] copy = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] == null) {
                throw new IllegalArgumentException("row " + i + " is null");
            }
            copy[i] = rows[i].clone();
        }
        return copy;
    }

    /** A copy of every sample's features, one row per sample. */
    public float[][] features() {
        return deepCopy(features);
    }

    /** A copy of every sample's label ({@link FeatureFile#UNLABELED} when unknown). */
    public int[] labels() {
        return labels.clone();
    }

    /** Every sample's id, unmodifiable. */
    public List<String> ids() {
        return ids;
    }

    /** The class names labels index, unmodifiable. */
    public List<String> classNames() {
        return classNames;
    }

    /**
     * A copy of sample {@code i}'s features.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= i < size()}
     */
    public float[] row(int i) {
        return features[Objects.checkIndex(i, features.length)].clone();
    }

    /**
     * Sample {@code i}'s label ({@link FeatureFile#UNLABELED} when unknown).
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= i < size()}
     */
    public int label(int i) {
        return labels[Objects.checkIndex(i, labels.length)];
    }

    /** The rows without a copy, for this package's writers; never modified. */
    float[][] featureRows() {
        return features;
    }

    /** The labels without a copy, for this package's writers; never modified. */
    int[] labelArray() {
        return labels;
    }

    /** Number of samples. */
    public int size() {
        return features.length;
    }

    /** Features per sample (0 when empty). */
    public int dim() {
        return features.length == 0 ? 0 : features[0].length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FeatureSet s
                && Arrays.deepEquals(features, s.features)
                && Arrays.equals(labels, s.labels)
                && ids.equals(s.ids)
                && classNames.equals(s.classNames);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.deepHashCode(features), Arrays.hashCode(labels), ids, classNames);
    }

    @Override
    public String toString() {
        return "FeatureSet[" + size() + " x " + dim() + ", classes " + classNames + "]";
    }
}
