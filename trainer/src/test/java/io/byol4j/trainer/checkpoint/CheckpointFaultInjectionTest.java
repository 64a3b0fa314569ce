package io.byol4j.trainer.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.byol4j.sdk.internal.io.FaultInjection;
import io.byol4j.trainer.config.TrainConfig;
import io.byol4j.trainer.metrics.EpochMetrics;
import io.byol4j.trainer.metrics.MetricsHistory;
import io.byol4j.trainer.metrics.StepRecord;
import io.byol4j.trainer.network.ByolNetwork;
import io.byol4j.trainer.optim.Optimizer;
import io.byol4j.trainer.testing.SingleThreadedTorch;
import io.byol4j.trainer.testing.TinyConfigs;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11: a checkpoint write failed at each of its steps (open, write, fsync, folder fsync, rename of every
 * file, of the checkpoint folder and of the {@code latest} pointer) leaves the run exactly at its previous
 * checkpoint, with no partial folder or temporary file; the successful write fsyncs every file.
 */
@ExtendWith(SingleThreadedTorch.class)
class CheckpointFaultInjectionTest {

    @TempDir
    Path run;

    @Test
    void aFailedCheckpointWriteLeavesThePreviousCheckpointAsItWas() throws Exception {
        TrainConfig cfg = TinyConfigs.tiny(run);
        MetricsHistory history = new MetricsHistory();
        history.addStep(new StepRecord(1, 1, 3.5, 0.01, 0.99));
        history.addEpoch(new EpochMetrics(1, 2, 3.375, 0.02, 0.991, 120.5, 0.125, 0.2, Double.NaN, 4.5, 1));
        try (ByolNetwork net = ByolNetwork.create(cfg, Device.cpu());
                Optimizer opt = Optimizer.create(cfg.optimizer(), net.trainableParameters(true), net.manager())) {
            List<String> steps = FaultInjection.assertAllOrNothing(
                    run,
                    () -> Checkpoints.write(run, cfg, net, opt, state(cfg, 2), history, 3),
                    () -> Checkpoints.write(run, cfg, net, opt, state(cfg, 4), history, 3));
            for (String file :
                    List.of(Checkpoints.CONFIG, "state.json", "online.params", "target.params", "optimizer.bin")) {
                assertTrue(
                        steps.stream().anyMatch(s -> s.startsWith("fsync ") && s.contains("/." + file + ".")),
                        file + " is not fsync'd: " + steps);
            }
            assertTrue(
                    steps.stream().anyMatch(s -> s.startsWith("rename ") && s.endsWith("ckpt-00000004.tmp")),
                    steps.toString());
            int renamed = steps.indexOf("rename " + run.resolve("ckpt-00000004.tmp"));
            assertTrue(renamed > 0 && steps.get(renamed + 1).equals("fsync-folder " + run), steps.toString());
            assertEquals(4, Checkpoints.read(run).state().step());
        }
    }

    private static CheckpointState state(TrainConfig cfg, long step) {
        return new CheckpointState(
                CheckpointState.FORMAT,
                step,
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
                0L);
    }
}
