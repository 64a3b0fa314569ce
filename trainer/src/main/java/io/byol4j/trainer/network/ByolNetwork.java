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
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.util.Pair;
import io.byol4j.trainer.config.TrainConfig;
import io.byol4j.trainer.loss.ByolLoss;
import io.byol4j.trainer.model.EncoderSpec;
import io.byol4j.trainer.model.Encoders;
import io.byol4j.trainer.model.Mlp;
import io.byol4j.trainer.optim.TrainableParameter;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The two BYOL networks on one device, owning their parameters (an {@link NDManager}).
 *
 * <ul>
 *   <li>online: encoder → projector → predictor; trained by the optimiser;
 *   <li>target: encoder → projector with the same structure; starts as an exact copy of the online
 *       weights and then follows them by exponential moving average ({@link #updateTarget(float)}).
 * </ul>
 *
 * <p>Stop-gradient is structural: every target parameter is frozen (no gradient is attached), so the
 * backward pass never reaches the target. Both networks run BatchNorm in training mode (batch
 * statistics) during training; the engine also updates the running statistics in place during those
 * forward passes. The target's running statistics are <em>copied</em> from the online network at every
 * {@link #updateTarget(float)} (they are never read while training, the copy keeps the target a
 * consistent network); the trainable target parameters follow the EMA rule.
 *
 * <p>Not thread-safe: drive it from one thread.
 */
public final class ByolNetwork implements AutoCloseable {

    private final NDManager manager;
    private final EncoderSpec encoderSpec;
    private final int imageSize;
    private final SequentialBlock online;
    private final SequentialBlock target;
    private final Block onlineEncoder;
    private final Block onlineProjector;
    private final Block predictor;
    private final Block targetEncoder;
    private final Block targetProjector;
    private final ParameterStore parameterStore;
    private final boolean channelsLast;
    private final List<Pair<Parameter, Parameter>> emaPairs = new ArrayList<>();
    private final List<Pair<Parameter, Parameter>> statisticPairs = new ArrayList<>();

    private ByolNetwork(TrainConfig cfg, Device device) {
        this.encoderSpec = cfg.encoder();
        this.imageSize = cfg.imageSize();
        this.manager = NDManager.newBaseManager(device);
        this.online = onlineStructure(cfg);
        this.onlineEncoder = child(online, 0);
        this.onlineProjector = child(online, 1);
        this.predictor = child(online, 2);
        this.target = new SequentialBlock()
                .add(Encoders.build(encoderSpec))
                .add(Mlp.build(cfg.heads().projectorHidden(), cfg.heads().projectionDim()));
        this.targetEncoder = child(target, 0);
        this.targetProjector = child(target, 1);
        this.parameterStore = new ParameterStore(manager, false);
        this.channelsLast = usesChannelsLast(cfg.memoryFormat(), device, encoderSpec);
    }

    /**
     * Fewest input channels of a strided 1×1 convolution that channels-last training accepts. oneDNN's
     * 1×1 backward-weights kernel for NHWC writes past its workspace when the input channels are fewer
     * than its channel block (8 with AVX2, 16 with AVX-512): heap corruption, a hang or wrong gradients
     * (oneDNN issue 6035; reproduced here with libtorch 2.7.1 for 1 to 7 channels).
     */
    static final int CHANNELS_LAST_MIN_POINTWISE_INPUT = 16;

    /**
     * Whether {@code memoryFormat} (see {@link TrainConfig#memoryFormat()}) means NHWC memory for
     * {@code spec}'s encoder on {@code device}. {@code auto} picks channels-last on CPU when the encoder is
     * wide enough for it, else NCHW.
     *
     * @throws IllegalArgumentException for {@code channels-last} with an encoder too narrow for it
     */
    static boolean usesChannelsLast(String memoryFormat, Device device, EncoderSpec spec) {
        boolean wideEnough = Encoders.narrowestStridedPointwiseInput(spec) >= CHANNELS_LAST_MIN_POINTWISE_INPUT;
        return switch (memoryFormat) {
            case "channels-last" -> {
                if (!wideEnough) {
                    throw new IllegalArgumentException("memoryFormat channels-last needs a strided 1x1 convolution"
                            + " of at least " + CHANNELS_LAST_MIN_POINTWISE_INPUT + " input channels, but "
                            + spec.displayName() + " has " + Encoders.narrowestStridedPointwiseInput(spec)
                            + " (oneDNN's NHWC 1x1 backward kernel corrupts memory below that); use a width of at"
                            + " least 16 (4 for resnet50), memoryFormat nchw, or auto");
                }
                yield true;
            }
            case "nchw" -> false;
            default -> wideEnough && Device.Type.CPU.equals(device.getDeviceType());
        };
    }

    /** encoder → projector → predictor, uninitialised. */
    private static SequentialBlock onlineStructure(TrainConfig cfg) {
        return new SequentialBlock()
                .add(Encoders.build(cfg.encoder()))
                .add(Mlp.build(cfg.heads().projectorHidden(), cfg.heads().projectionDim()))
                .add(Mlp.build(cfg.heads().predictorHidden(), cfg.heads().projectionDim()));
    }

    private static Block child(Block parent, int index) {
        return parent.getChildren().get(index).getValue();
    }

    private static Shape inputShape(TrainConfig cfg) {
        return new Shape(2, cfg.channels(), cfg.imageSize(), cfg.imageSize());
    }

    /**
     * Reads the online encoder alone from parameters written by {@link #saveOnline(DataOutputStream)} for
     * a network built from {@code cfg}. The encoder's arrays are attached to {@code manager}; projector
     * and predictor weights are read and released.
     *
     * @throws MalformedModelException if the data does not fit {@code cfg}'s architecture or is corrupt
     */
    public static Block readOnlineEncoder(TrainConfig cfg, DataInputStream in, NDManager manager)
            throws IOException, MalformedModelException {
        SequentialBlock online = onlineStructure(cfg);
        try (NDManager scratch = manager.newSubManager()) {
            online.initialize(scratch, DataType.FLOAT32, inputShape(cfg));
            ParameterLoading.load(online, manager, in, "online");
        }
        for (int i = 1; i < online.getChildren().size(); i++) {
            child(online, i).getParameters().values().forEach(Parameter::close);
        }
        return child(online, 0);
    }

    /**
     * Builds both networks on {@code device}, initialises the online parameters from {@code cfg.seed()}
     * (He-normal weights, BatchNorm gamma 1 / beta 0) and copies them into the target.
     *
     * <p>Seeds the engine's global random generator with {@code cfg.seed()}.
     */
    public static ByolNetwork create(TrainConfig cfg, Device device) {
        ByolNetwork net = new ByolNetwork(cfg, device);
        try {
            Engine.getInstance().setRandomSeed((int) cfg.seed());
            Shape input = inputShape(cfg);
            XavierInitializer he =
                    new XavierInitializer(XavierInitializer.RandomType.GAUSSIAN, XavierInitializer.FactorType.OUT, 2);
            net.online.setInitializer(he, Parameter.Type.WEIGHT);
            net.target.setInitializer(he, Parameter.Type.WEIGHT);
            net.online.initialize(net.manager, DataType.FLOAT32, input);
            net.target.initialize(net.manager, DataType.FLOAT32, input);
            net.pairParameters();
            net.target.freezeParameters(true);
            net.copyOnlineIntoTarget();
            return net;
        } catch (RuntimeException e) {
            net.close();
            throw e;
        }
    }

    private void pairParameters() {
        Map<String, Parameter> onlineByName = online.getParameters().toMap();
        for (Pair<String, Parameter> t : target.getParameters()) {
            Parameter o = onlineByName.get(t.getKey());
            if (o == null
                    || !o.getArray().getShape().equals(t.getValue().getArray().getShape())) {
                throw new IllegalStateException("online and target networks differ at " + t.getKey());
            }
            Parameter.Type type = t.getValue().getType();
            boolean statistic = type == Parameter.Type.RUNNING_MEAN || type == Parameter.Type.RUNNING_VAR;
            (statistic ? statisticPairs : emaPairs).add(new Pair<>(t.getValue(), o));
        }
    }

    private void copyOnlineIntoTarget() {
        for (List<Pair<Parameter, Parameter>> pairs : List.of(emaPairs, statisticPairs)) {
            for (Pair<Parameter, Parameter> p : pairs) {
                p.getValue().getArray().copyTo(p.getKey().getArray());
            }
        }
    }

    /** The device holding the parameters. */
    public Device device() {
        return manager.getDevice();
    }

    /** The manager owning every parameter; closed by {@link #close()}. */
    public NDManager manager() {
        return manager;
    }

    /** The encoder spec both networks were built from. */
    public EncoderSpec encoderSpec() {
        return encoderSpec;
    }

    /** Side of the square inputs the network was initialised for. */
    public int imageSize() {
        return imageSize;
    }

    /** The online encoder (the representation that gets exported): (N, C, H, W) → (N, embeddingDim). */
    public Block onlineEncoder() {
        return onlineEncoder;
    }

    /** The whole online network: encoder, projector, predictor (children in that order). */
    public Block online() {
        return online;
    }

    /** The whole target network: encoder, projector (children in that order). */
    public Block target() {
        return target;
    }

    /**
     * The online parameters the optimiser updates: every online parameter that takes a gradient (BatchNorm
     * running statistics excluded), in a stable order with stable names.
     *
     * @param excludeBiasAndNorm mark biases and BatchNorm gamma/beta as not regularised
     */
    public List<TrainableParameter> trainableParameters(boolean excludeBiasAndNorm) {
        List<TrainableParameter> out = new ArrayList<>();
        for (Pair<String, Parameter> p : online.getParameters()) {
            if (p.getValue().requiresGradient()) {
                boolean regularized = !(excludeBiasAndNorm && TrainableParameter.isBiasOrNorm(p.getValue()));
                out.add(new TrainableParameter("online." + p.getKey(), p.getValue(), regularized));
            }
        }
        return out;
    }

    /**
     * Runs both views through both networks in training mode and returns the BYOL loss. Call it inside a
     * gradient collector to train; results live in the manager of {@code view1}.
     *
     * @param view1 (N, C, H, W) first augmented views
     * @param view2 (N, C, H, W) second augmented views of the same images
     */
    public StepOutputs forward(NDArray view1, NDArray view2) {
        // Each stage releases its intermediate arrays as soon as it ends (the autograd graph keeps what
        // backward needs), so a step holds about the memory an eager PyTorch step holds instead of every
        // activation until the step ends: less native memory and fewer fresh pages to fault in.
        NDArray v1 = inTrainingLayout(view1);
        NDArray v2 = inTrainingLayout(view2);
        NDArray z1 = keepingOnlyResult(() -> targetProjection(v1));
        NDArray z2 = keepingOnlyResult(() -> targetProjection(v2));
        NDArray y1 = keepingOnlyResult(() -> onlineProjection(v1));
        NDArray y2 = keepingOnlyResult(() -> onlineProjection(v2));
        NDArray p1 = keepingOnlyResult(() -> run(predictor, y1, true));
        NDArray p2 = keepingOnlyResult(() -> run(predictor, y2, true));
        return new StepOutputs(keepingOnlyResult(() -> ByolLoss.compute(p1, p2, z1, z2)), y1);
    }

    /** True when training forwards run on channels-last (NHWC) memory; see {@link TrainConfig#memoryFormat()}. */
    public boolean channelsLast() {
        return channelsLast;
    }

    /**
     * The views as the training forward consumes them: unchanged for NCHW; for channels-last, the same
     * (N, C, H, W) array copied into NHWC memory (a permuted view of an NHWC copy). libtorch's convolutions
     * and batch norms keep that layout from layer to layer.
     */
    private NDArray inTrainingLayout(NDArray views) {
        if (!channelsLast) {
            return views;
        }
        Shape s = views.getShape();
        return views.transpose(0, 2, 3, 1)
                .reshape(-1)
                .reshape(s.get(0), s.get(2), s.get(3), s.get(1))
                .transpose(0, 3, 1, 2);
    }

    /**
     * Runs {@code stage} in its own {@link NDScope}: every array it creates is closed when it returns,
     * except its result, which joins the enclosing scope (if any) and stays with its manager.
     */
    private static NDArray keepingOnlyResult(Supplier<NDArray> stage) {
        NDArray result;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            result = stage.get();
            NDScope.unregister(result);
        }
        NDScope.register(result);
        return result;
    }

    /** Online projector output in training mode (batch statistics). */
    NDArray onlineProjection(NDArray views) {
        return run(onlineProjector, run(onlineEncoder, views, true), true);
    }

    /** Target projector output in training mode, detached from any graph. */
    NDArray targetProjection(NDArray views) {
        return run(targetProjector, run(targetEncoder, views, true), true).stopGradient();
    }

    /** Online-encoder embeddings in inference mode (BatchNorm running statistics), no gradient. */
    public NDArray embed(NDArray images) {
        return run(onlineEncoder, images, false).stopGradient();
    }

    private NDArray run(Block block, NDArray x, boolean training) {
        return block.forward(parameterStore, new NDList(x), training).singletonOrThrow();
    }

    /**
     * Moves the target towards the online network: {@code xi ← tau·xi + (1 − tau)·theta} for every
     * trainable target parameter; BatchNorm running statistics are copied from the online network.
     *
     * @param tau in [0, 1]
     */
    public void updateTarget(float tau) {
        if (!(tau >= 0f && tau <= 1f)) {
            throw new IllegalArgumentException("tau must be in [0, 1], got " + tau);
        }
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            for (Pair<Parameter, Parameter> p : emaPairs) {
                p.getKey().getArray().muli(tau).addi(p.getValue().getArray().mul(1f - tau));
            }
            for (Pair<Parameter, Parameter> p : statisticPairs) {
                p.getKey().getArray().muli(0f).addi(p.getValue().getArray());
            }
        }
    }

    /** True when every online and target value (weights and BatchNorm statistics) is finite. */
    public boolean isFinite() {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            for (Block block : List.of(online, target)) {
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

    /** Writes the online parameters (with BatchNorm statistics) in DJL's block parameter format. */
    public void saveOnline(DataOutputStream out) throws IOException {
        online.saveParameters(out);
    }

    /** Writes the target parameters (with BatchNorm statistics) in DJL's block parameter format. */
    public void saveTarget(DataOutputStream out) throws IOException {
        target.saveParameters(out);
    }

    /**
     * Replaces the online parameters with ones written by {@link #saveOnline(DataOutputStream)}.
     *
     * @throws MalformedModelException if the data belongs to another architecture or is corrupt; the
     *     network must then be discarded
     */
    public void loadOnline(DataInputStream in) throws IOException, MalformedModelException {
        ParameterLoading.load(online, manager, in, "online");
        for (Pair<String, Parameter> p : online.getParameters()) {
            if (p.getValue().requiresGradient()) {
                p.getValue().getArray().setRequiresGradient(true);
            }
        }
    }

    /** Replaces the target parameters with ones written by {@link #saveTarget(DataOutputStream)}. */
    public void loadTarget(DataInputStream in) throws IOException, MalformedModelException {
        ParameterLoading.load(target, manager, in, "target");
        target.freezeParameters(true);
    }

    /** Releases every parameter. */
    @Override
    public void close() {
        manager.close();
    }
}
