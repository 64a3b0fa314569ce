package io.byol4j.trainer.checkpoint;

import ai.djl.nn.Block;
import io.byol4j.trainer.model.EncoderSpec;
import java.util.Objects;

/**
 * The online encoder of a checkpoint with what an exporter needs to describe it.
 *
 * @param encoder initialised encoder block, (N, C, H, W) → (N, embeddingDim); its arrays belong to the
 *     manager passed to {@link Checkpoints#loadOnlineEncoder(java.nio.file.Path, ai.djl.ndarray.NDManager)}
 * @param spec the encoder architecture
 * @param imageSize side of the square training inputs
 * @param mean per-channel normalisation mean the network was trained with
 * @param std per-channel normalisation std the network was trained with
 * @param configJson the run's config as stored in the checkpoint
 * @param step optimisation steps the weights have seen (0 for a random initialisation)
 * @param dataset the dataset spec the run trained on
 */
public record LoadedEncoder(
        Block encoder,
        EncoderSpec spec,
        int imageSize,
        float[] mean,
        float[] std,
        String configJson,
        long step,
        String dataset) {

    /** Copies the arrays. */
    public LoadedEncoder {
        Objects.requireNonNull(encoder, "encoder");
        Objects.requireNonNull(spec, "spec");
        mean = mean.clone();
        std = std.clone();
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    /** Embedding dimension of the encoder. */
    public int embeddingDim() {
        return spec.embeddingDim();
    }
}
