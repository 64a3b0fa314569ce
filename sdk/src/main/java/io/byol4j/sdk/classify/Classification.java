package io.byol4j.sdk.classify;

import java.util.List;

/**
 * What a {@link Classifier} says about one image.
 *
 * @param top the most probable classes, most probable first
 * @param probabilities every class's probability, indexed by class
 * @param embedding the encoder's embedding of the image (as the model outputs it, not normalised)
 */
public record Classification(List<Prediction> top, float[] probabilities, float[] embedding) {

    /** Copies the arrays and the list. */
    public Classification {
        top = List.copyOf(top);
        probabilities = probabilities.clone();
        embedding = embedding.clone();
    }

    /** The most probable class. */
    public Prediction best() {
        return top.get(0);
    }

    @Override
    public float[] probabilities() {
        return probabilities.clone();
    }

    @Override
    public float[] embedding() {
        return embedding.clone();
    }
}
