package io.byol4j.trainer.network;

import ai.djl.ndarray.NDArray;

/**
 * What one training forward pass yields.
 *
 * @param loss scalar BYOL loss (attached to the autograd graph when computed under a gradient collector)
 * @param onlineProjection online projections of view 1, shape (N, projectionDim), for the collapse monitor
 */
public record StepOutputs(NDArray loss, NDArray onlineProjection) {}
