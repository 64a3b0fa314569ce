package io.byol4j.examples;

import io.byol4j.sdk.encoder.ImageEmbedding;
import io.byol4j.sdk.encoder.Encoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Embeds every file of a folder with an exported byol4j model and prints the shape of the features.
 *
 * <p>Usage: {@code EmbedFolder MODEL.onnx IMAGE_FOLDER}. The lines between the {@code readme} markers are
 * the README's "Use the SDK from Java" example, word for word ({@code ReadmeSnippetTest} checks it).
 */
public final class EmbedFolder {

    private EmbedFolder() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: EmbedFolder MODEL.onnx IMAGE_FOLDER");
            System.exit(2);
        }
        Path model = Path.of(args[0]);
        Path folder = Path.of(args[1]);
        // readme:start
        try (Encoder encoder = Encoder.open(model);
                Stream<Path> files = Files.list(folder)) {
            List<Path> images = files.filter(Files::isRegularFile).sorted().toList();
            List<ImageEmbedding> results = encoder.embedFiles(images); // a bad file fails alone
            for (int i = 0; i < images.size(); i++) {
                ImageEmbedding r = results.get(i);
                System.out.println(images.get(i).getFileName() + ": "
                        + (r.ok() ? r.features().length + " features" : "skipped, " + r.failure()));
            }
            long embedded = results.stream().filter(ImageEmbedding::ok).count();
            System.out.println("features: " + embedded + " x " + encoder.embeddingDim());
        }
        // readme:end
    }
}
