package io.byol4j.grpc.client;

import java.util.Map;

/**
 * What the server says about a model it serves through {@code FeatureService}.
 *
 * @param name the model's name on the server
 * @param version the version that answered
 * @param embeddingDim length of every feature vector
 * @param metadata the model's contract (input size, channels, normalisation, ...) as key/value pairs
 */
public record ServedModel(String name, String version, int embeddingDim, Map<String, String> metadata) {

    public ServedModel {
        metadata = Map.copyOf(metadata);
    }
}
