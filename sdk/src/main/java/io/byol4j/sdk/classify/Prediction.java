package io.byol4j.sdk.classify;

import java.util.Objects;

/**
 * One class of a {@link Classification}.
 *
 * @param label the class name stored in the model
 * @param index the class index (the label id the classifier was trained with)
 * @param probability in [0, 1]
 */
public record Prediction(String label, int index, float probability) {

    /** Checks that the label is present. */
    public Prediction {
        Objects.requireNonNull(label, "label");
    }
}
