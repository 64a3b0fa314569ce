package io.byol4j.trainer.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.byol4j.trainer.config.TrainConfig;
import io.byol4j.trainer.metrics.EpochMetrics;
import io.byol4j.trainer.metrics.MetricsHistory;
import io.byol4j.trainer.metrics.StepRecord;
import io.byol4j.trainer.network.ByolNetwork;
import io.byol4j.trainer.optim.Optimizer;
import io.byol4j.trainer.testing.SingleThreadedTorch;
import io.byol4j.trainer.testing.TinyConfigs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(SingleThreadedTorch.class)
class CheckpointsTest {

    @TempDir
    Path tmp;

    @Test
    void initialCheckpointLoadsAsTheSameEncoder() throws IOException {
        TrainConfig cfg = TinyConfigs.tiny(tmp.resolve("run"));
        Path ckpt = Checkpoints.saveInitial(cfg, tmp.resolve("run"));
        assertEquals("ckpt-00000000", ckpt.getFileName().toString());
        try (ByolNetwork reference = ByolNetwork.create(cfg, Device.cpu());
                NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            for (Path where : List.of(tmp.resolve("run"), ckpt)) {
                LoadedEncoder loaded = Checkpoints.loadOnlineEncoder(where, manager);
                assertEquals(cfg.encoder(), loaded.spec());
                assertEquals(16, loaded.imageSize());
                assertEquals(0, loaded.step());
                assertEquals("test", loaded.dataset());
                assertArrayEquals(cfg.normalization().mean(), loaded.mean());
                assertArrayEquals(cfg.normalization().std(), loaded.std());
                assertEquals(cfg, TrainConfig.parse(loaded.configJson()));
                assertSameParameters(
                        reference.onlineEncoder().getParameters().iterator(),
                        loaded.encoder().getParameters().iterator());

                NDArray x = manager.randomNormal(new Shape(2, 3, 16, 16));
                NDArray expected = reference.embed(x);
                NDArray actual = loaded.encoder()
                        .forward(new ParameterStore(manager, false), new NDList(x), false)
                        .singletonOrThrow();
                assertEquals(new Shape(2, loaded.embeddingDim()), actual.getShape());
                assertTrue(expected.allClose(actual, 1e-5, 1e-6, false));
            }
        }
    }

    @Test
    void writeReadRestoreRoundTrip() throws IOException {
        TrainConfig cfg = TinyConfigs.tiny(tmp, "optimizer.type=adamw");
        MetricsHistory history = new MetricsHistory();
        history.addStep(new StepRecord(1, 1, 3.5, 0.01, 0.99));
        history.addStep(new StepRecord(2, 1, 3.25, 0.02, 0.991));
        history.addEpoch(new EpochMetrics(1, 2, 3.375, 0.02, 0.991, 120.5, 0.125, 0.2, Double.NaN, 4.5, 1));
        Path dir;
        float[] optimizerProbe;
        try (ByolNetwork net = ByolNetwork.create(cfg, Device.cpu());
                Optimizer opt = Optimizer.create(cfg.optimizer(), net.trainableParameters(true), net.manager())) {
            net.updateTarget(0.5f);
            CheckpointState state = new CheckpointState(
                    CheckpointState.FORMAT,
                    2,
                    0,
                    8,
                    16,
                    false,
                    cfg.sha256(),
                    cfg.dataset(),
                    cfg.seed(),
                    3.25,
                    1,
                    4.5,
                    "2020-01-01T00:00:00Z",
                    64,
                    4L);
            dir = Checkpoints.write(tmp, cfg, net, opt, state, history, 3);
            optimizerProbe =
                    net.online().getParameters().get(0).getValue().getArray().toFloatArray();

            Checkpoint read = Checkpoints.read(tmp);
            assertEquals(dir, read.dir());
            assertEquals(state, read.state());
            assertEquals(cfg, read.config());
            assertEquals(history.steps(), read.metrics().steps());
            assertEquals(1, read.metrics().epochs().size());
            assertEquals(0.125, read.metrics().epochs().get(0).dataWaitShare(), 1e-9);
            assertFalse(read.metrics().epochs().get(0).hasKnn());

            TrainConfig other = cfg.withOverrides(java.util.Map.of("seed", "99"));
            try (ByolNetwork fresh = ByolNetwork.create(other, Device.cpu());
                    Optimizer freshOpt =
                            Optimizer.create(cfg.optimizer(), fresh.trainableParameters(true), fresh.manager())) {
                assertNotEquals(
                        optimizerProbe[0],
                        fresh.online()
                                .getParameters()
                                .get(0)
                                .getValue()
                                .getArray()
                                .toFloatArray()[0]);
                Checkpoints.restore(read, fresh, freshOpt);
                assertSameParameters(
                        net.online().getParameters().iterator(),
                        fresh.online().getParameters().iterator());
                assertSameParameters(
                        net.target().getParameters().iterator(),
                        fresh.target().getParameters().iterator());
                assertEquals(opt.updates(), freshOpt.updates());
            }
        }
        assertEquals(
                "ckpt-00000002",
                Files.readString(tmp.resolve(Checkpoints.LATEST)).trim());
    }

