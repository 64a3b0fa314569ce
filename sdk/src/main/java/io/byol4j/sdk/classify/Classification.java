package io.byol4j.sdk.classify;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link Classifier} says about one image.
 *
 *
 * <p>An immutable value: arrays are copied in and out, and {@code equals}/{@code hashCode} compare contents.
 */
public final class Classification {

    private final List<Prediction> top;
    private final float[] probabilities;
    private final float[] embedding;

    /**
     * Copies the arrays and the list.
     *
     * @param top the most probable classes, most probable first
     * @param probabilities every class's probability, indexed by class
     * @param embedding the encoder's embedding of the image (as the model outputs it, not normalised)
     * @throws NullPointerException if an argument is null
     */
    public Classification(List<Prediction> top, float[] probabilities, float[] embedding) {
        this.top = List.copyOf(top);
        this.probabilities =
                Objects.requireNonNull(probabilities, "probabilities").clone();
        this.embedding = Objects.requireNonNull(embedding, "embedding").clone();
    }

    /** The most probable classes, most probable first, unmodifiable. */
    public List<Prediction> top() {
        return top;
    }

    /** The most probable class. */
    public Prediction best() {
        return top.get(0);
    }

    /** A copy of every class's probability, indexed by class. */
    public float[] probabilities() {
        return probabilities.clone();
    }

    /** A copy of the encoder's embedding of the image (as the model outputs it, not normalised). */
    public float[] embedding() {
        return embedding.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Classification c
                && top.equals(c.top)
                && Arrays.equals(probabilities, c.probabilities)
                && Arrays.equals(embedding, c.embedding);
    }

    @Override
    public int hashCode() {
        return Objects.hash(top, Arrays.hashCode(probabilities), Arrays.hashCode(embedding));
    }

    @Override
    public String toString() {
        return "Classification[top " + top + ", " + probabilities.length + " classes, embedding of " + embedding.length
                + "]";
    }
}
