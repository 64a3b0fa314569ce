package io.byol4j.grpc.client;

import java.util.Objects;

/**
 * The server's answer for one image: its features, or why the server rejected it (not decodable, too many
 * pixels, ...). Exactly one of the two is present.
 *
 * @param features the feature vector, or null when the image was rejected
 * @param error why the image was rejected, or null on success
 */
public record Embedding(float[] features, String error) {

    public Embedding {
        if ((features == null) == (error == null)) {
            throw new IllegalArgumentException("an embedding has either features or an error");
        }
    }

    static Embedding of(float[] features) {
        return new Embedding(Objects.requireNonNull(features), null);
    }

    static Embedding failed(String error) {
        return new Embedding(null, Objects.requireNonNull(error));
    }

    /** True when the image has features. */
    public boolean ok() {
        return features != null;
    }

    /** The features; throws {@link IllegalStateException} carrying the server's reason when the image was rejected. */
    public float[] featuresOrThrow() {
        if (features == null) {
            throw new IllegalStateException("the server rejected the image: " + error);
        }
        return features;
    }
}
