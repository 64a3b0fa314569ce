package io.byol4j.sdkbench;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.Batchifier;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.byol4j.sdk.encoder.Encoder;
import io.byol4j.sdk.image.DecodedImage;
import io.byol4j.sdk.image.Preprocessor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
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

/**
 * Inference on one batch of 64 pre-decoded 32×32 images, three ways on the same ONNX model: the SDK's
 * {@link Encoder}, ONNX Runtime called directly with a preallocated input tensor (the floor any Java
 * wrapper can reach), and DJL's Predictor on its OnnxRuntime engine. Scores are images per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class InferenceBench {

    /** Inputs shared by every variant: the images and their preprocessed NCHW floats. */
    @State(Scope.Benchmark)
    public static class Inputs {
        List<DecodedImage> images;
        float[] batch;

        @Setup(Level.Trial)
        public void setUp() {
            images = BenchData.images(BenchModel.BATCH, BenchModel.SIZE, 11);
        }

        /** Preprocesses the images with the model's contract into one NCHW batch. */
        float[] batchFor(Preprocessor preprocessor) {
            if (batch == null) {
                int n = preprocessor.inputSize();
                batch = new float[images.size() * n];
                for (int i = 0; i < images.size(); i++) {
                    preprocessor.apply(images.get(i), batch, i * n);
                }
            }
            return batch;
        }
    }

    /** The SDK encoder with its default options (CPU, ONNX Runtime's thread count, batch 64). */
    @State(Scope.Benchmark)
    public static class SdkEncoder {
        @Param("")
        public String model;

        Encoder encoder;
        float[] batch;

        @Setup(Level.Trial)
        public void setUp(Inputs inputs) throws IOException {
            encoder = Encoder.open(BenchModel.resolve(model));
            batch = inputs.batchFor(new Preprocessor(encoder.contract()));
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            encoder.close();
        }
    }

    /** A plain ONNX Runtime session with a direct input buffer and tensor created once. */
    @State(Scope.Benchmark)
    public static class RawSession {
        @Param("")
        public String model;

        OrtSession session;
        OnnxTensor input;
        String inputName;
        Set<String> outputs;
        float[] sink;

        @Setup(Level.Trial)
        public void setUp(Inputs inputs) throws IOException, OrtException {
            Path path = BenchModel.resolve(model);
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                session = env.createSession(path.toString(), options);
            }
            try (Encoder encoder = Encoder.open(path)) {
                float[] batch = inputs.batchFor(new Preprocessor(encoder.contract()));
                FloatBuffer buffer = ByteBuffer.allocateDirect(batch.length * Float.BYTES)
                        .order(ByteOrder.nativeOrder())
                        .asFloatBuffer();
                buffer.put(batch).flip();
                long[] shape = {
                    BenchModel.BATCH,
                    encoder.contract().channels(),
                    encoder.contract().height(),
                    encoder.contract().width()
                };
                input = OnnxTensor.createTensor(env, buffer, shape);
                inputName = encoder.contract().inputName();
                outputs = Set.of(encoder.contract().outputName());
                sink = new float[BenchModel.BATCH * encoder.embeddingDim()];
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws OrtException {
            input.close();
            session.close();
        }
    }

    /** DJL's Predictor on the OnnxRuntime engine with a float[] in, float[] out translator. */
    @State(Scope.Benchmark)
    public static class DjlOnnxRuntime {
        @Param("")
        public String model;

        ZooModel<float[], float[]> zooModel;
        Predictor<float[], float[]> predictor;
        float[] batch;

        @Setup(Level.Trial)
        public void setUp(Inputs inputs) throws IOException, ModelNotFoundException, MalformedModelException {
            Path path = BenchModel.resolve(model);
            // DJL's engine creates the process-wide ONNX Runtime environment with its own threading
            // options, which fails once any other code has created it: start the engine first.
            Engine.getEngine("OnnxRuntime");
            Shape shape;
            try (Encoder encoder = Encoder.open(path)) {
                batch = inputs.batchFor(new Preprocessor(encoder.contract()));
                shape = new Shape(
                        BenchModel.BATCH,
                        encoder.contract().channels(),
                        encoder.contract().height(),
                        encoder.contract().width());
            }
            Criteria<float[], float[]> criteria = Criteria.builder()
                    .setTypes(float[].class, float[].class)
                    .optModelPath(path)
                    .optEngine("OnnxRuntime")
                    .optTranslator(new NchwTranslator(shape))
                    .build();
            zooModel = criteria.loadModel();
            predictor = zooModel.newPredictor();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            predictor.close();
            zooModel.close();
        }
    }

    /** Wraps a ready NCHW batch as the model input and returns the embeddings as one flat array. */
    static final class NchwTranslator implements Translator<float[], float[]> {
        private final Shape shape;

        NchwTranslator(Shape shape) {
            this.shape = shape;
        }

        @Override
        public NDList processInput(TranslatorContext ctx, float[] input) {
            return new NDList(ctx.getNDManager().create(input, shape));
        }

        @Override
        public float[] processOutput(TranslatorContext ctx, NDList list) {
            return list.get(0).toFloatArray();
        }

        @Override
        public Batchifier getBatchifier() {
            return null; // the input already carries its batch dimension
        }
    }

    @Benchmark
    @OperationsPerInvocation(BenchModel.BATCH)
    public float[] rawOrtSession(RawSession s) throws OrtException {
        try (OrtSession.Result result = s.session.run(Map.of(s.inputName, s.input), s.outputs)) {
            ((OnnxTensor) result.get(0)).getFloatBuffer().get(s.sink);
        }
        return s.sink;
    }

    @Benchmark
    @OperationsPerInvocation(BenchModel.BATCH)
    public float[][] encoderEmbedFloats(SdkEncoder s) {
        return s.encoder.embedFloats(s.batch, BenchModel.BATCH);
    }

    @Benchmark
    @OperationsPerInvocation(BenchModel.BATCH)
    public float[][] encoderEmbedImages(SdkEncoder s, Inputs inputs) {
        return s.encoder.embed(inputs.images);
    }

    @Benchmark
    @OperationsPerInvocation(BenchModel.BATCH)
    public float[] djlPredictor(DjlOnnxRuntime s) throws TranslateException {
        return s.predictor.predict(s.batch);
    }
}
