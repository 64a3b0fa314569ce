package io.byol4j.exporter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.byol4j.exporter.head.LinearHead;
import io.byol4j.sdk.classify.Classification;
import io.byol4j.sdk.classify.Classifier;
import io.byol4j.sdk.data.SyntheticDataset;
import io.byol4j.sdk.encoder.Encoder;
import io.byol4j.sdk.encoder.ModelRejectedException;
import io.byol4j.sdk.image.DecodedImage;
import io.byol4j.trainer.checkpoint.Checkpoints;
import io.byol4j.trainer.config.TrainConfig;
import io.byol4j.trainer.device.DeviceSelector;
import io.byol4j.trainer.finetune.FineTuneConfig;
import io.byol4j.trainer.finetune.FineTunedClassifier;
import io.byol4j.trainer.finetune.FineTuner;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A fine-tuned classifier exported as one ONNX model and opened by the SDK's {@link Classifier}. */
class ClassifierExportTest {

    private static final String DATA = "synthetic:size=100,seed=3,image=16";

    @TempDir
    static Path dir;

    private static Path run;

    @BeforeAll
    static void fineTune() throws Exception {
        Map<String, String> tiny = new LinkedHashMap<>();
        tiny.put("imageSize", "16");
        tiny.put("encoder.architecture", "resnet10");
        tiny.put("encoder.width", "4");
        tiny.put("heads.projectorHidden", "32");
        tiny.put("heads.projectionDim", "16");
        tiny.put("heads.predictorHidden", "32");
        tiny.put("device", "cpu");
        tiny.put("outputDir", dir.resolve("byol").toString());
        Path byol = dir.resolve("byol");
        Checkpoints.saveInitial(TrainConfig.defaults().withOverrides(tiny), byol);
        run = dir.resolve("ft");
        FineTuneConfig cfg = new FineTuneConfig(
                byol.toString(),
                "byol",
                "full",
                DATA,
                null,
                0.5,
                1L,
                List.of(0.1),
                List.of(2),
                0.2,
                true,
                16,
                0.9,
                0.0,
                0.3,
                false,
                "cpu",
                0,
                5,
                2,
                null,
                run.toString());
        new FineTuner(DeviceSelector.fixed(List.of(Device.cpu())))
                .run(cfg, false, false, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    @Test
    void exportIsParityCheckedAndTheSdkClassifiesWithProbabilitiesAndEmbedding() throws Exception {
        Path model = dir.resolve("classifier.onnx");
        SyntheticDataset images = new SyntheticDataset(12, 8, 16);
        ExportReport report = ClassifierExport.export(
                run,
                model,
                ExportOptions.builder()
                        .parityDataset(images)
                        .maxParityImages(12)
                        .build(),
                null);
        assertTrue(report.passed() && report.withHead(), report.summary());

        List<DecodedImage> batch = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            batch.add(images.get(i).image());
        }
        try (Classifier classifier = Classifier.open(model);
                FineTunedClassifier reference = FineTunedClassifier.load(run);
                Encoder plain = Encoder.open(model)) {
            assertEquals(images.classNames(), classifier.classNames());
            LinearHead head = new LinearHead(reference.headWeights(), reference.headBias(), reference.classNames());
            float[][] embeddings = plain.embed(batch);
            List<Classification> answers = classifier.classify(batch, 3);
            for (int i = 0; i < batch.size(); i++) {
                Classification c = answers.get(i);
                assertEquals(3, c.top().size());
                assertTrue(
                        c.top().get(0).probability() >= c.top().get(1).probability()
                                && c.top().get(1).probability()
                                        >= c.top().get(2).probability(),
                        "most probable first");
                assertEquals(
                        classifier.classNames().get(c.best().index()), c.best().label());
                double sum = 0;
                for (float p : c.probabilities()) {
                    sum += p;
                }
                assertEquals(1.0, sum, 1e-4);
                assertArrayEquals(embeddings[i], c.embedding(), 1e-6f, "the embedding output is the encoder's");
                double[] expected = head.probabilities(c.embedding());
                for (int k = 0; k < expected.length; k++) {
                    assertEquals(expected[k], c.probabilities()[k], 1e-4, "class " + k);
                }
            }
            assertThrows(IllegalArgumentException.class, () -> classifier.classify(batch, 11));
        }
    }

    @Test
    void classNamesThatDisagreeWithTheLabelsAreRefusedBeforeWriting() {
        Path model = dir.resolve("renamed.onnx");
        List<String> wrong = new ArrayList<>(new SyntheticDataset(10, 1, 16).classNames());
        java.util.Collections.swap(wrong, 0, 1);
        ExportException e = assertThrows(
                ExportException.class, () -> ClassifierExport.export(run, model, ExportOptions.defaults(), wrong));
        assertTrue(e.getMessage().contains("disagree with the labels"), e.getMessage());
        assertFalse(Files.exists(model));
    }

    @Test
    void anEncoderWithoutHeadIsNotAClassifier() throws Exception {
        Path model = dir.resolve("plain.onnx");
        try (FineTunedClassifier loaded = FineTunedClassifier.load(run)) {
            OnnxExporter.export(loaded.encoder(), model, ExportOptions.defaults());
        }
        ModelRejectedException e = assertThrows(ModelRejectedException.class, () -> Classifier.open(model));
        assertTrue(e.getMessage().contains("without a classification head"), e.getMessage());
    }
}
