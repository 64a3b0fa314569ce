package io.byol4j.trainer.metrics;

/** Maps a batch of preprocessed images to embeddings, for monitors that evaluate a representation. */
@FunctionalInterface
public interface Embedder {

    /**
     * @param images {@code count} images, NCHW float32, already normalised
     * @param count images in the batch
     * @return one embedding per image
     */
    float[][] embed(float[] images, int count);
}
