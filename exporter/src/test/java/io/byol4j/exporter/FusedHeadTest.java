package io.byol4j.exporter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import io.byol4j.exporter.head.LinearHead;
import io.byol4j.exporter.testing.OrtRunner;
import io.byol4j.exporter.testing.TestEncoders;
import io.byol4j.sdk.data.SyntheticDataset;
import io.byol4j.sdk.encoder.Encoder;
import io.byol4j.sdk.head.LogisticRegression;
import io.byol4j.sdk.image.DecodedImage;
import io.byol4j.sdk.image.Preprocessor;
import io.byol4j.trainer.checkpoint.LoadedEncoder;
import io.byol4j.trainer.model.EncoderSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code export --with-head}: a linear probe fitted by the SDK on the encoder's own features, fused into
 * the graph, gives the probe's probabilities; the SDK still opens the fused model for embeddings.
 */
class FusedHeadTest {

    private static final int SIZE = 32;
    private static final int IMAGES = 40;

    private static NDManager manager;
    private static LoadedEncoder encoder;

    @TempDir
    Path dir;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
        encoder = TestEncoders.loaded(new EncoderSpec("resnet18", 4, true, 3), SIZE, manager, 17);
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    @Test
    void fusedProbabilitiesEqualTheSdkProbeOnRealImages() throws Exception {
        // Images larger than the input, so preprocessing really resizes and crops.
        SyntheticDataset data = new SyntheticDataset(IMAGES, 3, 40);
        List<DecodedImage> images = new ArrayList<>();
        int[] labels = new int[IMAGES];
        for (int i = 0; i < IMAGES; i++) {
            images.add(data.get(i).image());
            labels[i] = data.label(i);
        }

        Path plain = dir.resolve("plain.onnx");
        OnnxExporter.export(encoder, plain, ExportOptions.defaults());
        float[][] features;
        try (Encoder sdk = Encoder.open(plain)) {
            features = sdk.embed(images);
        }
        LogisticRegression probe =
                LogisticRegression.fit(features, labels, data.classNames().size(), 1e-3);
        assertTrue(probe.accuracy(features, labels) > 0.3, "the probe must have learned something to compare");

        Path fused = dir.resolve("fused.onnx");
        ExportReport report = OnnxExporter.export(
                encoder,
                fused,
                ExportOptions.builder()
                        .head(LinearHead.of(probe, data.classNames()))
                        .parityDataset(data)
                        .maxParityImages(12)
                        .build());

        assertTrue(report.withHead() && report.passed(), report.summary());
        assertNotNull(report.randomProbabilities());
        assertEquals(12, report.realProbabilities().samples());
        assertTrue(report.realProbabilities().maxAbsDiff() <= 1e-5, report.summary());

        float[][] fusedEmbeddings;
        try (Encoder sdk = Encoder.open(fused)) {
            assertEquals("embedding", sdk.contract().outputName());
            assertEquals("probabilities", sdk.metadata().get(ExportMetadata.KEY_PROBABILITIES_OUTPUT));
            assertEquals(
                    Integer.toString(data.classNames().size()), sdk.metadata().get(ExportMetadata.KEY_HEAD_CLASSES));
            fusedEmbeddings = sdk.embed(images);
        }

        Map<String, float[]> outputs =
                OrtRunner.run(Files.readAllBytes(fused), preprocess(images, report), shape(), OptLevel.ALL_OPT);
        float[] probabilities = outputs.get("probabilities");
        int classes = probe.numClasses();
        assertEquals(IMAGES * classes, probabilities.length);
        double worst = 0;
        for (int i = 0; i < IMAGES; i++) {
            assertArrayEquals(features[i], fusedEmbeddings[i], 1e-5f, "the head must not change the embedding");
            float[] expected = probe.probabilities(fusedEmbeddings[i]);
            for (int k = 0; k < classes; k++) {
                worst = Math.max(worst, Math.abs(expected[k] - probabilities[i * classes + k]));
            }
        }
        assertTrue(worst <= 1e-5, "fused probabilities differ from the SDK probe by " + worst);
    }

    private static float[] preprocess(List<DecodedImage> images, ExportReport report) throws Exception {
        Preprocessor preprocessor;
        try (Encoder sdk = Encoder.open(report.model())) {
            preprocessor = new Preprocessor(sdk.contract());
        }
        int perImage = 3 * SIZE * SIZE;
        float[] x = new float[images.size() * perImage];
        for (int i = 0; i < images.size(); i++) {
            preprocessor.apply(images.get(i), x, i * perImage);
        }
        return x;
    }

    private static long[] shape() {
        return new long[] {IMAGES, 3, SIZE, SIZE};
    }
}
