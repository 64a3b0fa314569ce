/**
 * Embedding images with an exported byol4j model on ONNX Runtime: {@link io.byol4j.sdk.encoder.Encoder}
 * for calls from application code, {@link io.byol4j.sdk.encoder.BulkExtractor} for whole datasets, and
 * {@link io.byol4j.sdk.encoder.DynamicBatcher} to batch single images from many concurrent callers.
 */
package io.byol4j.sdk.encoder;
