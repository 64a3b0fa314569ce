/**
 * Embedding images with an exported byol4j model on ONNX Runtime: {@link io.byol4j.sdk.encoder.Encoder}
 * for calls from application code, {@link io.byol4j.sdk.encoder.BulkExtractor} for whole datasets, and
 * {@link io.byol4j.sdk.encoder.DynamicBatcher} to batch single images from many concurrent callers.
 *
 * <h2>Exceptions: one policy for the whole SDK</h2>
 *
 * <ul>
 *   <li>Opening or reading a file the caller named (a model, a feature folder, a head file, a dataset folder)
 *       throws a checked {@link java.io.IOException}; byol4j's own refusals are subtypes carrying a reason and a
 *       message that names the file and what is wrong: {@link io.byol4j.sdk.encoder.ModelRejectedException},
 *       {@link io.byol4j.sdk.features.FeatureFileException}.
 *   <li>One bad image in a batch call ({@code Encoder.embedEncoded}, {@code Encoder.embedFiles},
 *       {@code BulkExtractor}) is not an exception: its {@link io.byol4j.sdk.encoder.ImageEmbedding} (or
 *       {@code BulkExtractor.Skipped}) carries an {@link io.byol4j.sdk.encoder.ImageEmbedding.Failure} with a
 *       {@link io.byol4j.sdk.encoder.ImageEmbedding.Reason} and a detail message, and the other images are
 *       embedded. {@code Encoder.embed(List<DecodedImage>)} is the plain-rows convenience form: decoded images can
 *       only be wrong by programming error, so it throws {@link java.lang.IllegalArgumentException} naming the
 *       image. A single image that cannot be decoded is an
 *       {@link io.byol4j.sdk.image.ImageDecodeException} with its
 *       {@link io.byol4j.sdk.image.ImageDecodeException.Reason}.
 *   <li>Programming errors fail at once with an unchecked exception: {@link java.lang.NullPointerException}
 *       naming the argument, {@link java.lang.IllegalArgumentException} for a value out of range or an array of
 *       the wrong length, {@link java.lang.IllegalStateException} for a call after {@code close()}.
 *   <li>A failure inside ONNX Runtime while running a batch is an unchecked
 *       {@link io.byol4j.sdk.encoder.EncoderException} with the runtime's exception as its cause; the encoder
 *       stays usable.
 * </ul>
 *
 * <p>Threads: {@code Encoder}, {@code DynamicBatcher} and {@code BulkExtractor} may be called from several
 * threads at once; builders and options records are plain values.
 */
package io.byol4j.sdk.encoder;
