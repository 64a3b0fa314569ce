package io.byol4j.sdk.encoder;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import io.byol4j.sdk.encoder.EncoderOptions.Device;
import io.byol4j.sdk.encoder.ModelRejectedException.Reason;
import io.byol4j.sdk.internal.ModelDigest;
import io.byol4j.sdk.model.ModelContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens an ONNX session for a byol4j model and checks it against its own contract. */
final class ModelLoader {

    private static final Logger LOG = LoggerFactory.getLogger(ModelLoader.class);

    /** A session that passed every check, with what was learned about it. */
    record LoadedModel(OrtSession session, ModelContract contract, Map<String, String> metadata, Device device) {}

    /** ONNX Runtime's session option that lets idle intra-op threads spin ("1", the default) or not ("0"). */
    static final String INTRA_OP_SPINNING = "session.intra_op.allow_spinning";

    private ModelLoader() {}

    /** Loads and validates {@code model}; on any failure no native resource is left open. */
    static LoadedModel load(Path model, EncoderOptions options, OrtEnvironment env, Set<OrtProvider> providers)
            throws IOException {
        byte[] bytes = readModel(model);
        OrtSession session = null;
        try (OrtSession.SessionOptions sessionOptions = new OrtSession.SessionOptions()) {
            sessionOptions.setOptimizationLevel(options.optimizationLevel().ortLevel());
            if (options.intraOpThreads() > 0) {
                sessionOptions.setIntraOpNumThreads(options.intraOpThreads());
            }
            if (!options.intraOpSpinning()) {
                sessionOptions.addConfigEntry(INTRA_OP_SPINNING, "0");
            }
            Device device = DeviceSelection.select(
                    options,
                    providers,
                    sessionOptions::addCUDA,
                    message -> LOG.warn("{}: {}", model.getFileName(), message));
            session = createSession(env, bytes, sessionOptions, model);
            Map<String, String> metadata = Map.copyOf(session.getMetadata().getCustomMetadata());
            ModelContract contract = parseContract(metadata, model);
            checkBatchFits(options, contract);
            if (options.verifyDigest()) {
                verifyDigest(bytes, metadata.get(ModelContract.KEY_DIGEST), model);
            }
            checkInput(session, contract, model);
            checkOutput(session, contract, model);
            LoadedModel loaded = new LoadedModel(session, contract, metadata, device);
            session = null;
            return loaded;
        } catch (OrtException e) {
            throw new EncoderException("ONNX Runtime failed while opening " + model + ": " + e.getMessage(), e);
        } finally {
            closeQuietly(session);
        }
    }

