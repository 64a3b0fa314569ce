package io.byol4j.sdkbench;

import io.byol4j.sdk.data.InMemoryDataset;
import io.byol4j.sdk.encoder.BulkExtractor;
import io.byol4j.sdk.encoder.Encoder;
import io.byol4j.sdk.encoder.ImageEmbedding;
import io.byol4j.sdk.image.DecodedImage;
import io.byol4j.sdk.image.ImageDecodeException;
import io.byol4j.sdk.image.ImageDecoder;
import io.byol4j.sdk.image.Preprocessor;
import io.byol4j.sdk.internal.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * From JPEG bytes to embeddings: each stage alone (decode, preprocess, infer, on batches of 64 32×32
 * images) and end to end, both on one thread ({@link Encoder#embedEncoded}) and pipelined with
 * {@link BulkExtractor} (one decode thread prepares the next batches while the caller runs inference,
 * rows written to a feature folder). Scores are images per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PipelineBench {

    /** Images per pipelined extraction: 8 batches, so decoding overlaps with inference. */
    static final int PIPELINED_IMAGES = 8 * BenchModel.BATCH;

    /** The JPEG inputs, their decoded images and preprocessed batch, and an encoder. */
    @State(Scope.Benchmark)
    public static class Stages {
        @Param("")
        public String model;

        List<byte[]> jpegs;
        List<DecodedImage> decoded;
        ImageDecoder decoder;
        Encoder encoder;
        Preprocessor preprocessor;
        float[] batch;

        @Setup(Level.Trial)
        public void setUp() throws IOException, ImageDecodeException {
            jpegs = BenchData.jpegs(BenchData.images(BenchModel.BATCH, BenchModel.SIZE, 13));
            decoder = new ImageDecoder();
            decoded = new ArrayList<>();
            for (byte[] jpeg : jpegs) {
                decoded.add(decoder.decode(jpeg, 3));
            }
            encoder = Encoder.open(BenchModel.resolve(model));
            preprocessor = new Preprocessor(encoder.contract());
            batch = new float[BenchModel.BATCH * preprocessor.inputSize()];
            preprocessBatch(this);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            encoder.close();
        }
    }

    /** A feature folder that each pipelined extraction replaces. */
    @State(Scope.Benchmark)
    public static class Extraction {
        Path dir;
        BulkExtractor extractor;
        InMemoryDataset dataset;

        @Setup(Level.Trial)
        public void setUp(Stages stages) throws IOException {
            dir = Files.createTempDirectory("byol4j-bench-features");
            extractor = BulkExtractor.builder(stages.encoder)
                    .decodeThreads(1)
                    .prefetchBatches(2)
                    .build();
            // PIPELINED_IMAGES entries cycling through the batch's JPEGs, decoded on access
            dataset = new InMemoryDataset(
                    IntStream.range(0, PIPELINED_IMAGES)
                            .mapToObj(i -> stages.jpegs.get(i % stages.jpegs.size()))
                            .toList(),
                    3);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            AtomicFiles.deleteRecursively(dir);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BenchModel.BATCH)
    public void decode(Stages s, Blackhole bh) throws ImageDecodeException {
        for (byte[] jpeg : s.jpegs) {
            bh.consume(s.decoder.decode(jpeg, 3));
        }
    }

    @Benchmark
    @OperationsPerInvocation(BenchModel.BATCH)
    public float[] preprocess(Stages s) {
        return preprocessBatch(s);
    }

    /** Preprocesses the decoded images into the NCHW batch. */
    static float[] preprocessBatch(Stages s) {
        int n = s.preprocessor.inputSize();
        for (int i = 0; i < s.decoded.size(); i++) {
            s.preprocessor.apply(s.decoded.get(i), s.batch, i * n);
        }
        return s.batch;
    }

    @Benchmark
    @OperationsPerInvocation(BenchModel.BATCH)
    public float[][] infer(Stages s) {
        return s.encoder.embedFloats(s.batch, BenchModel.BATCH);
    }

    @Benchmark
    @OperationsPerInvocation(BenchModel.BATCH)
    public List<ImageEmbedding> endToEndSequential(Stages s) {
        return s.encoder.embedEncoded(s.jpegs);
    }

    @Benchmark
    @OperationsPerInvocation(PIPELINED_IMAGES)
    public BulkExtractor.Summary endToEndPipelined(Extraction e) throws IOException {
        return e.extractor.extract(e.dataset, e.dir);
    }
}
