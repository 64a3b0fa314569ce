package io.byol4j.sdk.data;

import io.byol4j.sdk.image.ImageDecodeException;
import java.util.List;

/**
 * A finite, indexable collection of images, optionally labeled. Implementations decode lazily in
 * {@link #get(int)} and are safe to call from several threads at once.
 */
public interface Dataset {

    /** Number of samples. */
    int size();

    /** Decodes sample {@code index} (0-based); fails with the decoder's reason for a bad image. */
    Sample get(int index) throws ImageDecodeException;

    /** The label of sample {@code index} without decoding it, or {@link Sample#UNLABELED}. */
    int label(int index);

    /** Class names indexed by label; empty for an unlabeled dataset. */
    List<String> classNames();

    /** Channels of the images this dataset yields (1 or 3). */
    int channels();

    /** A short human-readable description: kind, location, size. */
    String describe();

    /** True when samples carry labels. */
    default boolean isLabeled() {
        return !classNames().isEmpty();
    }
}
