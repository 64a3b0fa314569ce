/**
 * The on-disk feature format (NumPy {@code .npy} plus text files), written in one go with
 * {@link io.byol4j.sdk.features.FeatureFile} or streamed with {@link io.byol4j.sdk.features.FeatureWriter}.
 */
package io.byol4j.sdk.features;
