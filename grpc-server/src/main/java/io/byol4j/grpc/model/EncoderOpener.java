package io.byol4j.grpc.model;

import io.byol4j.sdk.encoder.Encoder;
import io.byol4j.sdk.encoder.EncoderOptions;
import java.io.IOException;
import java.nio.file.Path;

/** Opens a model file as an SDK encoder ({@link Encoder#open(Path, EncoderOptions)}; tests record the options). */
@FunctionalInterface
interface EncoderOpener {
    Encoder open(Path file, EncoderOptions options) throws IOException;
}