    @Test
    void keepsOnlyTheNewestCheckpointsAndMovesLatest() throws IOException {
        TrainConfig cfg = TinyConfigs.tiny(tmp);
        try (ByolNetwork net = ByolNetwork.create(cfg, Device.cpu());
                Optimizer opt = Optimizer.create(cfg.optimizer(), net.trainableParameters(true), net.manager())) {
            for (long step = 1; step <= 4; step++) {
                CheckpointState state = new CheckpointState(
                        CheckpointState.FORMAT,
                        step,
                        0,
                        8,
                        16,
                        false,
                        cfg.sha256(),
                        cfg.dataset(),
                        cfg.seed(),
                        1.0,
                        0,
                        1,
                        "t",
                        64,
                        4L);
                Checkpoints.write(tmp, cfg, net, opt, state, new MetricsHistory(), 2);
                assertEquals(
                        Checkpoints.directoryName(step),
                        Checkpoints.latest(tmp).orElseThrow().getFileName().toString());
            }
        }
        assertFalse(Files.exists(tmp.resolve("ckpt-00000001")));
        assertFalse(Files.exists(tmp.resolve("ckpt-00000002")));
        assertTrue(Files.isDirectory(tmp.resolve("ckpt-00000003")));
        assertTrue(Files.isDirectory(tmp.resolve("ckpt-00000004")));
        try (var files = Files.list(tmp)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")));
        }
    }

    @Test
    void latestFallsBackToNewestCompleteDirectoryWhenPointerIsMissing() throws IOException {
        TrainConfig cfg = TinyConfigs.tiny(tmp);
        Path ckpt = Checkpoints.saveInitial(cfg, tmp);
        Files.delete(tmp.resolve(Checkpoints.LATEST));
        Files.createDirectories(tmp.resolve("ckpt-00000009"));
        assertEquals(ckpt, Checkpoints.latest(tmp).orElseThrow());
    }

    @Test
    void clearErrors() throws IOException {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            CheckpointException missing = assertThrows(
                    CheckpointException.class, () -> Checkpoints.loadOnlineEncoder(tmp.resolve("nope"), manager));
            assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());

            Path empty = Files.createDirectories(tmp.resolve("empty"));
            CheckpointException notCkpt =
                    assertThrows(CheckpointException.class, () -> Checkpoints.loadOnlineEncoder(empty, manager));
            assertTrue(notCkpt.getMessage().contains("neither a checkpoint directory"), notCkpt.getMessage());

            Path file = Files.writeString(tmp.resolve("file.txt"), "x");
            assertTrue(assertThrows(CheckpointException.class, () -> Checkpoints.loadOnlineEncoder(file, manager))
                    .getMessage()
                    .contains("is a file"));

            TrainConfig cfg = TinyConfigs.tiny(tmp.resolve("run"));
            Path ckpt = Checkpoints.saveInitial(cfg, tmp.resolve("run"));

            Path online = ckpt.resolve("online.params");
            byte[] bytes = Files.readAllBytes(online);
            Files.write(online, java.util.Arrays.copyOf(bytes, bytes.length / 2));
            CheckpointException truncated =
                    assertThrows(CheckpointException.class, () -> Checkpoints.loadOnlineEncoder(ckpt, manager));
            assertTrue(truncated.getMessage().contains("corrupt online.params"), truncated.getMessage());

            Files.writeString(ckpt.resolve("state.json"), "{ not json", StandardCharsets.UTF_8);
            CheckpointException badState =
                    assertThrows(CheckpointException.class, () -> Checkpoints.loadOnlineEncoder(ckpt, manager));
            assertTrue(badState.getMessage().contains("corrupt state.json"), badState.getMessage());

            Files.delete(ckpt.resolve("target.params"));
            CheckpointException incomplete =
                    assertThrows(CheckpointException.class, () -> Checkpoints.loadOnlineEncoder(ckpt, manager));
            assertTrue(incomplete.getMessage().contains("target.params is missing"), incomplete.getMessage());

            Files.writeString(tmp.resolve("run").resolve("latest"), "../../etc");
            CheckpointException badPointer = assertThrows(
                    CheckpointException.class, () -> Checkpoints.loadOnlineEncoder(tmp.resolve("run"), manager));
            assertTrue(badPointer.getMessage().contains("latest is corrupt"), badPointer.getMessage());
        }
    }

    @Test
    void rejectsWeightsOfAnotherArchitecture() throws IOException {
        Path run = tmp.resolve("run");
        Path ckpt = Checkpoints.saveInitial(TinyConfigs.tiny(run), run);
        TrainConfig wider = TinyConfigs.tiny(run, "encoder.width=8");
        Files.writeString(ckpt.resolve("config.json"), wider.toJson());
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            CheckpointException e =
                    assertThrows(CheckpointException.class, () -> Checkpoints.loadOnlineEncoder(ckpt, manager));
            assertTrue(
                    e.getMessage().contains("corrupt online.params")
                            && e.getMessage().contains("shape"),
                    e.getMessage());
        }
    }

    private static void assertSameParameters(
            Iterator<Pair<String, Parameter>> expected, Iterator<Pair<String, Parameter>> actual) {
        int count = 0;
        while (expected.hasNext()) {
            assertTrue(actual.hasNext(), "fewer parameters than expected");
            Pair<String, Parameter> e = expected.next();
            Pair<String, Parameter> a = actual.next();
            assertEquals(e.getKey(), a.getKey());
            assertArrayEquals(
                    e.getValue().getArray().toFloatArray(),
                    a.getValue().getArray().toFloatArray(),
                    e.getKey());
            count++;
        }
        assertFalse(actual.hasNext(), "more parameters than expected");
        assertTrue(count > 10);
    }
}
