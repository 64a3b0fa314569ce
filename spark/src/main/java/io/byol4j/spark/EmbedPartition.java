package io.byol4j.spark;

import io.byol4j.sdk.encoder.Encoder;
import io.byol4j.sdk.encoder.EncoderOptions;
import io.byol4j.sdk.encoder.ImageEmbedding;
import io.byol4j.sdk.image.DecodedImage;
import io.byol4j.sdk.image.ImageDecodeException;
import io.byol4j.sdk.image.ImageDecoder;
import io.byol4j.sdk.image.Preprocessor;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.TaskCompletionListener;

/**
 * Embeds one partition in batches of {@code batchSize} rows with this JVM's shared encoder. The input column
 * holds encoded images (binary) or paths of image files (string, read where the task runs). Reading, decoding and
 * preprocessing run on the JVM's shared {@link DecodePool} a few batches ahead while the task thread runs
 * inference on the current batch (as the SDK's {@code BulkExtractor} does on one machine). Each output row is
 * the input row followed by the embedding (null when the image failed) and the error (null when it
 * succeeded); rows keep their order.
 */
final class EmbedPartition implements MapPartitionsFunction<Row, Row> {

    private static final long serialVersionUID = 1L;

    /** Batches decoded ahead of the one being embedded, per task. */
    static final int PREFETCH_BATCHES = 2;

    private final String model;
    private final int batchSize;
    private final int intraOpThreads;
    private final boolean normalize;
    private final int inputIndex;
    private final boolean pathInput;
    private final boolean floatArray;
    private final EmbedTimings timings;

    /**
     * @param pathInput the input column holds file paths (read on the decode threads), not encoded bytes
     * @param floatArray emit the embedding as {@code float[]} ({@code array<float>}) instead of an
     *     {@code ml.linalg.Vector}
     * @param timings where to add the time split, or null
     */
    EmbedPartition(
            String model,
            int batchSize,
            int intraOpThreads,
            boolean normalize,
            int inputIndex,
            boolean pathInput,
            boolean floatArray,
            EmbedTimings timings) {
        this.model = model;
        this.batchSize = batchSize;
        this.intraOpThreads = intraOpThreads;
        this.normalize = normalize;
        this.inputIndex = inputIndex;
        this.pathInput = pathInput;
        this.floatArray = floatArray;
        this.timings = timings;
    }

    /** The encoder options every task of this stage shares (and so the same shared encoder). */
    EncoderOptions options() {
        return EncoderOptions.builder()
                .batchSize(batchSize)
                .intraOpThreads(intraOpThreads)
                .normalize(normalize)
                .build();
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        long start = EmbedTimings.cpuNow();
        Encoder encoder = ExecutorEncoders.get(model, options());
        PipelinedRows out = new PipelinedRows(rows, encoder);
        if (timings != null) {
            timings.setup(EmbedTimings.cpuNow() - start);
            TaskContext task = TaskContext.get();
            if (task != null) {
                // what the task does after its last row: the writer's flush and commit
                task.addTaskCompletionListener((TaskCompletionListener) ctx -> {
                    if (out.endedAt != 0) {
                        timings.finish(EmbedTimings.cpuNow() - out.endedAt);
                    }
                });
            }
        }
        return out;
    }

    /** The partition's output: reads input batches, decodes them ahead on the pool, embeds them in order. */
    private final class PipelinedRows implements Iterator<Row> {
        private final Iterator<Row> rows;
        private final Encoder encoder;
        private final Preprocessor preprocessor;
        private final int sampleSize;
        private final ArrayDeque<PendingBatch> inFlight = new ArrayDeque<>();
        private final ArrayDeque<Row> ready = new ArrayDeque<>();
        private long returnedAt;
        volatile long endedAt;

        PipelinedRows(Iterator<Row> rows, Encoder encoder) {
            this.rows = rows;
            this.encoder = encoder;
            this.preprocessor = new Preprocessor(encoder.contract());
            this.sampleSize = preprocessor.inputSize();
        }

        @Override
        public boolean hasNext() {
            if (returnedAt != 0) {
                // the time since next() returned went to the stages after this one (conversion, writing)
                if (timings != null) {
                    timings.downstream(EmbedTimings.cpuNow() - returnedAt);
                }
                returnedAt = 0;
            }
            if (ready.isEmpty()) {
                refill();
            }
            if (ready.isEmpty() && endedAt == 0 && timings != null) {
                endedAt = EmbedTimings.cpuNow();
            }
            return !ready.isEmpty();
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Row row = ready.poll();
            if (timings != null) {
                returnedAt = EmbedTimings.cpuNow();
            }
            return row;
        }

        private void refill() {
            while (inFlight.size() <= PREFETCH_BATCHES && readAndSubmit()) {
                // keep reading until PREFETCH_BATCHES + 1 batches are in flight or the input ends
            }
            PendingBatch batch = inFlight.poll();
            if (batch != null) {
                embed(batch);
            }
        }

