package io.byol4j.exporter;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import io.byol4j.exporter.graph.OnnxGraphBuilder;
import io.byol4j.exporter.head.LinearHead;
import io.byol4j.sdk.data.Dataset;
import io.byol4j.sdk.image.ImageDecodeException;
import io.byol4j.sdk.image.Preprocessor;
import io.byol4j.sdk.internal.OrtEnvironments;
import io.byol4j.sdk.model.ModelContract;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the exported model in ONNX Runtime (full graph optimisation) and the DJL encoder in inference
 * mode on the same inputs, and measures how far their outputs are apart, separately for each output
 * (embedding, and class probabilities when a head is fused) and each kind of input.
 */
final class ParityCheck {

    private static final Logger LOG = LoggerFactory.getLogger(ParityCheck.class);

    private final Block encoder;
    private final ModelContract contract;
    private final ExportOptions options;
    private final LinearHead head;

    ParityCheck(Block encoder, ModelContract contract, ExportOptions options) {
        this.encoder = encoder;
        this.contract = contract;
        this.options = options;
        this.head = options.head();
    }

    /** The differences on random inputs and (when a dataset is given) on real images. */
    Result run(Path model) throws OrtException, ExportException {
        OrtEnvironment env = OrtEnvironments.get();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setOptimizationLevel(OptLevel.ALL_OPT);
            // DJL and ONNX Runtime take turns on the same cores; idle ORT workers must not spin.
            so.addConfigEntry("session.intra_op.allow_spinning", "0");
            try (OrtSession session = env.createSession(model.toString(), so);
                    NDManager manager = newManager()) {
                Comparison cmp = new Comparison(env, session, manager, new ParameterStore(manager, false));
                Tally random = randomInputs(cmp);
                Tally real = options.parityDataset() == null ? null : datasetImages(cmp, options.parityDataset());
                return new Result(
                        random.embedding(),
                        real == null ? null : real.embedding(),
                        random.probabilities(),
                        real == null ? null : real.probabilities());
            }
        }
    }

    private Tally randomInputs(Comparison cmp) throws OrtException {
        Random rng = new Random(options.seed());
        Tally acc = new Tally();
        int perImage = inputSize();
        for (int done = 0; done < options.randomInputs(); ) {
            int n = Math.min(options.parityBatchSize(), options.randomInputs() - done);
            float[] x = new float[n * perImage];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rng.nextGaussian();
            }
            cmp.compare(x, n, acc);
            done += n;
        }
        return acc;
    }

    private Tally datasetImages(Comparison cmp, Dataset dataset) throws OrtException, ExportException {
        Preprocessor preprocessor = new Preprocessor(contract);
        Tally acc = new Tally();
        int perImage = inputSize();
        int batch = options.parityBatchSize();
        float[] x = new float[batch * perImage];
        int filled = 0;
        int used = 0;
        for (int i = 0; i < dataset.size() && used < options.maxParityImages(); i++) {
            try {
                preprocessor.apply(dataset.get(i).image(), x, filled * perImage);
            } catch (ImageDecodeException e) {
                LOG.warn("parity check skips image {} of {}: {}", i, dataset.describe(), e.getMessage());
                continue;
            }
            filled++;
            used++;
            if (filled == batch) {
                cmp.compare(x, filled, acc);
                filled = 0;
            }
        }
        if (filled > 0) {
            float[] rest = new float[filled * perImage];
            System.arraycopy(x, 0, rest, 0, rest.length);
            cmp.compare(rest, filled, acc);
        }
        if (used == 0 && options.maxParityImages() > 0) {
            throw new ExportException("the parity dataset " + dataset.describe() + " yielded no decodable image");
        }
        return acc;
    }

    private int inputSize() {
        return contract.channels() * contract.height() * contract.width();
    }

    private NDManager newManager() {
        for (Parameter p : encoder.getParameters().values()) {
            if (p.isInitialized() && p.getArray() != null) {
                return p.getArray().getManager().newSubManager();
            }
        }
        return NDManager.newBaseManager();
    }

    /** One model pair and the inputs it compares. */
    private final class Comparison {
        private final OrtEnvironment env;
        private final OrtSession session;
        private final NDManager manager;
        private final ParameterStore parameters;

        Comparison(OrtEnvironment env, OrtSession session, NDManager manager, ParameterStore parameters) {
            this.env = env;
            this.session = session;
            this.manager = manager;
            this.parameters = parameters;
        }

        void compare(float[] x, int n, Tally acc) throws OrtException {
            long[] shape = {n, contract.channels(), contract.height(), contract.width()};
            float[] expected;
            try (NDManager scope = manager.newSubManager()) {
                NDArray input = scope.create(x, new Shape(shape));
                expected = encoder.forward(parameters, new NDList(input), false)
                        .singletonOrThrow()
                        .toFloatArray();
            }
            try (OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape);
                    OrtSession.Result result = session.run(Map.of(OnnxGraphBuilder.INPUT, tensor))) {
                acc.embedding.add(expected, floats(result, OnnxGraphBuilder.EMBEDDING));
                if (head != null) {
                    acc.probabilities.add(
                            expectedProbabilities(expected, n), floats(result, OnnxGraphBuilder.PROBABILITIES));
                }
            }
            acc.samples += n;
        }

        private float[] expectedProbabilities(float[] embeddings, int n) {
            int dim = embeddings.length / n;
            float[] out = new float[n * head.classes()];
            float[] row = new float[dim];
            for (int i = 0; i < n; i++) {
                System.arraycopy(embeddings, i * dim, row, 0, dim);
                double[] p = head.probabilities(row);
                for (int k = 0; k < p.length; k++) {
                    out[i * p.length + k] = (float) p[k];
                }
            }
            return out;
        }

        private float[] floats(OrtSession.Result result, String name) {
            OnnxTensor t = (OnnxTensor) result.get(name)
                    .orElseThrow(() -> new IllegalStateException("the exported model has no output " + name));
            FloatBuffer buf = t.getFloatBuffer();
            float[] out = new float[buf.remaining()];
            buf.get(out);
            return out;
        }
    }

    /** The differences of each output on one kind of input. */
    private final class Tally {
        private final Accumulator embedding = new Accumulator();
        private final Accumulator probabilities = new Accumulator();
        private int samples;

        ParityStats embedding() {
            return embedding.stats(samples);
        }

        /** Null without a fused head. */
        ParityStats probabilities() {
            return head == null ? null : probabilities.stats(samples);
        }
    }

    /** Running max and mean of absolute differences, and the largest reference value. */
    private static final class Accumulator {
        private double max;
        private double reference;
        private double sum;
        private long count;

        void add(float[] expected, float[] actual) {
            if (expected.length != actual.length) {
                throw new IllegalStateException(
                        "DJL produced " + expected.length + " values, ONNX Runtime " + actual.length);
            }
            for (int i = 0; i < expected.length; i++) {
                double d = Math.abs((double) expected[i] - actual[i]);
                if (Double.isNaN(d)) {
                    d = Double.POSITIVE_INFINITY;
                }
                max = Math.max(max, d);
                reference = Math.max(reference, Math.abs(expected[i]));
                sum += d;
            }
            count += expected.length;
        }

        ParityStats stats(int samples) {
            return new ParityStats(samples, max, count == 0 ? 0 : sum / count, reference);
        }
    }

    /**
     * Embedding differences on random inputs and on dataset images (null without a dataset), and the
     * same for class probabilities (null without a fused head).
     */
    record Result(
            ParityStats random, ParityStats real, ParityStats randomProbabilities, ParityStats realProbabilities) {

        /** True when every measured output on every kind of input passes {@code tolerance}. */
        boolean acceptedBy(ParityTolerance tolerance) {
            return Stream.of(random, real, randomProbabilities, realProbabilities)
                    .filter(Objects::nonNull)
                    .allMatch(tolerance::accepts);
        }
    }
}