    private static void checkBatchFits(EncoderOptions options, ModelContract c) {
        long bytes = (long) options.batchSize() * c.channels() * c.height() * c.width() * Float.BYTES;
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("batchSize " + options.batchSize() + " is too large for " + c.channels()
                    + "x" + c.height() + "x" + c.width() + " inputs (a batch must fit in 2 GiB)");
        }
    }

    private static byte[] readModel(Path model) throws IOException {
        if (Files.isDirectory(model)) {
            throw new IOException("model " + model.toAbsolutePath() + " is a directory; give the exported .onnx file");
        }
        try {
            return Files.readAllBytes(model);
        } catch (IOException e) {
            throw readFailure(model, e);
        }
    }

    /** The exception to report when reading {@code model} failed: it names the file and the reason. */
    static IOException readFailure(Path model, IOException e) {
        if (e instanceof NoSuchFileException) {
            return new NoSuchFileException(model.toString(), null, "model file does not exist");
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return new java.nio.file.AccessDeniedException(
                    model.toString(), null, "model file is not readable (permission denied)");
        }
        String reason = e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null
                ? fse.getReason()
                : e.getMessage();
        return new IOException("cannot read model " + model.toAbsolutePath() + ": " + reason, e);
    }

    private static OrtSession createSession(OrtEnvironment env, byte[] bytes, OrtSession.SessionOptions so, Path model)
            throws ModelRejectedException {
        try {
            return env.createSession(bytes, so);
        } catch (OrtException e) {
            throw new ModelRejectedException(
                    Reason.NOT_ONNX, model + " is not a loadable ONNX model: " + e.getMessage(), e);
        }
    }

    private static ModelContract parseContract(Map<String, String> metadata, Path model) throws ModelRejectedException {
        if (!metadata.containsKey(ModelContract.KEY_FORMAT)) {
            throw new ModelRejectedException(
                    Reason.NOT_BYOL4J,
                    model + " is an ONNX model but not a byol4j export:" + " its metadata has no "
                            + ModelContract.KEY_FORMAT + " entry");
        }
        try {
            return ModelContract.fromMetadata(metadata);
        } catch (IllegalArgumentException e) {
            throw new ModelRejectedException(
                    Reason.BAD_METADATA, model + " has invalid byol4j metadata: " + e.getMessage(), e);
        }
    }

    static void verifyDigest(byte[] bytes, String declared, Path model) throws ModelRejectedException {
        if (declared == null) {
            throw new ModelRejectedException(
                    Reason.DIGEST_MISMATCH,
                    model + " declares no " + ModelContract.KEY_DIGEST
                            + "; disable digest verification to open it anyway");
        }
        if (!ModelDigest.isWellFormed(declared)) {
            throw new ModelRejectedException(
                    Reason.DIGEST_MISMATCH,
                    model + " has a malformed " + ModelContract.KEY_DIGEST + " (expected 64 hex digits): " + declared);
        }
        String stored;
        String actual;
        try {
            stored = ModelDigest.declared(bytes);
            actual = ModelDigest.compute(bytes);
        } catch (IllegalArgumentException e) {
            throw new ModelRejectedException(
                    Reason.DIGEST_MISMATCH,
                    model + ": cannot locate the declared digest in the file bytes: " + e.getMessage(),
                    e);
        }
        if (!stored.equals(declared)) {
            throw new ModelRejectedException(
                    Reason.DIGEST_MISMATCH,
                    model + ": the digest entry in the file bytes (" + stored
                            + ") differs from the one ONNX Runtime reports (" + declared + ")");
        }
        if (!actual.equalsIgnoreCase(declared)) {
            throw new ModelRejectedException(
                    Reason.DIGEST_MISMATCH,
                    model + " fails its digest check: declared " + declared + " but the file hashes to " + actual
                            + " (the file was modified or damaged)");
        }
    }

    private static void checkInput(OrtSession session, ModelContract contract, Path model)
            throws OrtException, ModelRejectedException {
        Map<String, NodeInfo> inputs = session.getInputInfo();
        TensorInfo info = floatTensor(inputs, contract.inputName(), "input", model);
        if (inputs.size() != 1) {
            throw mismatch(model, "expected exactly one graph input, found " + inputs.keySet());
        }
        long[] shape = info.getShape();
        long[] expected = {-1, contract.channels(), contract.height(), contract.width()};
        if (shape.length != 4) {
            throw mismatch(
                    model,
                    "input " + contract.inputName() + " has shape " + Arrays.toString(shape) + ", expected NCHW "
                            + describe(expected));
        }
        if (shape[0] >= 0) {
            throw mismatch(
                    model,
                    "input " + contract.inputName() + " has a fixed batch dimension of " + shape[0]
                            + "; byol4j models need a dynamic batch dimension");
        }
        if (shape[1] != expected[1] || shape[2] != expected[2] || shape[3] != expected[3]) {
            throw mismatch(
                    model,
                    "input " + contract.inputName() + " has shape " + describe(shape) + " but the contract says "
                            + describe(expected) + " (channels, height, width)");
        }
    }

    private static void checkOutput(OrtSession session, ModelContract contract, Path model)
            throws OrtException, ModelRejectedException {
        TensorInfo info = floatTensor(session.getOutputInfo(), contract.outputName(), "output", model);
        long[] shape = info.getShape();
        if (shape.length != 2 || shape[1] != contract.embeddingDim()) {
            throw mismatch(
                    model,
                    "output " + contract.outputName() + " has shape " + describe(shape) + " but the contract says [N, "
                            + contract.embeddingDim() + "]");
        }
    }

    private static TensorInfo floatTensor(Map<String, NodeInfo> nodes, String name, String role, Path model)
            throws ModelRejectedException {
        NodeInfo node = nodes.get(name);
        if (node == null) {
            throw mismatch(
                    model,
                    "the contract names " + role + " '" + name + "' but the graph's " + role + "s are "
                            + nodes.keySet());
        }
        ValueInfo value = node.getInfo();
        if (!(value instanceof TensorInfo tensor) || tensor.type != OnnxJavaType.FLOAT) {
            throw mismatch(model, role + " '" + name + "' is " + value + ", expected a float32 tensor");
        }
        return tensor;
    }

    private static ModelRejectedException mismatch(Path model, String what) {
        return new ModelRejectedException(Reason.SHAPE_MISMATCH, model + ": " + what);
    }

    private static String describe(long[] shape) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i > 0 ? ", " : "").append(shape[i] < 0 ? "N" : Long.toString(shape[i]));
        }
        return sb.append(']').toString();
    }

    private static void closeQuietly(OrtSession session) {
        if (session != null) {
            try {
                session.close();
            } catch (OrtException e) {
                LOG.debug("closing a rejected session failed", e);
            }
        }
    }
}
