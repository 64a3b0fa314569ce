package io.byol4j.trainer.network;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.byol4j.trainer.config.TrainConfig;
import io.byol4j.trainer.model.EncoderSpec;
import io.byol4j.trainer.optim.Optimizer;
import io.byol4j.trainer.optim.TrainableParameter;
import io.byol4j.trainer.testing.SingleThreadedTorch;
import io.byol4j.trainer.testing.TinyConfigs;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SingleThreadedTorch.class)
class ByolNetworkTest {

    private final TrainConfig cfg = TinyConfigs.tiny(Path.of("unused"));

    @Test
    void targetStartsAsAnExactCopyOfTheOnlineNetwork() {
        try (ByolNetwork net = ByolNetwork.create(cfg, Device.cpu())) {
            Map<String, Parameter> online = net.online().getParameters().toMap();
            int compared = 0;
            for (Pair<String, Parameter> t : net.target().getParameters()) {
                assertArrayEquals(
                        online.get(t.getKey()).getArray().toFloatArray(),
                        t.getValue().getArray().toFloatArray(),
                        t.getKey());
                compared++;
            }
            assertTrue(compared > 20);
            assertEquals(net.online().getParameters().size(), compared + 8, "the predictor adds 8 parameters");
        }
    }

    @Test
    void sameSeedGivesSameInitialisation() {
        try (ByolNetwork a = ByolNetwork.create(cfg, Device.cpu());
                ByolNetwork b = ByolNetwork.create(cfg, Device.cpu())) {
            assertArrayEquals(
                    a.online().getParameters().get(0).getValue().getArray().toFloatArray(),
                    b.online().getParameters().get(0).getValue().getArray().toFloatArray());
        }
    }

