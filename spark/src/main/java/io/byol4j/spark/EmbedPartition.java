package io.byol4j.spark;

import io.byol4j.sdk.encoder.Encoder;
import io.byol4j.sdk.encoder.EncoderOptions;
import io.byol4j.sdk.encoder.ImageEmbedding;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Embeds one partition in batches of {@code batchSize} rows with this JVM's shared encoder.
 * Each output row is the input row followed by the embedding (null when the image failed) and the error
 * (null when it succeeded).
 */
final class EmbedPartition implements MapPartitionsFunction<Row, Row> {

    private static final long serialVersionUID = 1L;

    private final String model;
    private final int batchSize;
    private final int intraOpThreads;
    private final boolean normalize;
    private final int inputIndex;

    EmbedPartition(String model, int batchSize, int intraOpThreads, boolean normalize, int inputIndex) {
        this.model = model;
        this.batchSize = batchSize;
        this.intraOpThreads = intraOpThreads;
        this.normalize = normalize;
        this.inputIndex = inputIndex;
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
        EncoderOptions options = options();
        return new Iterator<>() {
            private final ArrayDeque<Row> ready = new ArrayDeque<>();

            @Override
            public boolean hasNext() {
                if (ready.isEmpty() && rows.hasNext()) {
                    embedNextBatch();
                }
                return !ready.isEmpty();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return ready.poll();
            }

            private void embedNextBatch() {
                List<Row> batch = new ArrayList<>(options.batchSize());
                List<byte[]> images = new ArrayList<>(options.batchSize());
                while (batch.size() < options.batchSize() && rows.hasNext()) {
                    Row row = rows.next();
                    batch.add(row);
                    images.add(row.isNullAt(inputIndex) ? null : (byte[]) row.get(inputIndex));
                }
                Encoder encoder = ExecutorEncoders.get(model, options);
                List<ImageEmbedding> results = encoder.embedEncoded(images);
                for (int i = 0; i < batch.size(); i++) {
                    ready.add(withResult(batch.get(i), results.get(i)));
                }
            }
        };
    }

    private static Row withResult(Row row, ImageEmbedding result) {
        int n = row.length();
        Object[] values = new Object[n + 2];
        for (int i = 0; i < n; i++) {
            values[i] = row.get(i);
        }
        if (result.ok()) {
            float[] f = result.features();
            double[] d = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                d[i] = f[i];
            }
            values[n] = Vectors.dense(d);
        } else {
            values[n + 1] = result.failure().toString();
        }
        return RowFactory.create(values);
    }
}
