package io.byol4j.grpc.model;

import io.byol4j.grpc.metrics.ServerMetrics;
import io.byol4j.sdk.encoder.DynamicBatcher;
import io.byol4j.sdk.encoder.Encoder;
import io.byol4j.sdk.encoder.EncoderException;
import io.byol4j.sdk.encoder.EncoderOptions;
import io.byol4j.sdk.image.Preprocessor;
import io.byol4j.sdk.model.ModelContract;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One loaded version of a model: its encoder, its batcher (or none when batching is off) and what it
 * produces. Reference-counted: calls hold it through a {@link ModelLease}; once {@link #retire()}d (an
 * unload or a newer version swapped in) it takes no new leases and closes its batcher and encoder when
 * its last lease ends, so calls in flight on it finish normally. Thread-safe.
 */
public final class ServedModel {

    private static final Logger LOG = LoggerFactory.getLogger(ServedModel.class);

    private final String name;
    private final String version;
    private final Path file;
    private final Encoder encoder;
    private final Preprocessor preprocessor;
    private final DynamicBatcher batcher;
    private final List<OutputSpec> outputs;
    private final int rowWidth;
    private final ServerMetrics metrics;
    private final String device;
    private final AtomicLong samplesRun = new AtomicLong();
    private int leases;
    private boolean retired;
    private boolean closed;
    /** True once the device-info metric reports this copy (after a successful warm-up). */
    private volatile boolean reported;

    private ServedModel(
            String name, String version, Path file, Encoder encoder, ModelOptions options, ServerMetrics metrics) {
        this.name = name;
        this.version = version;
        this.file = file;
        this.encoder = encoder;
        this.metrics = metrics;
        this.device = deviceOf(encoder);
        this.preprocessor = new Preprocessor(encoder.contract());
        List<OutputSpec> specs = new ArrayList<>();
        int offset = 0;
        for (Map.Entry<String, long[]> e : encoder.outputShapes().entrySet()) {
            long width = 1;
            long[] shape = e.getValue();
            for (int d = 1; d < shape.length; d++) {
                if (shape[d] <= 0) {
                    throw new EncoderException(file + ": output " + e.getKey() + " has a dimension of unknown size;"
                            + " only the batch dimension may vary");
                }
                width *= shape[d];
            }
            specs.add(new OutputSpec(e.getKey(), shape.clone(), offset, (int) width));
            offset += (int) width;
        }
        this.outputs = List.copyOf(specs);
        this.rowWidth = offset;
        this.batcher = options.batching()
                ? DynamicBatcher.start(preprocessor, this::runBatch, options.batcher(), (size, waited, computed) -> {
                    metrics.batchRun(name, size, waited, computed);
                    metrics.queueDepth(name, queued());
                })
                : null;
    }

    /**
     * Opens {@code file} as version {@code version} of model {@code name} and warms it up (one batch of
     * one sample), so that its first call does not pay ONNX Runtime's start-up.
     *
     * @throws IOException when the file cannot be read; SDK exceptions when it is not a valid byol4j model
     */
    public static ServedModel open(String name, String version, Path file, ModelOptions options, ServerMetrics metrics)
            throws IOException {
        return open(name, version, file, options, metrics, Encoder::open);
    }

    /** {@link #open(String, String, Path, ModelOptions, ServerMetrics)} with the encoder opened by {@code opener}. */
    static ServedModel open(
            String name, String version, Path file, ModelOptions options, ServerMetrics metrics, EncoderOpener opener)
            throws IOException {
        Encoder encoder = opener.open(file, options.encoderOptions(batchSize(options)));
        ServedModel model;
        try {
            model = new ServedModel(name, version, file, encoder, options, metrics);
        } catch (RuntimeException e) {
            encoder.close();
            throw e;
        }
        try {
            model.runBatch(new float[model.sampleSize()], 1);
            metrics.modelLoaded(name, version, model.device);
            model.reported = true;
            return model;
        } catch (RuntimeException e) {
            model.retire();
            throw e;
        }
    }

    /** The encoder batch size for {@code options}: room for the largest batch the batcher forms. */
    static int batchSize(ModelOptions options) {
        return Math.max(EncoderOptions.DEFAULT_BATCH_SIZE, options.batcher().maxBatchSize());
    }