    @Test
    void batchNormUpdatesRunningStatisticsInPlaceDuringTrainingForward() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            BatchNorm bn =
                    BatchNorm.builder().optMomentum(0.9f).optEpsilon(1e-5f).build();
            bn.initialize(m, DataType.FLOAT32, new Shape(4, 2));
            NDArray runningMean = bn.getParameters().get("runningMean").getArray();
            NDArray runningVar = bn.getParameters().get("runningVar").getArray();
            NDArray x = m.create(new float[] {1, 10, 2, 20, 3, 30, 6, 40}, new Shape(4, 2));
            NDArray y = bn.forward(new ParameterStore(m, false), new NDList(x), true)
                    .singletonOrThrow();
            // batch statistics are used: every column of the output has mean 0
            assertArrayEquals(new float[] {0, 0}, y.mean(new int[] {0}).toFloatArray(), 1e-5f);
            // running = 0.9 * running + 0.1 * batch (unbiased variance), updated in the same array
            assertArrayEquals(new float[] {0.1f * 3f, 0.1f * 25f}, runningMean.toFloatArray(), 1e-5f);
            float var0 = (4 + 1 + 0 + 9) / 3f;
            float var1 = (225 + 25 + 25 + 225) / 3f;
            assertArrayEquals(new float[] {0.9f + 0.1f * var0, 0.9f + 0.1f * var1}, runningVar.toFloatArray(), 1e-4f);
            // inference mode reads the running statistics and leaves them alone
            bn.forward(new ParameterStore(m, false), new NDList(x), false);
            assertArrayEquals(new float[] {0.3f, 2.5f}, runningMean.toFloatArray(), 1e-5f);
        }
    }

    @Test
    void memoryFormatResolvesPerDeviceAndEncoderWidth() {
        EncoderSpec w16 = new EncoderSpec("resnet18", 16, true, 3);
        EncoderSpec w8 = new EncoderSpec("resnet18", 8, true, 3);
        EncoderSpec bottleneckW4 = new EncoderSpec("resnet50", 4, false, 3);
        Device gpu = Device.of("gpu", 0);
        assertTrue(ByolNetwork.usesChannelsLast("auto", Device.cpu(), w16));
        assertTrue(ByolNetwork.usesChannelsLast("auto", Device.cpu(), bottleneckW4), "16 channels into the shortcut");
        assertFalse(ByolNetwork.usesChannelsLast("auto", gpu, w16));
        assertFalse(ByolNetwork.usesChannelsLast("auto", Device.cpu(), w8), "too narrow: falls back to nchw");
        assertTrue(ByolNetwork.usesChannelsLast("channels-last", gpu, w16));
        assertFalse(ByolNetwork.usesChannelsLast("nchw", Device.cpu(), w16));
        IllegalArgumentException narrow = assertThrows(
                IllegalArgumentException.class, () -> ByolNetwork.usesChannelsLast("channels-last", Device.cpu(), w8));
        assertTrue(
                narrow.getMessage().contains("resnet18") && narrow.getMessage().contains("has 8"), narrow.getMessage());
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> cfg.withOverrides(Map.of("memoryFormat", "nhwc")));
        assertTrue(e.getMessage().contains("memoryFormat must be one of [auto, channels-last, nchw]"), e.getMessage());
    }

    /** The layout changes speed only: loss, every gradient and the BatchNorm statistics agree. */
    @Test
    void channelsLastComputesWhatNchwComputes() {
        // width 16: the narrowest width channels-last accepts
        TrainConfig nchw = cfg.withOverrides(Map.of("memoryFormat", "nchw", "encoder.width", "16"));
        TrainConfig nhwc = cfg.withOverrides(Map.of("memoryFormat", "channels-last", "encoder.width", "16"));
        try (ByolNetwork a = ByolNetwork.create(nchw, Device.cpu());
                ByolNetwork b = ByolNetwork.create(nhwc, Device.cpu());
                NDManager m = NDManager.newBaseManager(Device.cpu())) {
            assertFalse(a.channelsLast());
            assertTrue(b.channelsLast());
            NDArray v1 = m.randomNormal(new Shape(8, 3, 16, 16));
            NDArray v2 = m.randomNormal(new Shape(8, 3, 16, 16));
            float lossA = lossAndBackward(a, v1, v2);
            float lossB = lossAndBackward(b, v1, v2);
            assertEquals(lossA, lossB, 1e-5f);
            List<TrainableParameter> pa = a.trainableParameters(true);
            List<TrainableParameter> pb = b.trainableParameters(true);
            // Tolerance relative to the largest gradient: some are pure rounding noise (a Linear bias
            // followed by BatchNorm has a zero gradient in exact arithmetic).
            float scale = 0;
            for (TrainableParameter p : pa) {
                scale = Math.max(scale, p.array().getGradient().abs().max().getFloat());
            }
            assertTrue(scale > 0);
            for (int i = 0; i < pa.size(); i++) {
                assertArrayEquals(
                        pa.get(i).array().getGradient().toFloatArray(),
                        pb.get(i).array().getGradient().toFloatArray(),
                        1e-4f * scale,
                        pa.get(i).name());
            }
            List<float[]> statsA = values(a.online().getParameters());
            List<float[]> statsB = values(b.online().getParameters());
            for (int i = 0; i < statsA.size(); i++) {
                assertArrayEquals(statsA.get(i), statsB.get(i), 1e-5f);
            }
        }
    }

    private static float lossAndBackward(ByolNetwork net, NDArray v1, NDArray v2) {
        try (NDManager step = net.manager().newSubManager()) {
            NDArray x1 = v1.duplicate();
            NDArray x2 = v2.duplicate();
            x1.attach(step);
            x2.attach(step);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                StepOutputs out = net.forward(x1, x2);
                gc.backward(out.loss());
                return out.loss().getFloat();
            }
        }
    }

    @Test
    void oneStepMovesOnlineWeightsAndTargetExactlyByTheEmaRule() {
        float tau = 0.9f;
        try (ByolNetwork net = ByolNetwork.create(cfg, Device.cpu());
                Optimizer opt = Optimizer.create(cfg.optimizer(), net.trainableParameters(true), net.manager())) {
            List<float[]> onlineBefore = values(net.online().getParameters());
            List<float[]> targetBefore = values(net.target().getParameters());
            try (NDManager m = net.manager().newSubManager()) {
                NDArray v1 = m.randomNormal(new Shape(8, 3, 16, 16));
                NDArray v2 = m.randomNormal(new Shape(8, 3, 16, 16));
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    StepOutputs out = net.forward(v1, v2);
                    float loss = out.loss().getFloat();
                    assertTrue(loss > 0 && loss < 8, "loss " + loss);
                    assertEquals(new Shape(8, 16), out.onlineProjection().getShape());
                    gc.backward(out.loss());
                }
                // stop-gradient: the target has no gradient at all, the online network has one
                for (Pair<String, Parameter> t : net.target().getParameters()) {
                    assertFalse(t.getValue().getArray().hasGradient(), t.getKey());
                    assertFalse(t.getValue().requiresGradient(), t.getKey());
                }
                double onlineGradient = 0;
                for (TrainableParameter p : net.trainableParameters(true)) {
                    onlineGradient += p.array().getGradient().abs().sum().getFloat();
                }
                assertTrue(onlineGradient > 0);
                opt.step(0.05);
                net.updateTarget(tau);
            }
            List<float[]> onlineAfter = values(net.online().getParameters());
            int changed = 0;
            for (int i = 0; i < onlineAfter.size(); i++) {
                if (!java.util.Arrays.equals(onlineBefore.get(i), onlineAfter.get(i))) {
                    changed++;
                }
            }
            assertTrue(changed > onlineAfter.size() / 2, changed + " of " + onlineAfter.size() + " changed");

            Map<String, Parameter> online = net.online().getParameters().toMap();
            int i = 0;
            int ema = 0;
            for (Pair<String, Parameter> t : net.target().getParameters()) {
                float[] old = targetBefore.get(i++);
                float[] now = t.getValue().getArray().toFloatArray();
                float[] theta = online.get(t.getKey()).getArray().toFloatArray();
                Parameter.Type type = t.getValue().getType();
                for (int k = 0; k < now.length; k++) {
                    double expected = type == Parameter.Type.RUNNING_MEAN || type == Parameter.Type.RUNNING_VAR
                            ? theta[k]
                            : tau * (double) old[k] + (1 - tau) * (double) theta[k];
                    assertEquals(expected, now[k], 1e-6, t.getKey() + "[" + k + "]");
                }
                ema++;
            }
            assertEquals(targetBefore.size(), ema);
        }
    }

    @Test
    void parametersRoundTripAndTrainingContinuesAfterLoading() throws IOException, MalformedModelException {
        ByteArrayOutputStream online = new ByteArrayOutputStream();
        ByteArrayOutputStream target = new ByteArrayOutputStream();
        List<float[]> expected;
        try (ByolNetwork net = ByolNetwork.create(cfg, Device.cpu())) {
            net.updateTarget(0.0f);
            net.saveOnline(new DataOutputStream(online));
            net.saveTarget(new DataOutputStream(target));
            expected = values(net.online().getParameters());
        }
        TrainConfig otherSeed = cfg.withOverrides(Map.of("seed", "7"));
        try (ByolNetwork net = ByolNetwork.create(otherSeed, Device.cpu())) {
            net.loadOnline(new DataInputStream(new ByteArrayInputStream(online.toByteArray())));
            net.loadTarget(new DataInputStream(new ByteArrayInputStream(target.toByteArray())));
            List<float[]> loaded = values(net.online().getParameters());
            for (int i = 0; i < expected.size(); i++) {
                assertArrayEquals(expected.get(i), loaded.get(i));
            }
            try (NDManager m = net.manager().newSubManager();
                    Optimizer opt = Optimizer.create(cfg.optimizer(), net.trainableParameters(true), net.manager())) {
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.backward(net.forward(
                                    m.randomNormal(new Shape(4, 3, 16, 16)), m.randomNormal(new Shape(4, 3, 16, 16)))
                            .loss());
                }
                opt.step(0.1);
                assertFalse(java.util.Arrays.equals(
                        expected.get(0),
                        net.online()
                                .getParameters()
                                .get(0)
                                .getValue()
                                .getArray()
                                .toFloatArray()));
                assertFalse(net.target()
                        .getParameters()
                        .get(0)
                        .getValue()
                        .getArray()
                        .hasGradient());
            }
        }
        TrainConfig wider = cfg.withOverrides(Map.of("encoder.width", "8"));
        try (ByolNetwork net = ByolNetwork.create(wider, Device.cpu())) {
            MalformedModelException e = assertThrows(
                    MalformedModelException.class,
                    () -> net.loadOnline(new DataInputStream(new ByteArrayInputStream(online.toByteArray()))));
            assertTrue(e.getMessage().contains("shape"), e.getMessage());
        }
    }

    @Test
    void excludesBiasAndNormFromRegularisationOnRequest() {
        try (ByolNetwork net = ByolNetwork.create(cfg, Device.cpu())) {
            List<TrainableParameter> params = net.trainableParameters(true);
            assertTrue(params.stream().noneMatch(p -> p.parameter().getType() == Parameter.Type.RUNNING_MEAN));
            for (TrainableParameter p : params) {
                assertEquals(p.parameter().getType() == Parameter.Type.WEIGHT, p.regularized(), p.name());
            }
            assertTrue(net.trainableParameters(false).stream().allMatch(TrainableParameter::regularized));
        }
    }

    private static List<float[]> values(ai.djl.nn.ParameterList params) {
        List<float[]> out = new ArrayList<>();
        for (Pair<String, Parameter> p : params) {
            out.add(p.getValue().getArray().toFloatArray());
        }
        return out;
    }
}
