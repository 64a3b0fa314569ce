package io.byol4j.trainer.network;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.util.Pair;
import io.byol4j.trainer.model.EncoderSpec;
import io.byol4j.trainer.model.Encoders;
import io.byol4j.trainer.optim.TrainableParameter;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * An encoder with a linear classifier on its embedding, {@code logits = W · encoder(x) + b}: the network that
 * fine-tuning trains. The encoder either comes from a BYOL checkpoint or is freshly initialised (He-normal, as
 * BYOL's own networks); with a frozen encoder only the classifier takes gradients and the encoder always
 * runs in inference mode (BatchNorm running statistics), which is the linear-evaluation protocol.
 *
 * <p>Owns its parameters (one {@link NDManager}); close it to release them. Not thread-safe.
 */
public final class ClassifierNetwork implements AutoCloseable {

    private final NDManager manager;
    private final EncoderSpec spec;
    private final Block encoder;
    private final Linear head;
    private final int classes;
    private final boolean frozenEncoder;
    private final ParameterStore store;

    private ClassifierNetwork(NDManager manager, EncoderSpec spec, Block encoder, int classes, boolean frozenEncoder) {
        this.manager = manager;
        this.spec = spec;
        this.encoder = encoder;
        this.classes = classes;
        this.frozenEncoder = frozenEncoder;
        this.head = Linear.builder().setUnits(classes).build();
        this.store = new ParameterStore(manager, false);
    }

    /**
     * Builds the network on {@code device}.
     *
     * @param encoderWeights writes the encoder's weights (as a BYOL checkpoint's online encoder: DJL block
     *     parameters) into the given stream position, or null for a seeded random initialisation
     * @param seed seeds the engine's generator before any random initialisation (classifier and, without
     *     weights, encoder)
     * @throws MalformedModelException if {@code encoderWeights} do not fit {@code spec}
     */
    public static ClassifierNetwork create(
            EncoderSpec spec,
            int imageSize,
            int classes,
            boolean frozenEncoder,
            DataInputStream encoderWeights,
            long seed,
            Device device)
            throws IOException, MalformedModelException {
        if (classes < 2) {
            throw new IllegalArgumentException("a classifier needs at least 2 classes, got " + classes);
        }
        NDManager manager = NDManager.newBaseManager(device);
        ClassifierNetwork net = new ClassifierNetwork(manager, spec, Encoders.build(spec), classes, frozenEncoder);
        try {
            Engine.getInstance().setRandomSeed((int) seed);
            XavierInitializer he =
                    new XavierInitializer(XavierInitializer.RandomType.GAUSSIAN, XavierInitializer.FactorType.OUT, 2);
            net.encoder.setInitializer(he, Parameter.Type.WEIGHT);
            net.encoder.initialize(manager, DataType.FLOAT32, new Shape(2, spec.inputChannels(), imageSize, imageSize));
            net.head.initialize(manager, DataType.FLOAT32, new Shape(2, spec.embeddingDim()));
            if (encoderWeights != null) {
                ParameterLoading.load(net.encoder, manager, encoderWeights, "encoder");
            }
            net.attachGradients();
            return net;
        } catch (IOException | MalformedModelException | RuntimeException e) {
            net.close();
            throw e;
        }
    }

    private void attachGradients() {
        if (frozenEncoder) {
            encoder.freezeParameters(true);
        }
        for (Block block : List.of(encoder, (Block) head)) {
            for (Pair<String, Parameter> p : block.getParameters()) {
                if (p.getValue().requiresGradient()) {
                    p.getValue().getArray().setRequiresGradient(true);
                }
            }
        }
    }

    /** Class scores before the softmax: (N, C, H, W) → (N, classes); training mode runs BatchNorm on the batch. */
    public NDArray logits(NDArray images, boolean training) {
        NDArray embedding = embedding(images, training && !frozenEncoder);
        if (frozenEncoder) {
            embedding = embedding.stopGradient();
        }
        return head.forward(store, new NDList(embedding), training).singletonOrThrow();
    }

    private NDArray embedding(NDArray images, boolean training) {
        return encoder.forward(store, new NDList(images), training).singletonOrThrow();
    }

    /** Embeddings in inference mode, without gradient. */
    public NDArray embed(NDArray images) {
        return embedding(images, false).stopGradient();
    }

    /**
     * The parameters the optimiser updates: the classifier's, and the encoder's unless it is frozen; BatchNorm
     * statistics excluded, biases and BatchNorm gamma/beta not regularised.
     */
    public List<TrainableParameter> trainableParameters() {
        List<TrainableParameter> out = new ArrayList<>();
        if (!frozenEncoder) {
            add(out, "encoder.", encoder);
        }
        add(out, "head.", head);
        return out;
    }

    private static void add(List<TrainableParameter> out, String prefix, Block block) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getValue().requiresGradient()) {
                out.add(new TrainableParameter(
                        prefix + p.getKey(), p.getValue(), !TrainableParameter.isBiasOrNorm(p.getValue())));
            }
        }
    }

    /** True when every weight and statistic is finite. */
    public boolean isFinite() {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            for (Block block : List.of(encoder, (Block) head)) {
                for (Pair<String, Parameter> p : block.getParameters()) {
                    NDArray a = p.getValue().getArray();
                    if (a.isNaN().any().getBoolean() || a.isInfinite().any().getBoolean()) {
                        return false;
                    }
                }
            }
            return true;
        }
    }

    /** The classifier's weights, one row of {@code embeddingDim} per class. */
    public float[][] headWeights() {
        NDArray w = head.getParameters().get("weight").getArray();
        float[] flat = w.toFloatArray();
        int dim = (int) w.getShape().get(1);
        float[][] rows = new float[classes][dim];
        for (int k = 0; k < classes; k++) {
            System.arraycopy(flat, k * dim, rows[k], 0, dim);
        }
        return rows;
    }

    /** The classifier's bias, one value per class. */
    public float[] headBias() {
        return head.getParameters().get("bias").getArray().toFloatArray();
    }

    /** The encoder block, (N, C, H, W) → (N, embeddingDim); its arrays belong to this network. */
    public Block encoder() {
        return encoder;
    }

    public EncoderSpec spec() {
        return spec;
    }

    public int classes() {
        return classes;
    }

    public boolean frozenEncoder() {
        return frozenEncoder;
    }

    public Device device() {
        return manager.getDevice();
    }

    public NDManager manager() {
        return manager;
    }

    /** Writes the encoder's parameters (with BatchNorm statistics) in DJL's block format. */
    public void saveEncoder(DataOutputStream out) throws IOException {
        encoder.saveParameters(out);
    }

    /** Writes the classifier's parameters in DJL's block format. */
    public void saveHead(DataOutputStream out) throws IOException {
        head.saveParameters(out);
    }

    /**
     * Replaces every parameter with ones written by {@link #saveEncoder} and {@link #saveHead}.
     *
     * @throws MalformedModelException if they belong to another architecture or class count
     */
    public void load(DataInputStream encoderIn, DataInputStream headIn) throws IOException, MalformedModelException {
        ParameterLoading.load(encoder, manager, encoderIn, "encoder");
        ParameterLoading.load(head, manager, headIn, "classifier");
        attachGradients();
    }

    @Override
    public void close() {
        manager.close();
    }
}
