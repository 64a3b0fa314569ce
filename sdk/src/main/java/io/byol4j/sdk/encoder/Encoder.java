package io.byol4j.sdk.encoder;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.byol4j.sdk.encoder.EncoderOptions.Device;
import io.byol4j.sdk.image.DecodedImage;
import io.byol4j.sdk.image.ImageDecodeException;
import io.byol4j.sdk.image.ImageDecoder;
import io.byol4j.sdk.image.Preprocessor;
import io.byol4j.sdk.internal.OrtEnvironments;
import io.byol4j.sdk.internal.Vectors;
import io.byol4j.sdk.model.ModelContract;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Computes embeddings with an exported byol4j model on ONNX Runtime.
 *
 * <p>{@link #open} refuses files that are not ONNX, not byol4j exports, fail their SHA-256 digest, or
 * whose tensors disagree with the {@link ModelContract} in their metadata. Images are preprocessed as
 * the contract prescribes; inputs longer than {@link EncoderOptions#batchSize()} are split into
 * batches. Every method may be called from several threads at once; {@link #close()} waits for running
 * batches and afterwards every call fails with {@link IllegalStateException}.
 *
 * <p>A model with a fused classification head (exported with {@code --with-head}) opens like any other:
 * only the contract's embedding output is computed and returned. Its second output, class
 * probabilities, is named by the {@code byol4j.probabilities_output} metadata entry and is read with
 * ONNX Runtime directly.
 */
public final class Encoder implements AutoCloseable {

    /** Decodes or otherwise produces the image at an index of a caller's list. */
    @FunctionalInterface
    private interface ImageSource {
        DecodedImage load(int index) throws ImageDecodeException;
    }

    /** Writes {@code count} preprocessed samples, starting at sample {@code first}, into a buffer. */
    @FunctionalInterface
    private interface BatchFiller {
        void fill(FloatBuffer target, int first, int count);
    }

    private final OrtEnvironment env;
    private final OrtSession session;
    private final ModelContract contract;
    private final Map<String, String> metadata;
    private final EncoderOptions options;
    private final Device device;
    private final Preprocessor preprocessor;
    private final ImageDecoder decoder = new ImageDecoder();
    private final int sampleSize;
    private final Set<String> requestedOutputs;
    private final ConcurrentLinkedQueue<FloatBuffer> idleBuffers = new ConcurrentLinkedQueue<>();
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;
    /** Every graph output's shape, read once by {@link #outputShapes()}. */
    private volatile Map<String, long[]> outputShapes;

    private Encoder(OrtEnvironment env, ModelLoader.LoadedModel model, EncoderOptions options) {
        this.env = env;
        this.session = model.session();
        this.contract = model.contract();
        this.metadata = model.metadata();
        this.device = model.device();
        this.options = options;
        this.preprocessor = new Preprocessor(contract);
        this.sampleSize = contract.channels() * contract.height() * contract.width();
        this.requestedOutputs = Set.of(contract.outputName());
    }

    /** Opens {@code model} with {@link EncoderOptions#defaults()}. */
    public static Encoder open(Path model) throws IOException {
        return open(model, EncoderOptions.defaults());
    }

    /**
     * Opens and validates {@code model}.
     *
     * @throws ModelRejectedException when a check fails; {@link ModelRejectedException#reason()} says which
     * @throws EncoderException when CUDA is required but unavailable, or ONNX Runtime fails
     * @throws IOException when the file cannot be read
     * @throws IllegalArgumentException when one batch of {@code options.batchSize()} inputs would exceed 2 GiB
     */
    public static Encoder open(Path model, EncoderOptions options) throws IOException {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(options, "options");
        OrtEnvironment env = OrtEnvironments.get();
        ModelLoader.LoadedModel loaded = ModelLoader.load(model, options, env, OrtEnvironment.getAvailableProviders());
        return new Encoder(env, loaded, options);
    }

    /** The model's contract: input geometry, preprocessing and embedding size. */
    public ModelContract contract() {
        return contract;
    }

    /** Length of every embedding this encoder returns. */
    public int embeddingDim() {
        return contract.embeddingDim();
    }

    /** The model's custom metadata (byol4j entries and any others), unmodifiable. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The options this encoder was opened with. */
    public EncoderOptions options() {
        return options;
    }

    /** The device inference actually runs on (CPU after a CUDA fallback). */
    public Device device() {
        return device;
    }

    /** Embeds one decoded image. */
    public float[] embed(DecodedImage image) {
        Objects.requireNonNull(image, "image");
        return embed(List.of(image))[0];
    }

    /**
     * Embeds decoded images; row {@code i} of the result belongs to {@code images.get(i)}.
     *
     * <p>Unlike {@link #embedEncoded} and {@link #embedFiles} this returns plain rows: every well-formed
     * {@link DecodedImage} can be preprocessed for any model, so an image can only be wrong by a programming error.
     *
     * @throws NullPointerException naming the index of a null image
     * @throws IllegalArgumentException naming the index of an image the preprocessor refuses
     * @throws EncoderException when ONNX Runtime fails on a batch
     * @throws IllegalStateException after {@link #close()}
     */
    public float[][] embed(List<DecodedImage> images) {
        Objects.requireNonNull(images, "images");
        ensureOpen();
        int n = images.size();
        for (int i = 0; i < n; i++) {
            Objects.requireNonNull(images.get(i), "images[" + i + "]");
        }
        float[][] out = new float[n][];
        for (int start = 0; start < n; start += options.batchSize()) {
            int count = Math.min(options.batchSize(), n - start);
            runBatch(
                    count,
                    (buf, first, m) -> {
                        for (int i = 0; i < m; i++) {
                            try {
                                preprocessor.apply(images.get(first + i), buf);
                            } catch (RuntimeException e) {
                                throw new IllegalArgumentException(
                                        "images[" + (first + i) + "] cannot be preprocessed for the model's input: "
                                                + e.getMessage(),
                                        e);
                            }
                        }
                    },
                    out,
                    start);
        }
        return out;
    }

    /**
     * Embeds {@code n} samples that are already preprocessed: {@code batch} holds them in NCHW order,
     * exactly {@code n × channels × height × width} floats.
     */
    public float[][] embedFloats(float[] batch, int n) {
        Objects.requireNonNull(batch, "batch");
        ensureOpen();
        if (n < 0 || (long) n * sampleSize != batch.length) {
            throw new IllegalArgumentException("batch holds " + batch.length + " floats but " + n + " samples of "
                    + contract.channels() + "x" + contract.height() + "x" + contract.width() + " need "
                    + (long) n * sampleSize);
        }
        float[][] out = new float[n][];
        for (int start = 0; start < n; start += options.batchSize()) {
            int count = Math.min(options.batchSize(), n - start);
            runBatch(count, (buf, first, m) -> buf.put(batch, first * sampleSize, m * sampleSize), out, start);
        }
        return out;
    }

    /**
     * Decodes and embeds encoded images (PNG, JPEG, ... as the SDK's decoder reads them). An image that
     * cannot be decoded yields a failed {@link ImageEmbedding} (with its {@link ImageEmbedding.Reason}) and does
     * not affect the others.
     *
     * @throws NullPointerException if the list is null (a null element is a failed result, reason CORRUPT)
     * @throws EncoderException when ONNX Runtime fails on a batch
     * @throws IllegalStateException after {@link #close()}
     */
    public List<ImageEmbedding> embedEncoded(List<byte[]> encodedImages) {
        Objects.requireNonNull(encodedImages, "encodedImages");
        return embedEach(encodedImages.size(), i -> {
            byte[] data = encodedImages.get(i);
            if (data == null) {
                throw new ImageDecodeException(ImageDecodeException.Reason.CORRUPT, "no image data (null)");
            }
            return decoder.decode(data, contract.channels());
        });
    }

    /**
     * Reads, decodes and embeds image files; like {@link #embedEncoded}, a bad file fails alone (a file that cannot
     * be read has reason {@link ImageEmbedding.Reason#IO}).
     *
     * @throws NullPointerException if the list is null
     * @throws EncoderException when ONNX Runtime fails on a batch
     * @throws IllegalStateException after {@link #close()}
     */
    public List<ImageEmbedding> embedFiles(List<Path> files) {
        Objects.requireNonNull(files, "files");
        return embedEach(files.size(), i -> {
            Path file = files.get(i);
            if (file == null) {
                throw new ImageDecodeException(ImageDecodeException.Reason.IO, "no path (null)");
            }
            return decoder.decode(file, contract.channels());
        });
    }

    private List<ImageEmbedding> embedEach(int n, ImageSource source) {
        ensureOpen();
        List<ImageEmbedding> results = new ArrayList<>(n);
        float[] staging = new float[Math.min(n, options.batchSize()) * sampleSize];
        int[] positions = new int[Math.min(n, options.batchSize())];
        for (int start = 0; start < n; start += options.batchSize()) {
            int count = Math.min(options.batchSize(), n - start);
            ImageEmbedding[] chunk = new ImageEmbedding[count];
            int good = 0;
            for (int i = 0; i < count; i++) {
                try {
                    preprocessor.apply(source.load(start + i), staging, good * sampleSize);
                    positions[good++] = i;
                } catch (ImageDecodeException e) {
                    chunk[i] = ImageEmbedding.failed(e);
                } catch (RuntimeException e) {
                    chunk[i] = ImageEmbedding.preprocessFailed(e);
                }
            }
            if (good > 0) {
                float[][] features = new float[good][];
                runBatch(good, (buf, first, m) -> buf.put(staging, 0, m * sampleSize), features, 0);
                for (int k = 0; k < good; k++) {
                    chunk[positions[k]] = ImageEmbedding.ofOwned(features[k]);
                }
            }
            results.addAll(Arrays.asList(chunk));
        }
        return results;
    }

    /** Throws IllegalStateException after {@link #close()}, also for calls that would run no batch. */
    private void ensureOpen() {
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("encoder is closed");
            }
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** Runs one batch of {@code count} samples (count <= batch size) into {@code out[outOffset..]}. */
    private void runBatch(int count, BatchFiller filler, float[][] out, int outOffset) {
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("encoder is closed");
            }
            FloatBuffer buffer = borrowBuffer();
            try {
                buffer.clear();
                filler.fill(buffer, outOffset, count);
                buffer.flip();
                long[] shape = {count, contract.channels(), contract.height(), contract.width()};
                try (OnnxTensor input = OnnxTensor.createTensor(env, buffer, shape);
                        OrtSession.Result result = session.run(Map.of(contract.inputName(), input), requestedOutputs)) {
                    copyRows(result, count, out, outOffset);
                }
            } finally {
                idleBuffers.add(buffer);
            }
        } catch (OrtException e) {
            throw new EncoderException("inference failed on a batch of " + count + ": " + e.getMessage(), e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private void copyRows(OrtSession.Result result, int count, float[][] out, int outOffset) throws OrtException {
        OnnxValue value = result.get(contract.outputName())
                .orElseThrow(() -> new EncoderException("model produced no output " + contract.outputName()));
        if (!(value instanceof OnnxTensor tensor)) {
            throw new EncoderException("output " + contract.outputName() + " is not a tensor: " + value.getInfo());
        }
        long[] shape = tensor.getInfo().getShape();
        int dim = contract.embeddingDim();
        if (shape.length != 2 || shape[0] != count || shape[1] != dim) {
            throw new EncoderException("output " + contract.outputName() + " has shape " + Arrays.toString(shape)
                    + ", expected [" + count + ", " + dim + "]");
        }
        FloatBuffer rows = tensor.getFloatBuffer();
        for (int i = 0; i < count; i++) {
            float[] row = new float[dim];
            rows.get(row);
            if (options.normalize()) {
                Vectors.normalizeL2(row);
            }
            out[outOffset + i] = row;
        }
    }

    private FloatBuffer borrowBuffer() {
        FloatBuffer buffer = idleBuffers.poll();
        if (buffer == null) {
            buffer = ByteBuffer.allocateDirect(options.batchSize() * sampleSize * Float.BYTES)
                    .order(ByteOrder.nativeOrder())
                    .asFloatBuffer();
        }
        return buffer;
    }

    /**
     * Every output the graph declares, in graph order: name -> shape, -1 for the batch dimension (read
     * once; the arrays are shared and must not be modified). A model exported with a classification head
     * has two: the embedding and the class probabilities.
     *
     * @throws EncoderException when ONNX Runtime cannot describe the outputs
     * @throws IllegalStateException after {@link #close()}
     */
    public Map<String, long[]> outputShapes() {
        Map<String, long[]> known = outputShapes;
        if (known != null) {
            return known;
        }
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("encoder is closed");
            }
            Map<String, long[]> shapes = new java.util.LinkedHashMap<>();
            for (var e : session.getOutputInfo().entrySet()) {
                if (e.getValue().getInfo() instanceof ai.onnxruntime.TensorInfo t) {
                    shapes.put(e.getKey(), t.getShape());
                }
            }
            outputShapes = java.util.Collections.unmodifiableMap(shapes);
            return outputShapes;
        } catch (OrtException e) {
            throw new EncoderException("cannot describe the model's outputs: " + e.getMessage(), e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /**
     * Runs {@code n} preprocessed samples ({@code batch} as for {@link #embedFloats}) and returns every
     * float output of the graph per sample: row {@code i} holds sample {@code i}'s values of each output
     * in {@link #outputShapes()} order, one after the other. Values are as the graph computes them (no
     * normalisation). Thread-safe like the other methods.
     *
     * @throws EncoderException when ONNX Runtime fails or an output is not a float tensor with n rows
     */
    public float[][] runAllOutputs(float[] batch, int n) {
        Objects.requireNonNull(batch, "batch");
        if (n < 0 || (long) n * sampleSize != batch.length) {
            throw new IllegalArgumentException(
                    "batch holds " + batch.length + " floats but " + n + " samples need " + (long) n * sampleSize);
        }
        Set<String> names = outputShapes().keySet();
        float[][] out = new float[n][];
        for (int start = 0; start < n; start += options.batchSize()) {
            int count = Math.min(options.batchSize(), n - start);
            lifecycle.readLock().lock();
            FloatBuffer buffer = null;
            try {
                if (closed) {
                    throw new IllegalStateException("encoder is closed");
                }
                buffer = borrowBuffer();
                buffer.clear();
                buffer.put(batch, start * sampleSize, count * sampleSize);
                buffer.flip();
                long[] shape = {count, contract.channels(), contract.height(), contract.width()};
                try (OnnxTensor input = OnnxTensor.createTensor(env, buffer, shape);
                        OrtSession.Result result = session.run(Map.of(contract.inputName(), input), names)) {
                    float[][] parts = new float[names.size()][];
                    int width = 0;
                    int k = 0;
                    for (String name : names) {
                        OnnxValue value = result.get(name)
                                .orElseThrow(() -> new EncoderException("model produced no output " + name));
                        if (!(value instanceof OnnxTensor tensor)
                                || tensor.getInfo().getShape().length < 1
                                || tensor.getInfo().getShape()[0] != count) {
                            throw new EncoderException("output " + name + " is not a float tensor with " + count
                                    + " rows: " + value.getInfo());
                        }
                        FloatBuffer values = tensor.getFloatBuffer();
                        parts[k] = new float[values.remaining()];
                        values.get(parts[k]);
                        width += parts[k++].length / count;
                    }
                    for (int i = 0; i < count; i++) {
                        float[] row = new float[width];
                        int at = 0;
                        for (float[] part : parts) {
                            int w = part.length / count;
                            System.arraycopy(part, i * w, row, at, w);
                            at += w;
                        }
                        out[start + i] = row;
                    }
                }
            } catch (OrtException e) {
                throw new EncoderException("inference failed on a batch of " + count + ": " + e.getMessage(), e);
            } finally {
                if (buffer != null) {
                    idleBuffers.add(buffer);
                }
                lifecycle.readLock().unlock();
            }
        }
        return out;
    }

    /** The preprocessor that matches this model's contract (shared, stateless). */
    Preprocessor preprocessor() {
        return preprocessor;
    }

    /** Floats in one preprocessed sample: channels × height × width. */
    int sampleSize() {
        return sampleSize;
    }

    /**
     * Releases the ONNX Runtime session after in-flight batches finish. Idempotent.
     *
     * @throws EncoderException when ONNX Runtime fails to release the session
     */
    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            idleBuffers.clear();
            session.close();
        } catch (OrtException e) {
            throw new EncoderException("failed to close the ONNX Runtime session: " + e.getMessage(), e);
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "Encoder[" + contract.architecture() + ", " + contract.channels() + "x" + contract.height() + "x"
                + contract.width() + " -> " + contract.embeddingDim() + ", " + device + "]";
    }
}
