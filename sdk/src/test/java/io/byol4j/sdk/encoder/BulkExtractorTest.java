package io.byol4j.sdk.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.byol4j.sdk.data.Dataset;
import io.byol4j.sdk.data.Sample;
import io.byol4j.sdk.features.FeatureFile;
import io.byol4j.sdk.features.FeatureSet;
import io.byol4j.sdk.image.DecodedImage;
import io.byol4j.sdk.image.ImageDecodeException;
import io.byol4j.sdk.internal.Durations;
import io.byol4j.sdk.model.ModelContract;
import io.byol4j.sdk.testing.TestModels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BulkExtractorTest {

    @TempDir
    static Path models;

    private static Path model;

    @TempDir
    Path out;

    @BeforeAll
    static void buildModel() throws IOException {
        ModelContract contract = TestModels.contract(3, 8, 5);
        model = TestModels.write(models, "encoder.onnx", TestModels.model(contract));
    }

    /** Random images labelled i % 3; the listed indices fail to decode, and {@code explode} throws a bug. */
    private record MemoryDataset(List<DecodedImage> images, Set<Integer> corrupt, int explode) implements Dataset {
        @Override
        public int size() {
            return images.size();
        }

        @Override
        public Sample get(int index) throws ImageDecodeException {
            if (corrupt.contains(index)) {
                throw new ImageDecodeException(ImageDecodeException.Reason.TRUNCATED, "img" + index + ": ends early");
            }
            if (index == explode) {
                throw new IllegalStateException("dataset bug at " + index);
            }
            return new Sample(images.get(index), label(index), "img" + index);
        }

        @Override
        public int label(int index) {
            return index % 3;
        }

        @Override
        public List<String> classNames() {
            return List.of("a", "b", "c");
        }

        @Override
        public int channels() {
            return 3;
        }

        @Override
        public String describe() {
            return "memory: " + images.size() + " images";
        }
    }

    @Test
    void writesEveryDecodableImageInOrder() throws IOException {
        List<DecodedImage> images = EncoderTest.images(23, 17);
        Dataset dataset = new MemoryDataset(images, Set.of(5, 6, 22), -1);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (Encoder encoder =
                Encoder.open(model, EncoderOptions.builder().batchSize(4).build())) {
            BulkExtractor extractor = BulkExtractor.builder(encoder)
                    .decodeThreads(3)
                    .prefetchBatches(2)
                    .progress(new PrintStream(log, true, StandardCharsets.UTF_8))
                    .build();
            BulkExtractor.Summary summary = extractor.extract(dataset, out);
            assertEquals(20, summary.count());
            assertEquals(3, summary.skipped());
            assertEquals(
                    List.of(5, 6, 22),
                    summary.skippedImages().stream()
                            .map(BulkExtractor.Skipped::index)
                            .toList());
            assertEquals(
                    ImageEmbedding.Reason.TRUNCATED,
                    summary.skippedImages().get(0).failure().reason());
            assertTrue(summary.imagesPerSecond() > 0);

            FeatureSet set = FeatureFile.read(out);
            assertEquals(20, set.size());
            assertEquals(List.of("a", "b", "c"), set.classNames());
            int row = 0;
            for (int i = 0; i < images.size(); i++) {
                if (Set.of(5, 6, 22).contains(i)) {
                    continue;
                }
                assertEquals("img" + i, set.ids().get(row));
                assertEquals(i % 3, set.labels()[row]);
                assertArrayEquals(encoder.embed(images.get(i)), set.features()[row], 1e-5f, "image " + i);
                row++;
            }
        }
        String text = log.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("skipped image #6: TRUNCATED"), text);
        assertTrue(text.contains("done, 20 images written, 3 skipped"), text);
    }

    @Test
    void aFailureLeavesNoOutput() throws IOException {
        Dataset dataset = new MemoryDataset(EncoderTest.images(12, 3), Set.of(), 9);
        try (Encoder encoder =
                Encoder.open(model, EncoderOptions.builder().batchSize(4).build())) {
            BulkExtractor extractor =
                    BulkExtractor.builder(encoder).decodeThreads(2).build();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> extractor.extract(dataset, out));
            assertEquals("dataset bug at 9", e.getMessage());
        }
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(List.of(), files.toList(), "no feature files and no temporary files");
        }
    }

    @Test
    void progressLinesAreThrottled() {
        long[] now = {0};
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream stream = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        ExtractionProgress reporter = new ExtractionProgress(
                stream, "extract", 1000, Duration.ofSeconds(2).toNanos(), () -> now[0]);
        now[0] = 1_000_000_000L;
        reporter.advance(100);
        assertEquals("", buffer.toString(StandardCharsets.UTF_8), "nothing within the first interval");
        now[0] = 2_500_000_000L;
        reporter.advance(150);
        now[0] = 3_000_000_000L;
        reporter.advance(50);
        String text = buffer.toString(StandardCharsets.UTF_8);
        assertEquals("extract: 250/1000 images (25.0%), 100.0 images/s, ETA 7.5 s" + System.lineSeparator(), text);
        now[0] = 5_000_000_000L;
        reporter.advance(200);
        assertTrue(buffer.toString(StandardCharsets.UTF_8)
                .endsWith("extract: 500/1000 images (50.0%), 100.0 images/s, ETA 5.0 s" + System.lineSeparator()));
        assertEquals("1 h 01 min 05 s", Durations.seconds(3665));
        assertEquals("2 min 05 s", Durations.seconds(125));
    }

    /** Issue 11, item 1: a decodable image the preprocessing cannot take is skipped by name, not fatal. */
    @Test
    void anImageThePreprocessingRejectsIsSkippedByNameAndTheRestIsWritten(@TempDir Path data) throws IOException {
        Path bigModel = TestModels.write(data, "enc224.onnx", TestModels.model(TestModels.contract(3, 224, 5)));
        Path images = Files.createDirectories(data.resolve("imgs/cls"));
        writePng(images.resolve("a.png"), 40, 30);
        writePng(images.resolve("line.png"), 10_000_000, 1); // 224 * 10^7 pixels wide after the resize
        writePng(images.resolve("z.png"), 30, 40);
        try (Encoder encoder = Encoder.open(bigModel)) {
            BulkExtractor.Summary s = BulkExtractor.builder(encoder)
                    .decodeThreads(2)
                    .build()
                    .extract(io.byol4j.sdk.data.Datasets.open("folder:" + data.resolve("imgs"), 3), out);
            assertEquals(2, s.count());
            assertEquals(1, s.skipped());
            ImageEmbedding.Failure failure = s.skippedImages().get(0).failure();
            assertEquals(ImageEmbedding.Reason.PREPROCESS, failure.reason());
            String detail = failure.detail();
            assertTrue(detail.contains("cls/line.png") && detail.contains("10000000x1"), detail);
        }
        assertEquals(List.of("cls/a.png", "cls/z.png"), FeatureFile.read(out).ids());
    }

    private static void writePng(Path file, int width, int height) throws IOException {
        java.awt.image.BufferedImage img =
                new java.awt.image.BufferedImage(width, height, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        javax.imageio.ImageIO.write(img, "png", file.toFile());
    }
}
