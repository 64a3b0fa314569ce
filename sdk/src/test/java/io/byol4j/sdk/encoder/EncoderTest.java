package io.byol4j.sdk.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.byol4j.sdk.encoder.EncoderOptions.Device;
import io.byol4j.sdk.image.DecodedImage;
import io.byol4j.sdk.image.Preprocessor;
import io.byol4j.sdk.model.ModelContract;
import io.byol4j.sdk.testing.TestModels;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EncoderTest {

    private static final int DIM = 6;

    @TempDir
    static Path dir;

    private static ModelContract contract;
    private static byte[] modelBytes;
    private static Path model;

    @BeforeAll
    static void buildModel() throws IOException {
        contract = TestModels.contract(3, 8, DIM);
        modelBytes = TestModels.model(contract);
        model = TestModels.write(dir, "encoder.onnx", modelBytes);
    }

    static DecodedImage randomImage(Random random, int width, int height) {
        byte[] pixels = new byte[width * height * 3];
        random.nextBytes(pixels);
        return new DecodedImage(width, height, 3, pixels);
    }

    static List<DecodedImage> images(int n, long seed) {
        Random random = new Random(seed);
        List<DecodedImage> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(randomImage(random, 8 + random.nextInt(6), 8 + random.nextInt(6)));
        }
        return out;
    }

    static byte[] png(DecodedImage image) throws IOException {
        BufferedImage img = new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                img.setRGB(x, y, image.get(x, y, 0) << 16 | image.get(x, y, 1) << 8 | image.get(x, y, 2));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    @Test
    void opensAndExposesTheContract() throws IOException {
        try (Encoder encoder = Encoder.open(model)) {
            assertEquals(contract, encoder.contract());
            assertEquals(DIM, encoder.embeddingDim());
            assertEquals(Device.CPU, encoder.device());
            assertEquals("test-conv", encoder.metadata().get(ModelContract.KEY_ARCHITECTURE));
            assertEquals(
                    TestModels.sha256Hex(TestModels.graphModel(
                            contract, TestModels.dynamicInput(contract), 1, contract.toMetadata())),
                    encoder.metadata().get(ModelContract.KEY_DIGEST));
        }
    }

    @Test
    void embeddingMatchesAHandWrittenConvolution() throws IOException {
        DecodedImage image = images(1, 3).get(0);
        float[] x = new Preprocessor(contract).apply(image);
        ByteBuffer raw = ByteBuffer.wrap(ModelProto.parseFrom(modelBytes)
                        .getGraph()
                        .getInitializer(0)
                        .getRawData()
                        .toByteArray())
                .order(ByteOrder.LITTLE_ENDIAN);
        float[] w = new float[DIM * 3 * 9];
        raw.asFloatBuffer().get(w);
        float[] expected = new float[DIM];
        int s = 8;
        for (int d = 0; d < DIM; d++) {
            double sum = 0;
            for (int oy = 0; oy < s; oy++) {
                for (int ox = 0; ox < s; ox++) {
                    double acc = 0;
                    for (int c = 0; c < 3; c++) {
                        for (int ky = 0; ky < 3; ky++) {
                            for (int kx = 0; kx < 3; kx++) {
                                int iy = oy + ky - 1;
                                int ix = ox + kx - 1;
                                if (iy >= 0 && iy < s && ix >= 0 && ix < s) {
                                    acc += w[((d * 3 + c) * 3 + ky) * 3 + kx] * x[(c * s + iy) * s + ix];
                                }
                            }
                        }
                    }
                    sum += Math.max(0, acc);
                }
            }
            expected[d] = (float) (sum / (s * s));
        }
        try (Encoder encoder = Encoder.open(model)) {
            assertArrayEquals(expected, encoder.embed(image), 1e-4f);
        }
    }

    @Test
    void batchesEqualOneAtATime() throws IOException {
        List<DecodedImage> images = images(7, 11);
        try (Encoder batched = Encoder.open(
                        model, EncoderOptions.builder().batchSize(3).build());
                Encoder single = Encoder.open(model)) {
            float[][] all = batched.embed(images);
            assertEquals(7, all.length);
            for (int i = 0; i < images.size(); i++) {
                assertArrayEquals(single.embed(images.get(i)), all[i], 1e-5f, "image " + i);
            }
            assertFalse(Arrays.equals(all[0], all[1]), "different images give different embeddings");
        }
    }

    @Test
    void spinningOffGivesTheSameEmbeddingsAndIsKeptByTheBuilder() throws IOException {
        assertTrue(EncoderOptions.defaults().intraOpSpinning(), "ONNX Runtime's own default stays the SDK's");
        EncoderOptions calm = EncoderOptions.builder().intraOpSpinning(false).build();
        assertFalse(calm.intraOpSpinning());
        assertFalse(calm.toBuilder().build().intraOpSpinning(), "toBuilder keeps the setting");
        List<DecodedImage> images = images(5, 13);
        try (Encoder spinning = Encoder.open(model);
                Encoder quiet = Encoder.open(model, calm)) {
            float[][] a = spinning.embed(images);
            float[][] b = quiet.embed(images);
            for (int i = 0; i < images.size(); i++) {
                assertArrayEquals(a[i], b[i], 1e-6f, "image " + i);
            }
        }
    }

    @Test
    void embedFloatsTakesPreprocessedBatches() throws IOException {
        List<DecodedImage> images = images(5, 5);
        Preprocessor pre = new Preprocessor(contract);
        int size = pre.inputSize();
        float[] batch = new float[images.size() * size];
        for (int i = 0; i < images.size(); i++) {
            pre.apply(images.get(i), batch, i * size);
        }
        try (Encoder encoder =
                Encoder.open(model, EncoderOptions.builder().batchSize(2).build())) {
            float[][] fromFloats = encoder.embedFloats(batch, images.size());
            float[][] fromImages = encoder.embed(images);
            for (int i = 0; i < images.size(); i++) {
                assertArrayEquals(fromImages[i], fromFloats[i], 1e-6f);
            }
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> encoder.embedFloats(new float[size * 2 - 1], 2));
            assertTrue(e.getMessage().contains("need " + (2 * size)), e.getMessage());
            assertEquals(0, encoder.embedFloats(new float[0], 0).length);
        }
    }

    @Test
    void corruptEncodedImageFailsAlone() throws IOException {
        List<DecodedImage> images = images(4, 21);
        List<byte[]> encoded = new ArrayList<>();
        for (DecodedImage image : images) {
            encoded.add(png(image));
        }
        byte[] truncated = Arrays.copyOf(encoded.get(2), 40);
        encoded.set(2, truncated);
        encoded.add("definitely not an image".getBytes(StandardCharsets.US_ASCII));
        try (Encoder encoder =
                Encoder.open(model, EncoderOptions.builder().batchSize(2).build())) {
            List<ImageEmbedding> results = encoder.embedEncoded(encoded);
            assertEquals(5, results.size());
            for (int i : new int[] {0, 1, 3}) {
                assertTrue(results.get(i).ok(), "image " + i + ": " + results.get(i));
                assertThrows(IllegalStateException.class, results.get(i)::failure);
                assertArrayEquals(encoder.embed(images.get(i)), results.get(i).features(), 1e-5f);
            }
            for (int i : new int[] {2, 4}) {
                assertFalse(results.get(i).ok());
                assertThrows(IllegalStateException.class, results.get(i)::features);
                assertFalse(results.get(i).failure().detail().isBlank());
            }
            assertEquals(
                    ImageEmbedding.Reason.TRUNCATED,
                    results.get(2).failure().reason(),
                    results.get(2).toString());
            assertEquals(
                    ImageEmbedding.Reason.UNKNOWN_FORMAT,
                    results.get(4).failure().reason(),
                    results.get(4).toString());
        }
    }

    /** Section 2 of docs/sdk-api.md: the plain-rows form throws naming the image, the per-image form fails it alone. */
    @Test
    void anImageThePreprocessingRefusesFailsAloneOrIsNamedByIndex() throws IOException {
        DecodedImage good = images(1, 8).get(0);
        DecodedImage line = new DecodedImage(10_000_000, 1, 3, new byte[30_000_000]); // 224 * 10^7 wide once resized
        Path big = TestModels.write(dir, "encoder224.onnx", TestModels.model(TestModels.contract(3, 224, DIM)));
        try (Encoder encoder = Encoder.open(big)) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> encoder.embed(List.of(good, line)));
            assertTrue(e.getMessage().startsWith("images[1] cannot be preprocessed"), e.getMessage());

            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ImageIO.write(new BufferedImage(10_000_000, 1, BufferedImage.TYPE_BYTE_GRAY), "png", png);
            List<ImageEmbedding> results = encoder.embedEncoded(List.of(png(good), png.toByteArray()));
            assertArrayEquals(encoder.embed(good), results.get(0).features(), 1e-5f);
            assertEquals(
                    ImageEmbedding.Reason.PREPROCESS, results.get(1).failure().reason());
        }
    }

    @Test
    void missingFileFailsAlone(@TempDir Path images) throws IOException {
        DecodedImage image = images(1, 8).get(0);
        Path good = TestModels.write(images, "good.png", png(image));
        Path missing = images.resolve("missing.png");
        try (Encoder encoder = Encoder.open(model)) {
            List<ImageEmbedding> results = encoder.embedFiles(List.of(missing, good));
            assertFalse(results.get(0).ok());
            assertEquals(ImageEmbedding.Reason.IO, results.get(0).failure().reason());
            assertTrue(
                    results.get(0).failure().detail().contains("missing.png"),
                    results.get(0).toString());
            assertArrayEquals(encoder.embed(image), results.get(1).features(), 1e-5f);
        }
    }

    @Test
    void normalisedEmbeddingsHaveUnitLength() throws IOException {
        List<DecodedImage> images = images(3, 4);
        try (Encoder raw = Encoder.open(model);
                Encoder unit = Encoder.open(
                        model, EncoderOptions.builder().normalize(true).build())) {
            float[][] a = raw.embed(images);
            float[][] b = unit.embed(images);
            for (int i = 0; i < a.length; i++) {
                double norm = 0;
                double dot = 0;
                double normA = 0;
                for (int j = 0; j < DIM; j++) {
                    norm += b[i][j] * b[i][j];
                    dot += a[i][j] * b[i][j];
                    normA += a[i][j] * a[i][j];
                }
                assertEquals(1.0, norm, 1e-5);
                assertEquals(Math.sqrt(normA), dot, 1e-4, "same direction");
            }
        }
    }

    @Test
    void concurrentCallersGetTheSameResults() throws Exception {
        List<DecodedImage> images = images(10, 99);
        try (Encoder encoder =
                Encoder.open(model, EncoderOptions.builder().batchSize(4).build())) {
            float[][] expected = encoder.embed(images);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<float[][]>> futures = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    futures.add(pool.submit(() -> encoder.embed(images)));
                }
                for (Future<float[][]> f : futures) {
                    float[][] got = f.get();
                    for (int i = 0; i < expected.length; i++) {
                        assertArrayEquals(expected[i], got[i], 1e-6f);
                    }
                }
            } finally {
                pool.shutdown();
            }
        }
    }

    @Test
    void closedEncoderRefusesWork() throws IOException {
        Encoder encoder = Encoder.open(model);
        encoder.close();
        encoder.close();
        DecodedImage image = images(1, 1).get(0);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> encoder.embed(image));
        assertTrue(e.getMessage().contains("closed"));
    }

    @Test
    void cudaRequestOnCpuBuildFallsBackOrFails() throws IOException {
        EncoderOptions cuda = EncoderOptions.builder().device(Device.CUDA).build();
        try (Encoder encoder = Encoder.open(model, cuda)) {
            assertEquals(Device.CPU, encoder.device());
            assertEquals(DIM, encoder.embed(images(1, 2).get(0)).length);
        }
        EncoderOptions required = cuda.toBuilder().requireGpu(true).build();
        EncoderException e = assertThrows(EncoderException.class, () -> Encoder.open(model, required));
        assertTrue(e.getMessage().contains("GPU required"), e.getMessage());
    }

    /** Issue 11, item 6: a closed encoder throws even when no image would reach inference. */
    @Test
    void closedEncoderRefusesCallsThatRunNoBatch() throws IOException {
        Encoder encoder = Encoder.open(model);
        encoder.close();
        byte[] garbage = {1, 2, 3};
        assertThrows(IllegalStateException.class, () -> encoder.embedEncoded(List.of(garbage)));
        assertThrows(IllegalStateException.class, () -> encoder.embedFiles(List.of(dir.resolve("missing.png"))));
        assertThrows(IllegalStateException.class, () -> encoder.embed(List.of()));
        assertThrows(IllegalStateException.class, () -> encoder.embedFloats(new float[0], 0));
    }
}
