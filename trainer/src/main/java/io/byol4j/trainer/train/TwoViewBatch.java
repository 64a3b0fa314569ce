package io.byol4j.trainer.train;

/**
 * Two augmented views of the same images, NCHW float32, normalised.
 *
 * @param step 0-based global step the batch belongs to
 * @param size images in the batch (N)
 * @param view1 N × C × S × S floats
 * @param view2 N × C × S × S floats, the second view of the same images in the same order
 */
public record TwoViewBatch(long step, int size, float[] view1, float[] view2) {}