        /** Reads the next batch of input rows (on this thread) and hands its decoding to the pool. */
        private boolean readAndSubmit() {
            long start = EmbedTimings.cpuNow();
            List<Row> batch = new ArrayList<>(batchSize);
            while (batch.size() < batchSize && rows.hasNext()) {
                batch.add(rows.next());
            }
            if (timings != null) {
                timings.upstream(EmbedTimings.cpuNow() - start);
            }
            if (batch.isEmpty()) {
                return false;
            }
            PendingBatch pending = new PendingBatch(batch, sampleSize);
            pending.decoded = CompletableFuture.runAsync(() -> pending.decode(preprocessor), DecodePool.get());
            inFlight.add(pending);
            return true;
        }

        private void embed(PendingBatch batch) {
            long waitStart = System.nanoTime();
            try {
                batch.decoded.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while decoding a batch of images", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("decoding a batch of images failed: " + e.getCause(), e.getCause());
            }
            if (timings != null) {
                timings.decodeWait(System.nanoTime() - waitStart);
            }
            long start = EmbedTimings.cpuNow();
            int good = batch.compact();
            float[][] features = good == 0
                    ? new float[0][]
                    : encoder.embedFloats(
                            good == batch.rows.size()
                                    ? batch.data
                                    : java.util.Arrays.copyOf(batch.data, good * sampleSize),
                            good);
            if (timings != null) {
                timings.inference(EmbedTimings.cpuNow() - start, batch.rows.size());
                timings.decode(batch.decodeNanos);
            }
            int k = 0;
            for (int i = 0; i < batch.rows.size(); i++) {
                if (batch.errors[i] == null) {
                    ready.add(withResult(batch.rows.get(i), features[k++], null));
                } else {
                    ready.add(withResult(batch.rows.get(i), null, batch.errors[i]));
                }
            }
        }
    }

    /** One batch of input rows and, once the pool is done, its preprocessed pixels and per-row errors. */
    private final class PendingBatch {
        final List<Row> rows;
        final float[] data;
        final String[] errors;
        final int sampleSize;
        long decodeNanos;
        CompletableFuture<Void> decoded;

        PendingBatch(List<Row> rows, int sampleSize) {
            this.rows = rows;
            this.sampleSize = sampleSize;
            this.data = new float[rows.size() * sampleSize];
            this.errors = new String[rows.size()];
        }

        /** Decodes and preprocesses every row into its slot; a bad image only records its error. */
        void decode(Preprocessor preprocessor) {
            long start = EmbedTimings.cpuNow();
            ImageDecoder decoder = DecodePool.decoder();
            int channels = preprocessor.channels();
            for (int i = 0; i < rows.size(); i++) {
                Row row = rows.get(i);
                try {
                    preprocessor.apply(decode(decoder, row, channels), data, i * sampleSize);
                } catch (ImageDecodeException e) {
                    errors[i] = ImageEmbedding.failed(e).failure().toString();
                } catch (RuntimeException e) {
                    errors[i] = ImageEmbedding.preprocessFailed(e).failure().toString();
                }
            }
            decodeNanos = EmbedTimings.cpuNow() - start;
        }

        /** The row's image: its bytes, or the file its path names (with the SDK's reasons for a bad one). */
        private DecodedImage decode(ImageDecoder decoder, Row row, int channels) throws ImageDecodeException {
            if (row.isNullAt(inputIndex)) {
                throw pathInput
                        ? new ImageDecodeException(ImageDecodeException.Reason.IO, "no path (null)")
                        : new ImageDecodeException(ImageDecodeException.Reason.CORRUPT, "no image data (null)");
            }
            return pathInput
                    ? decoder.decode(localFile(row.getString(inputIndex)), channels)
                    : decoder.decode((byte[]) row.get(inputIndex), channels);
        }

        /** A plain path, or a {@code file:} URI as Spark's file sources write them. */
        private Path localFile(String path) throws ImageDecodeException {
            try {
                return path.startsWith("file:") ? Path.of(URI.create(path)) : Path.of(path);
            } catch (IllegalArgumentException e) { // also InvalidPathException
                throw new ImageDecodeException(
                        ImageDecodeException.Reason.IO, "not a local file path or file: URI: " + path, e);
            }
        }

        /** Moves the decoded samples to the front, in order, and returns how many there are. */
        int compact() {
            int good = 0;
            for (int i = 0; i < rows.size(); i++) {
                if (errors[i] != null) {
                    continue;
                }
                if (good != i) {
                    System.arraycopy(data, i * sampleSize, data, good * sampleSize, sampleSize);
                }
                good++;
            }
            return good;
        }
    }

    private Row withResult(Row row, float[] features, String error) {
        int n = row.length();
        Object[] values = new Object[n + 2];
        for (int i = 0; i < n; i++) {
            values[i] = row.get(i);
        }
        if (features != null) {
            if (floatArray) {
                values[n] = features;
            } else {
                double[] d = new double[features.length];
                for (int i = 0; i < features.length; i++) {
                    d[i] = features[i];
                }
                values[n] = Vectors.dense(d);
            }
        }
        values[n + 1] = error;
        return RowFactory.create(values);
    }
}
