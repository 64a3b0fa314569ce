package io.byol4j.grpc.client;

import java.util.Map;

/**
 * What the server says about the model behind {@code FeatureService}.
 *
 * @param embeddingDim length of every feature vector
 * @param metadata the model's contract (input size, channels, normalisation, ...) as key/value pairs
 */
public record ServedModel(int embeddingDim, Map<String, String> metadata) {

    public ServedModel {
        metadata = Map.copyOf(metadata);
    }
}
