package io.byol4j.sdk.features;

import java.util.List;
import java.util.Objects;

/**
 * Features of {@code N} samples with their labels ({@link FeatureFile#UNLABELED} = -1 when unknown),
 * ids, and the class names that labels index. Arrays are held as given, not copied.
 */
public record FeatureSet(float[][] features, int[] labels, List<String> ids, List<String> classNames) {

    /** Checks that all parts describe the same samples and that every row has the same length. */
    public FeatureSet {
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
        ids = List.copyOf(ids);
        classNames = List.copyOf(classNames);
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
    }

    /** Number of samples. */
    public int size() {
        return features.length;
    }

    /** Features per sample (0 when empty). */
    public int dim() {
        return features.length == 0 ? 0 : features[0].length;
    }
}
