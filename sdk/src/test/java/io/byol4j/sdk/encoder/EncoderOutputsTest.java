package io.byol4j.sdk.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.byol4j.sdk.image.DecodedImage;
import io.byol4j.sdk.internal.Vectors;
import io.byol4j.sdk.model.ModelContract;
import io.byol4j.sdk.testing.TestModels;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Encoder#outputShapes()} and {@link Encoder#runAllOutputs}: every graph output, per sample. */
class EncoderOutputsTest {

    @TempDir
    Path dir;

    @Test
    void aHeadModelGivesTheEmbeddingThenTheProbabilitiesPerSample() throws Exception {
        ModelContract contract = TestModels.contract(3, 8, 5);
        Path model = TestModels.write(dir, "head.onnx", TestModels.headModel(contract));
        List<DecodedImage> images = EncoderTest.images(7, 3);
        try (Encoder encoder =
                Encoder.open(model, EncoderOptions.builder().batchSize(4).build())) {
            var shapes = encoder.outputShapes();
            assertEquals(List.of("embedding", "probabilities"), List.copyOf(shapes.keySet()));
            assertArrayEquals(new long[] {-1, 5}, shapes.get("probabilities"));
            float[] packed = new float[images.size() * encoder.sampleSize()];
            for (int i = 0; i < images.size(); i++) {
                encoder.preprocessor().apply(images.get(i), packed, i * encoder.sampleSize());
            }
            float[][] rows = encoder.runAllOutputs(packed, images.size());
            assertEquals(images.size(), rows.length, "7 samples in batches of 4 still give 7 rows");
            for (int i = 0; i < rows.length; i++) {
                float[] embedding = encoder.embed(images.get(i));
                assertEquals(10, rows[i].length);
                double max = Double.NEGATIVE_INFINITY;
                for (float v : embedding) {
                    max = Math.max(max, v);
                }
                double sum = 0;
                for (float v : embedding) {
                    sum += Math.exp(v - max);
                }
                for (int k = 0; k < 5; k++) {
                    assertEquals(embedding[k], rows[i][k], 1e-6f, "embedding part of row " + i);
                    assertEquals(Math.exp(embedding[k] - max) / sum, rows[i][5 + k], 1e-5, "softmax part of row " + i);
                }
            }
        }
    }

    @Test
    void l2NormalizeGivesUnitVectorsAndLeavesZeroAlone() {
        float[] v = {3, 4};
        Vectors.normalizeL2(v);
        assertArrayEquals(new float[] {0.6f, 0.8f}, v, 1e-7f);
        float[] zero = {0, 0};
        Vectors.normalizeL2(zero);
        assertArrayEquals(new float[] {0, 0}, zero);
    }
}
