package io.byol4j.exporter.testing;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Runs models in ONNX Runtime and blocks in DJL on the same float input, for comparisons in tests. */
public final class OrtRunner {

    private OrtRunner() {}

    /** Every output of {@code model} (serialised) for input {@code "input"} = {@code x} of {@code shape}. */
    public static Map<String, float[]> run(byte[] model, float[] x, long[] shape, OptLevel level) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setOptimizationLevel(level);
            try (OrtSession session = env.createSession(model, so)) {
                return outputs(env, session, x, shape);
            }
        }
    }

    /**
     * Opens {@code model} with every graph optimisation, has ONNX Runtime write the optimised graph to
     * {@code optimised}, and returns every output for {@code x} of {@code shape}.
     */
    public static Map<String, float[]> runOptimisedAndSave(Path model, Path optimised, float[] x, long[] shape)
            throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setOptimizationLevel(OptLevel.ALL_OPT);
            so.setOptimizedModelFilePath(optimised.toString());
            // ONNX Runtime warns that NCHWc-optimised files are specific to this machine; expected here.
            so.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            try (OrtSession session = env.createSession(model.toString(), so)) {
                return outputs(env, session, x, shape);
            }
        }
    }

    private static Map<String, float[]> outputs(OrtEnvironment env, OrtSession session, float[] x, long[] shape)
            throws OrtException {
        try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape);
                OrtSession.Result result = session.run(Map.of("input", input))) {
            Map<String, float[]> out = new LinkedHashMap<>();
            for (Map.Entry<String, OnnxValue> e : result) {
                FloatBuffer buf = ((OnnxTensor) e.getValue()).getFloatBuffer();
                float[] values = new float[buf.remaining()];
                buf.get(values);
                out.put(e.getKey(), values);
            }
            return out;
        }
    }

    /** {@code block}'s inference-mode output for {@code x} of {@code shape}. */
    public static float[] djl(Block block, NDManager manager, float[] x, long[] shape) {
        try (NDManager scope = manager.newSubManager()) {
            return block.forward(new ParameterStore(scope, false), new NDList(scope.create(x, new Shape(shape))), false)
                    .singletonOrThrow()
                    .toFloatArray();
        }
    }

    /** Largest absolute element-wise difference. */
    public static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
        }
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs((double) a[i] - b[i]);
            max = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(max, d);
        }
        return max;
    }

    /** Largest absolute value. */
    public static double maxAbs(float[] a) {
        double max = 0;
        for (float v : a) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }
}
