package io.byol4j.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.byol4j.trainer.checkpoint.Checkpoints;
import io.byol4j.trainer.config.TrainConfig;
import io.byol4j.trainer.device.DeviceSelector;
import io.byol4j.trainer.metrics.StepRecord;
import io.byol4j.trainer.testing.InMemoryDataset;
import io.byol4j.trainer.testing.SingleThreadedTorch;
import io.byol4j.trainer.testing.TinyConfigs;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@link ByolTrainer} on two CPU replicas: the multi-GPU code path without GPUs. */
@ExtendWith(SingleThreadedTorch.class)
class ByolTrainerDataParallelTest {

    @TempDir
    Path tmp;

    private final InMemoryDataset data = new InMemoryDataset(32, 16, 4, 9L, Set.of());
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final PrintStream progress = new PrintStream(log, true, StandardCharsets.UTF_8);

    private static ByolTrainer onDevices(int count) {
        return new ByolTrainer(DeviceSelector.fixed(Collections.nCopies(count, Device.cpu())));
    }

    private String output() {
        return log.toString(StandardCharsets.UTF_8);
    }

    private static List<StepRecord> steps(TrainResult result) {
        return Checkpoints.read(result.finalCheckpoint()).metrics().steps();
    }

    private static void assertSameLosses(List<StepRecord> expected, List<StepRecord> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(
                    expected.get(i).loss(),
                    actual.get(i).loss(),
                    1e-4 * Math.max(1, expected.get(i).loss()),
                    "loss at step " + expected.get(i).step());
        }
    }

    @Test
    void trainsOnTwoReplicasAndResumesOnTheSameCount() {
        TrainConfig straight = TinyConfigs.tiny(tmp.resolve("a"), "checkpointEverySteps=3");
        TrainResult full = onDevices(2).run(straight, data, false, progress);
        assertTrue(full.complete());
        assertEquals(8, full.steps());
        assertTrue(Double.isFinite(full.finalLoss()));
        assertTrue(output().contains("data parallel on 2 devices [cpu(), cpu()] (4 images each)"), output());

        TrainConfig interrupted = TinyConfigs.tiny(tmp.resolve("b"), "checkpointEverySteps=3");
        onDevices(2).stopAfter(5).run(interrupted, data, false, progress);
        TrainResult resumed = onDevices(2).run(interrupted, data, true, progress);
        assertEquals(8, resumed.steps());
        assertSameLosses(steps(full), steps(resumed));
    }

    @Test
    void checkpointsMoveBetweenDeviceCounts() {
        // two replicas -> one device
        TrainConfig two = TinyConfigs.tiny(tmp.resolve("two"), "checkpointEverySteps=3");
        onDevices(2).stopAfter(3).run(two, data, false, progress);
        TrainResult onOne = onDevices(1).run(two, data, true, progress);
        assertTrue(onOne.complete());
        assertEquals(8, onOne.steps());
        assertTrue(Double.isFinite(onOne.finalLoss()));

        // one device -> two replicas: the first resumed step equals the mean of the half-batch losses,
        // which differs from the single-device loss of the same step (per-replica BatchNorm statistics)
        TrainResult reference = onDevices(1).run(TinyConfigs.tiny(tmp.resolve("ref")), data, false, progress);
        TrainConfig one = TinyConfigs.tiny(tmp.resolve("one"), "checkpointEverySteps=3");
        onDevices(1).stopAfter(3).run(one, data, false, progress);
        TrainResult onTwo = onDevices(2).run(one, data, true, progress);
        assertTrue(onTwo.complete());
        List<StepRecord> single = steps(reference);
        List<StepRecord> mixed = steps(onTwo);
        assertEquals(8, mixed.size());
        assertSameLosses(single.subList(0, 3), mixed.subList(0, 3));
        assertFalse(
                Math.abs(single.get(3).loss() - mixed.get(3).loss()) < 1e-6,
                "step 4 ran data parallel: " + single.get(3) + " vs " + mixed.get(3));
    }

    @Test
    void batchThatDoesNotSplitOverTheDevicesIsAConfigErrorBeforeAnythingIsWritten() {
        TrainConfig cfg = TinyConfigs.tiny(tmp.resolve("c"));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> onDevices(3).run(cfg, data, false, progress));
        assertTrue(
                e.getMessage().contains("batchSize 8 does not split evenly over the 3 training devices"),
                e.getMessage());
        assertFalse(Files.exists(tmp.resolve("c").resolve("config.json")));
    }
}
