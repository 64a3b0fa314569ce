package io.byol4j.trainer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.byol4j.trainer.checkpoint.Checkpoint;
import io.byol4j.trainer.checkpoint.Checkpoints;
import io.byol4j.trainer.checkpoint.LoadedEncoder;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@ExtendWith(SingleThreadedTorch.class)
class ByolTrainerTest {

    @TempDir
    Path tmp;

    private final InMemoryDataset data = new InMemoryDataset(32, 16, 4, 9L, Set.of());
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final PrintStream progress = new PrintStream(log, true, StandardCharsets.UTF_8);

    private static ByolTrainer trainer() {
        return new ByolTrainer(new DeviceSelector(() -> 0));
    }

    private String output() {
        return log.toString(StandardCharsets.UTF_8);
    }

    @Test
    void trainsWritesOutputsAndReportsProgress() throws Exception {
        TrainConfig cfg = TinyConfigs.tiny(
                tmp.resolve("run"), "monitor.knnEveryEpochs=1", "monitor.knnK=3", "monitor.knnSamples=32");
        TrainResult result = trainer().run(cfg, data, false, progress);

        assertEquals(8, result.steps());
        assertTrue(result.complete());
        assertTrue(Double.isFinite(result.finalLoss()) && result.finalLoss() < 8);
        assertTrue(result.imagesPerSecond() > 0);
        assertTrue(result.dataWaitShare() >= 0 && result.dataWaitShare() <= 1);
        assertEquals(0, result.skippedImages());
        assertEquals(tmp.resolve("run").resolve("ckpt-00000008"), result.finalCheckpoint());

        Path run = tmp.resolve("run");
        assertEquals(cfg, TrainConfig.fromJson(run.resolve("config.json")));
        List<String> metrics = Files.readAllLines(run.resolve("metrics.csv"));
        assertEquals(3, metrics.size(), metrics.toString());
        assertFalse(metrics.get(2).split(",", -1)[8].isEmpty(), "k-NN accuracy recorded");
        assertEquals(9, Files.readAllLines(run.resolve("steps.csv")).size());
        assertTrue(Files.size(run.resolve("loss.png")) > 1000);
        assertTrue(Files.size(run.resolve("monitors.png")) > 1000);

        String out = output();
        for (String expected : new String[] {
            "epoch 1/2",
            "step 4/8",
            "loss ",
            "lr ",
            "tau ",
            "img/s",
            "data-wait",
            "ETA",
            "collapse-std",
            "knn-top1",
            "random initialisation",
            "done: 8 steps"
        }) {
            assertTrue(out.contains(expected), "progress lacks '" + expected + "':\n" + out);
        }

        Checkpoint last = Checkpoints.read(run);
        assertTrue(last.state().finished());
        assertEquals(8, last.state().step());
        assertEquals(2, last.state().epochsCompleted());
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            LoadedEncoder enc = Checkpoints.loadOnlineEncoder(run, m);
            assertEquals(8, enc.step());
        }
    }

    /** In both memory layouts: channels-last is what the CPU presets train in, it needs width 16 or more. */
    @ParameterizedTest
    @CsvSource({"nchw, 4", "channels-last, 16"})
    void resumedRunReproducesTheUninterruptedLossCurve(String memoryFormat, int width) throws Exception {
        String[] overrides = {
            "checkpointEverySteps=3", "optimizer.type=lars", "memoryFormat=" + memoryFormat, "encoder.width=" + width
        };
        TrainConfig straight = TinyConfigs.tiny(tmp.resolve("a"), overrides);
        TrainResult full = trainer().run(straight, data, false, progress);
        assertTrue(output().contains("device cpu(), " + memoryFormat), output());
        List<StepRecord> expected =
                Checkpoints.read(full.finalCheckpoint()).metrics().steps();

        TrainConfig interrupted = TinyConfigs.tiny(tmp.resolve("b"), overrides);
        TrainResult killed = trainer().stopAfter(5).run(interrupted, data, false, progress);
        assertEquals(5, killed.steps());
        assertFalse(killed.complete());
        assertEquals(
                "ckpt-00000003",
                Checkpoints.latest(tmp.resolve("b")).orElseThrow().getFileName().toString());

        TrainConfig resumedCfg = interrupted.withOverrides(Map.of("workers", "1", "logEverySteps", "1"));
        TrainResult resumed = trainer().run(resumedCfg, data, true, progress);
        assertEquals(8, resumed.steps());
        assertTrue(output().contains("resumed from"));
        List<StepRecord> actual =
                Checkpoints.read(resumed.finalCheckpoint()).metrics().steps();

        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            StepRecord e = expected.get(i);
            StepRecord a = actual.get(i);
            assertEquals(e.step(), a.step());
            assertEquals(e.lr(), a.lr(), 1e-12);
            assertEquals(e.tau(), a.tau(), 1e-12);
            assertEquals(e.loss(), a.loss(), 1e-4 * Math.max(1, Math.abs(e.loss())), "loss at step " + e.step());
        }
        assertEquals(
                2,
                Checkpoints.read(resumed.finalCheckpoint()).metrics().epochs().size());

        // resuming a complete run does nothing
        TrainResult again = trainer().run(resumedCfg, data, true, progress);
        assertEquals(resumed.finalCheckpoint(), again.finalCheckpoint());
    }

    /** A run killed after step 5 of 8 (4 steps per epoch of 32 images), its last checkpoint at step 3. */
    private Path interruptedRun(String name) {
        TrainConfig cfg = TinyConfigs.tiny(tmp.resolve(name), "checkpointEverySteps=3");
        trainer().stopAfter(5).run(cfg, data, false, progress);
        return tmp.resolve(name);
    }

    @Test
    void resumeOnADatasetOfAnotherSizeIsRefusedBeforeAnyWork() throws Exception {
        Path run = interruptedRun("run");
        TrainConfig cfg = TinyConfigs.tiny(run, "checkpointEverySteps=3");
        byte[] configBefore = Files.readAllBytes(run.resolve("config.json"));
        long logBefore = log.size();

        // 40 images: 5 steps per epoch instead of 4
        InMemoryDataset grown = new InMemoryDataset(40, 16, 4, 9L, Set.of());
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> trainer().run(cfg, grown, true, progress));
        for (String expected : new String[] {
            "cannot resume " + run,
            "32 images then, 40 now",
            "4 steps per epoch then, 5 now",
            "--allow-dataset-change",
            "ckpt-00000003"
        }) {
            assertTrue(e.getMessage().contains(expected), "message lacks '" + expected + "': " + e.getMessage());
        }
        // 35 images: still 4 steps per epoch, but another permutation each epoch
        InMemoryDataset renamed = new InMemoryDataset(35, 16, 4, 9L, Set.of());
        IllegalArgumentException same =
                assertThrows(IllegalArgumentException.class, () -> trainer().run(cfg, renamed, true, progress));
        assertTrue(same.getMessage().contains("32 images then, 35 now"), same.getMessage());

        // nothing was touched: same checkpoint, same config file, no log, no training output
        assertEquals(
                "ckpt-00000003",
                Checkpoints.latest(run).orElseThrow().getFileName().toString());
        assertArrayEquals(configBefore, Files.readAllBytes(run.resolve("config.json")));
        assertFalse(Files.exists(run.resolve(ByolTrainer.RESUME_LOG)));
        assertEquals(logBefore, log.size());
    }

    @Test
    void allowedDatasetChangeKeepsTheScheduleAndIsRecorded() throws Exception {
        TrainConfig straight = TinyConfigs.tiny(tmp.resolve("straight"), "checkpointEverySteps=3");
        List<StepRecord> expected = Checkpoints.read(
                        trainer().run(straight, data, false, progress).finalCheckpoint())
                .metrics()
                .steps();
        Path run = interruptedRun("run");
        TrainConfig cfg = TinyConfigs.tiny(run, "checkpointEverySteps=3");
        InMemoryDataset grown = new InMemoryDataset(40, 16, 4, 9L, Set.of());

        TrainResult resumed = trainer().allowDatasetChange(true).run(cfg, grown, true, progress);

        // the checkpoint's 8 steps, not 2 epochs x 5 steps of the new dataset; LR and tau continue unchanged
        assertEquals(8, resumed.totalSteps());
        assertEquals(8, resumed.steps());
        List<StepRecord> actual =
                Checkpoints.read(resumed.finalCheckpoint()).metrics().steps();
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).lr(), actual.get(i).lr(), 1e-12, "lr at step " + (i + 1));
            assertEquals(expected.get(i).tau(), actual.get(i).tau(), 1e-12, "tau at step " + (i + 1));
        }
        String entry = Files.readString(run.resolve(ByolTrainer.RESUME_LOG));
        assertTrue(entry.contains("resumed at step 3 of 8"), entry);
        assertTrue(entry.contains("32 images then, 40 now"), entry);
        assertTrue(entry.contains("--allow-dataset-change"), entry);
        assertTrue(output().contains("warning: "), output());
        // the new checkpoint describes the dataset it was trained on: resuming it again on 40 images is exact
        assertEquals(40, Checkpoints.read(resumed.finalCheckpoint()).state().datasetImages());
        assertEquals(5, Checkpoints.read(resumed.finalCheckpoint()).state().stepsPerEpoch());
    }

    @Test
    void checkpointsWithoutAnImageCountAreCheckedByStepsPerEpoch() throws Exception {
        Path run = interruptedRun("run");
        Path state = Checkpoints.latest(run).orElseThrow().resolve("state.json");
        String json = Files.readString(state);
        String legacy = json.replaceAll(",\\s*\"datasetImages\"\\s*:\\s*\\d+", "")
                .replaceAll(",\\s*\"warmupSteps\"\\s*:\\s*\\d+", "");
        assertFalse(legacy.contains("datasetImages") || legacy.contains("warmupSteps"), legacy);
        Files.writeString(state, legacy);
        TrainConfig cfg = TinyConfigs.tiny(run, "checkpointEverySteps=3");

        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> trainer().run(cfg, new InMemoryDataset(40, 16, 4, 9L, Set.of()), true, progress));
        assertTrue(e.getMessage().contains("now 40 images; 4 steps per epoch then, 5 now"), e.getMessage());
        // same steps per epoch: an older checkpoint cannot tell, and the run continues
        assertEquals(
                8,
                trainer()
                        .run(cfg, new InMemoryDataset(35, 16, 4, 9L, Set.of()), true, progress)
                        .steps());
    }

    @Test
    void nanLossStopsWithTheStepAndKeepsTheLastGoodCheckpoint() {
        TrainConfig cfg = TinyConfigs.tiny(tmp, "checkpointEverySteps=2");
        TrainingDivergedException e = assertThrows(
                TrainingDivergedException.class,
                () -> trainer().onStep(poisonAfter(3)).run(cfg, data, false, progress));
        assertEquals(4, e.step());
        assertTrue(e.getMessage().contains("loss is NaN at step 4"), e.getMessage());
        Path good = tmp.resolve("ckpt-00000002");
        assertEquals(good, e.lastCheckpoint().orElseThrow());
        assertEquals(good, Checkpoints.latest(tmp).orElseThrow());
        assertFalse(Files.exists(tmp.resolve("ckpt-00000004")));
        assertEquals(3, Checkpoints.read(tmp).metrics().steps().size() + 1, "metrics end at the checkpoint");
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            LoadedEncoder enc = Checkpoints.loadOnlineEncoder(tmp, m);
            assertEquals(2, enc.step());
            for (float v :
                    enc.encoder().getParameters().get(0).getValue().getArray().toFloatArray()) {
                assertTrue(Float.isFinite(v));
            }
        }
    }

    @Test
    void nonFiniteWeightsAreNeverCheckpointed() {
        TrainConfig cfg = TinyConfigs.tiny(tmp, "checkpointEverySteps=2");
        TrainingDivergedException e = assertThrows(
                TrainingDivergedException.class,
                () -> trainer().onStep(poisonAfter(2)).run(cfg, data, false, progress));
        assertEquals(2, e.step());
        assertTrue(e.getMessage().contains("weights are no longer finite at step 2"), e.getMessage());
        assertTrue(e.lastCheckpoint().isEmpty());
        assertTrue(Checkpoints.latest(tmp).isEmpty());
    }

    private static StepHook poisonAfter(long poisonedStep) {
        return (step, network) -> {
            if (step == poisonedStep) {
                network.online().getParameters().get(0).getValue().getArray().muli(Float.NaN);
            }
        };
    }

    @Test
    void zeroEpochsWritesACheckpointOfTheRandomInitialisation() {
        TrainConfig cfg = TinyConfigs.tiny(tmp, "epochs=0");
        TrainResult result = trainer().run(cfg, data, false, progress);
        assertEquals(0, result.steps());
        assertNotNull(result.finalCheckpoint());
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            assertEquals(
                    0,
                    Checkpoints.loadOnlineEncoder(result.finalCheckpoint(), m).step());
        }
    }

    @Test
    void refusesToOverwriteOrToResumeSomethingElse() {
        TrainConfig cfg = TinyConfigs.tiny(tmp, "epochs=0");
        IllegalStateException nothing =
                assertThrows(IllegalStateException.class, () -> trainer().run(cfg, data, true, progress));
        assertTrue(nothing.getMessage().contains("nothing to resume"), nothing.getMessage());

        trainer().run(cfg, data, false, progress);
        IllegalStateException exists =
                assertThrows(IllegalStateException.class, () -> trainer().run(cfg, data, false, progress));
        assertTrue(exists.getMessage().contains("already holds a run"), exists.getMessage());

        TrainConfig changed = cfg.withOverrides(Map.of("batchSize", "16", "workers", "3"));
        IllegalArgumentException diff =
                assertThrows(IllegalArgumentException.class, () -> trainer().run(changed, data, true, progress));
        assertTrue(diff.getMessage().contains("[batchSize]"), diff.getMessage());
    }

    @Test
    void tooSmallDatasetAndMissingGpuAreClearErrors() {
        TrainConfig cfg = TinyConfigs.tiny(tmp.resolve("x"), "batchSize=128");
        IllegalArgumentException small =
                assertThrows(IllegalArgumentException.class, () -> trainer().run(cfg, data, false, progress));
        assertTrue(small.getMessage().contains("fewer than batchSize 128"), small.getMessage());

        TrainConfig gpu = TinyConfigs.tiny(tmp.resolve("y"), "device=gpu");
        IllegalArgumentException noGpu =
                assertThrows(IllegalArgumentException.class, () -> trainer().run(gpu, data, false, progress));
        assertTrue(noGpu.getMessage().contains("no GPU"), noGpu.getMessage());
    }

    @Test
    void brokenImagesAreSkippedAndCounted() {
        InMemoryDataset broken = new InMemoryDataset(32, 16, 4, 9L, Set.of(3, 20));
        TrainConfig cfg = TinyConfigs.tiny(tmp, "epochs=1");
        TrainResult result = trainer().run(cfg, broken, false, progress);
        assertEquals(4, result.steps());
        assertEquals(2, result.skippedImages());
        assertTrue(output().contains("warning: skipping image 3 "), output());
        assertTrue(output().contains("2 skipped images"), output());
    }
}