    /** {@code cpu}, or {@code gpu:N} for an encoder on CUDA device N: the device it actually runs on. */
    static String deviceOf(Encoder encoder) {
        return encoder.device() == EncoderOptions.Device.CUDA
                ? "gpu:" + encoder.options().deviceId()
                : "cpu";
    }

    private float[][] runBatch(float[] batch, int count) {
        float[][] rows = encoder.runAllOutputs(batch, count);
        samplesRun.addAndGet(count);
        return rows;
    }

    /** Model name. */
    public String name() {
        return name;
    }

    /** Version served. */
    public String version() {
        return version;
    }

    /** The ONNX file it was loaded from. */
    public Path file() {
        return file;
    }

    /** The device this version actually runs on: {@code cpu} or {@code gpu:N}. */
    public String device() {
        return device;
    }

    /** The SDK options its encoder was opened with (device, threads, batch size). */
    public EncoderOptions encoderOptions() {
        return encoder.options();
    }

    /** The model's contract (input geometry, preprocessing, embedding size). */
    public ModelContract contract() {
        return encoder.contract();
    }

    /** The model's ONNX metadata. */
    public Map<String, String> metadata() {
        return encoder.metadata();
    }

    /** Preprocessing for decoded images, as the contract prescribes. */
    public Preprocessor preprocessor() {
        return preprocessor;
    }

    /** Floats in one preprocessed sample (channels × height × width). */
    public int sampleSize() {
        return preprocessor.inputSize();
    }

    /** Every output, in row order. */
    public List<OutputSpec> outputs() {
        return outputs;
    }

    /** The output holding the embedding (the contract's output). */
    public OutputSpec embeddingOutput() {
        for (OutputSpec o : outputs) {
            if (o.name().equals(encoder.contract().outputName())) {
                return o;
            }
        }
        throw new IllegalStateException(
                "no embedding output " + encoder.contract().outputName());
    }

    /** Floats in one result row: all outputs of one sample. */
    public int rowWidth() {
        return rowWidth;
    }

    /** True when requests go through a dynamic batcher. */
    public boolean batching() {
        return batcher != null;
    }

    /** Samples the model has run so far (warm-up included): a count for monitoring and tests. */
    public long samplesRun() {
        return samplesRun.get();
    }

    /** Samples waiting in the batching queue (0 without batching). */
    public int queued() {
        return batcher == null ? 0 : batcher.queued();
    }

    /**
     * Runs one preprocessed sample and yields its result row (every output, see {@link #outputs()}).
     * With batching the sample is queued (the future fails with a {@code RejectedExecutionException} when
     * the queue is full, a {@link TimeoutException} when {@code deadline} passes before it runs; cancelling
     * the future skips it); without batching it runs now, on the calling thread. Only call while holding a
     * lease.
     */
    public CompletableFuture<float[]> submit(float[] sample, Duration deadline) {
        if (batcher != null) {
            return batcher.submitPreprocessed(sample, deadline);
        }
        CompletableFuture<float[]> result = new CompletableFuture<>();
        try {
            long started = System.nanoTime();
            float[][] rows = runBatch(sample, 1);
            metrics.batchRun(name, 1, 0, System.nanoTime() - started);
            result.complete(rows[0]);
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    /** Takes a lease unless the model is retired. */
    synchronized boolean tryLease() {
        if (retired) {
            return false;
        }
        leases++;
        return true;
    }

    void release() {
        boolean close;
        synchronized (this) {
            leases--;
            close = retired && leases == 0 && !closed;
            closed |= close;
        }
        if (close) {
            closeResources();
        }
    }

    /** Takes no more leases; closes once the last lease ends (at once if none is held). */
    void retire() {
        boolean close;
        synchronized (this) {
            retired = true;
            close = leases == 0 && !closed;
            closed |= close;
        }
        if (close) {
            closeResources();
        }
    }

    /** True once retired and every lease ended. */
    public synchronized boolean isClosed() {
        return closed;
    }

    /** True while it accepts new calls. */
    public synchronized boolean isReady() {
        return !retired;
    }

    private void closeResources() {
        try {
            if (batcher != null) {
                batcher.close();
            }
        } finally {
            encoder.close();
            if (reported) {
                metrics.modelClosed(name, version, device);
            }
            LOG.info("model={} version={} closed", name, version);
        }
    }

    @Override
    public String toString() {
        return name + " version " + version + " (" + file + ", " + encoder + ")";
    }
}
