package io.byol4j.sdk.data;

import io.byol4j.sdk.image.DecodedImage;

/**
 * One image of a dataset with its label ({@link #UNLABELED} when the dataset has none) and an id that
 * names where it came from (a relative path, or a record index).
 */
public record Sample(DecodedImage image, int label, String id) {

    /** The label of a sample from an unlabeled dataset. */
    public static final int UNLABELED = -1;
}
