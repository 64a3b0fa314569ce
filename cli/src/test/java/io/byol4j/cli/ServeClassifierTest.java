package io.byol4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import inference.GRPCInferenceServiceGrpc;
import inference.InferTensorContents;
import inference.ModelInferRequest;
import inference.ModelInferRequest.InferInputTensor;
import inference.ModelInferResponse;
import io.byol4j.exporter.ClassifierExport;
import io.byol4j.exporter.ExportOptions;
import io.byol4j.grpc.InferenceServer;
import io.byol4j.grpc.metrics.ServerMetrics;
import io.byol4j.grpc.model.ModelOptions;
import io.byol4j.grpc.model.ModelRepository;
import io.byol4j.sdk.classify.Classifier;
import io.byol4j.sdk.data.SyntheticDataset;
import io.byol4j.sdk.image.ImageDecoder;
import io.byol4j.trainer.device.DeviceSelector;
import io.byol4j.trainer.finetune.FineTuneConfig;
import io.byol4j.trainer.finetune.FineTuner;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A fine-tuned classifier export served over KServe v2 on loopback answers the SDK classifier's probabilities. */
class ServeClassifierTest {

    @TempDir
    Path tmp;

    @Test
    void theServerReturnsEmbeddingAndClassProbabilitiesOfTheFineTunedClassifier() throws Exception {
        Path byol = TinyCheckpoint.create(tmp.resolve("byol"));
        Path run = tmp.resolve("ft");
        new FineTuner(DeviceSelector.fixed(List.of(ai.djl.Device.cpu())))
                .run(
                        new FineTuneConfig(
                                byol.toString(),
                                "byol",
                                "full",
                                "synthetic:size=40,seed=3,image=16",
                                null,
                                1.0,
                                1L,
                                List.of(0.05),
                                List.of(1),
                                0.2,
                                true,
                                8,
                                0.9,
                                0.0,
                                0.3,
                                false,
                                "cpu",
                                0,
                                5,
                                2,
                                null,
                                run.toString()),
                        false,
                        false,
                        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        Path model = tmp.resolve("classifier.onnx");
        ClassifierExport.export(run, model, ExportOptions.defaults(), null);

        SyntheticDataset images = new SyntheticDataset(2, 4, 16);
        List<byte[]> pngs = List.of(png(images, 0), png(images, 1));
        float[][] expected = new float[2][];
        try (Classifier classifier = Classifier.open(model)) {
            ImageDecoder decoder = new ImageDecoder();
            for (int i = 0; i < 2; i++) {
                expected[i] =
                        classifier.classify(decoder.decode(pngs.get(i), 3), 1).probabilities();
            }
        }
        InferenceServer server = InferenceServer.builder(
                        ModelRepository.ofFile(model, "classifier", ModelOptions.defaults(), ServerMetrics.create()))
                .address("127.0.0.1", 0)
                .start();
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port())
                .usePlaintext()
                .build();
        try {
            InferTensorContents.Builder contents = InferTensorContents.newBuilder();
            pngs.forEach(b -> contents.addBytesContents(ByteString.copyFrom(b)));
            ModelInferResponse r = GRPCInferenceServiceGrpc.newBlockingStub(channel)
                    .modelInfer(ModelInferRequest.newBuilder()
                            .setModelName("classifier")
                            .addInputs(InferInputTensor.newBuilder()
                                    .setName("encoded_images")
                                    .setDatatype("BYTES")
                                    .addShape(2)
                                    .setContents(contents))
                            .build());
            ModelInferResponse.InferOutputTensor probabilities = r.getOutputsList().stream()
                    .filter(o -> o.getName().equals("probabilities"))
                    .findFirst()
                    .orElseThrow();
            assertEquals(List.of(2L, 10L), probabilities.getShapeList());
            List<Float> values = probabilities.getContents().getFp32ContentsList();
            for (int i = 0; i < 2; i++) {
                double sum = 0;
                for (int k = 0; k < 10; k++) {
                    assertEquals(expected[i][k], values.get(i * 10 + k), 1e-5, "image " + i + " class " + k);
                    sum += values.get(i * 10 + k);
                }
                assertEquals(1.0, sum, 1e-4);
            }
            assertTrue(r.getOutputsList().stream().anyMatch(o -> o.getName().equals("embedding")));
        } finally {
            channel.shutdownNow();
            server.close();
        }
    }

    private static byte[] png(SyntheticDataset data, int index) throws Exception {
        io.byol4j.sdk.image.DecodedImage img = data.get(index).image();
        BufferedImage out = new BufferedImage(img.width(), img.height(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.height(); y++) {
            for (int x = 0; x < img.width(); x++) {
                int r = img.get(x, y, 0);
                int g = img.get(x, y, img.channels() > 1 ? 1 : 0);
                int b = img.get(x, y, img.channels() > 2 ? 2 : 0);
                out.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(out, "png", bytes);
        return bytes.toByteArray();
    }
}
