package io.byol4j.trainer.finetune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import io.byol4j.sdk.data.Datasets;
import io.byol4j.sdk.data.LabelFractions;
import io.byol4j.trainer.checkpoint.Checkpoints;
import io.byol4j.trainer.checkpoint.LoadedEncoder;
import io.byol4j.trainer.device.DeviceSelector;
import io.byol4j.trainer.testing.SingleThreadedTorch;
import io.byol4j.trainer.testing.TinyConfigs;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Fine-tuning end to end on tiny generated data: search, retrain, resume, linear mode, errors, NaN stop. */
@ExtendWith(SingleThreadedTorch.class)
class FineTunerTest {

    private static final String DATA = "synthetic:size=120,seed=3,image=16";
    private static final String TEST = "synthetic:size=40,seed=9,image=16";

    @TempDir
    static Path shared;

    private static Path byol;

    @TempDir
    Path dir;

    @BeforeAll
    static void byolCheckpoint() throws Exception {
        byol = shared.resolve("byol");
        Checkpoints.saveInitial(TinyConfigs.tiny(byol), byol);
    }

    private static FineTuneConfig config(
            Path out,
            List<Double> lrs,
            List<Integer> epochs,
            double fraction,
            String mode,
            String data,
            boolean convert,
            List<String> names,
            int checkpointEvery) {
        return new FineTuneConfig(
                byol.toString(),
                "byol",
                mode,
                data,
                TEST,
                fraction,
                4L,
                lrs,
                epochs,
                0.34,
                true,
                16,
                0.9,
                0.0,
                0.3,
                convert,
                "cpu",
                checkpointEvery,
                2,
                2,
                names,
                out.toString());
    }

    private static FineTuner tuner() {
        return new FineTuner(DeviceSelector.fixed(List.of(Device.cpu())));
    }

    private static PrintStream sink(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }

    @Test
    void searchesOnTheValidationSplitRetrainsOnAllLabelsAndWritesEveryOutput() throws Exception {
        Path out = dir.resolve("run");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        FineTuneResult r = tuner().run(
                        config(out, List.of(0.02, 0.2), List.of(2), 0.5, "full", DATA, false, null, 0),
                        false,
                        false,
                        sink(log));

        assertEquals(2, r.trials().size());
        assertTrue(r.trials().stream().allMatch(t -> t.validationImages() > 0 && !Double.isNaN(t.valAccuracy())));
        double best =
                r.trials().stream().mapToDouble(TrialResult::valAccuracy).max().orElseThrow();
        TrialResult chosen = r.trials().stream()
                .filter(t -> t.learningRate() == r.chosenLearningRate())
                .findFirst()
                .orElseThrow();
        assertEquals(best, chosen.valAccuracy(), "the chosen setting has the best validation accuracy");
        assertEquals("final", r.result().name());
        assertEquals(r.labeledImages(), r.result().trainImages(), "the final run trains on every labeled image");
        assertEquals(r.labeledImages(), r.trainImages() + r.validationImages());
        assertTrue(r.testAccuracy() >= 0 && r.testAccuracy() <= 1);
        assertEquals(40, r.testImages());

        int[] expected = LabelFractions.select(Datasets.open(DATA, 3), 0.5, 4L);
        JsonNode split = FineTuneCheckpoints.JSON.readTree(
                out.resolve(FineTuner.SPLIT_FILE).toFile());
        assertEquals(expected.length, split.get("labeled").size(), "the same images as LabelFractions");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], split.get("labeled").get(i).asInt());
        }
        for (String f : List.of(
                "run.json",
                "search.json",
                "result.json",
                "final/curves.png",
                "final/metrics.csv",
                "final/steps.csv",
                "final/latest",
                "final/result.json")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        Path trial = out.resolve("trials").resolve(r.trials().get(0).name());
        List<String> metrics = Files.readAllLines(trial.resolve("metrics.csv"));
        assertEquals(FineTuneMetrics.EPOCH_HEADER, metrics.get(0));
        assertEquals(3, metrics.size(), "one row per epoch");
        assertFalse(metrics.get(2).split(",", -1)[3].isEmpty(), "validation accuracy recorded");
        String text = log.toString(StandardCharsets.UTF_8);
        assertTrue(
                text.contains("img/s") && text.contains("ETA") && text.contains("chosen on the validation split"),
                text);

        IllegalArgumentException again = assertThrows(
                IllegalArgumentException.class,
                () -> tuner().run(
                                config(out, List.of(0.02), List.of(1), 0.5, "full", DATA, false, null, 0),
                                false,
                                false,
                                sink(new ByteArrayOutputStream())));
        assertTrue(again.getMessage().contains("--resume") && again.getMessage().contains("--force"));

        try (FineTunedClassifier loaded = FineTunedClassifier.load(out)) {
            assertEquals(Datasets.open(DATA, 3).classNames(), loaded.classNames());
            assertEquals(10, loaded.headWeights().length);
        }
    }

    @Test
    void resumesExactlyAfterAStop() throws Exception {
        FineTuneConfig whole =
                config(dir.resolve("whole"), List.of(0.1), List.of(3), 0.5, "full", DATA, false, null, 2);
        FineTuneResult reference = tuner().run(whole, false, false, sink(new ByteArrayOutputStream()));

        FineTuneConfig parts =
                config(dir.resolve("parts"), List.of(0.1), List.of(3), 0.5, "full", DATA, false, null, 2);
        assertNull(tuner().run(parts, false, false, sink(new ByteArrayOutputStream()), 5), "stopped after 5 steps");
        FineTuneConfig otherRate =
                config(dir.resolve("parts"), List.of(0.2), List.of(3), 0.5, "full", DATA, false, null, 2);
        IllegalArgumentException mixed = assertThrows(
                IllegalArgumentException.class,
                () -> tuner().run(otherRate, true, false, sink(new ByteArrayOutputStream())));
        assertTrue(mixed.getMessage().contains("learningRates (was [0.1], now [0.2])"), mixed.getMessage());
        // The checkpoint interval does not change the weights: a resume may change it.
        FineTuneConfig otherInterval =
                config(dir.resolve("parts"), List.of(0.1), List.of(3), 0.5, "full", DATA, false, null, 3);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        FineTuneResult resumed = tuner().run(otherInterval, true, false, sink(log));
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("resumed from"), log.toString(StandardCharsets.UTF_8));

        assertEquals(reference.result().finalLoss(), resumed.result().finalLoss(), 1e-6);
        assertEquals(reference.testAccuracy(), resumed.testAccuracy(), 1e-9);
        try (FineTunedClassifier a = FineTunedClassifier.load(dir.resolve("whole"));
                FineTunedClassifier b = FineTunedClassifier.load(dir.resolve("parts"))) {
            for (int k = 0; k < a.headWeights().length; k++) {
                assertArrayEquals(a.headWeights()[k], b.headWeights()[k], 1e-5f);
            }
        }
    }

    @Test
    void aRunFolderBeingWrittenByAnotherRunIsRefused() throws Exception {
        Path out = dir.resolve("locked");
        FineTuneConfig cfg = config(out, List.of(0.1), List.of(1), 0.5, "full", DATA, false, null, 2);
        Files.createDirectories(out);
        try (RunLock held = RunLock.acquire(out)) {
            IllegalStateException busy = assertThrows(
                    IllegalStateException.class,
                    () -> tuner().run(cfg, false, false, sink(new ByteArrayOutputStream())));
            assertTrue(busy.getMessage().contains("another fine-tuning process is writing"), busy.getMessage());
            assertTrue(!Files.exists(out.resolve("run.json")), "nothing written");
        }
        assertTrue(
                tuner().run(cfg, false, false, sink(new ByteArrayOutputStream()))
                                .testAccuracy()
                        >= 0,
                "free again");
    }

    @Test
    void linearModeTrainsOnlyTheClassifier() throws Exception {
        Path out = dir.resolve("linear");
        tuner().run(
                        config(out, List.of(0.5), List.of(2), 0.5, "linear", DATA, false, null, 0),
                        false,
                        false,
                        sink(new ByteArrayOutputStream()));
        byte[] before;
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            LoadedEncoder enc = Checkpoints.loadOnlineEncoder(byol, m);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream data = new DataOutputStream(bytes)) {
                enc.encoder().saveParameters(data);
            }
            before = bytes.toByteArray();
        }
        Path ckpt = out.resolve("final")
                .resolve(Files.readString(out.resolve("final/latest")).trim());
        assertArrayEquals(
                before,
                Files.readAllBytes(ckpt.resolve(FineTuneCheckpoints.ENCODER)),
                "the frozen encoder, BatchNorm statistics included, is unchanged");
    }

    @Test
    void everyInputProblemIsReportedBeforeAnythingIsWritten() {
        Path out = dir.resolve("never");
        IllegalArgumentException tooSmall = assertThrows(
                IllegalArgumentException.class,
                () -> tuner().run(
                                config(out, List.of(0.1), List.of(1), 0.01, "full", DATA, false, null, 0),
                                false,
                                false,
                                sink(new ByteArrayOutputStream())));
        assertTrue(tooSmall.getMessage().contains("keeps no image of class"), tooSmall.getMessage());

        IllegalArgumentException size = assertThrows(
                IllegalArgumentException.class,
                () -> tuner().run(
                                config(
                                        out,
                                        List.of(0.1),
                                        List.of(1),
                                        0.5,
                                        "full",
                                        "synthetic:size=60,seed=3,image=24",
                                        false,
                                        null,
                                        0),
                                false,
                                false,
                                sink(new ByteArrayOutputStream())));
        assertTrue(
                size.getMessage().contains("16x16")
                        && size.getMessage().contains("24x24")
                        && size.getMessage().contains("--convert-inputs"),
                size.getMessage());

        IllegalArgumentException names = assertThrows(
                IllegalArgumentException.class,
                () -> tuner().run(
                                config(out, List.of(0.1), List.of(1), 0.5, "full", DATA, false, List.of("a", "b"), 0),
                                false,
                                false,
                                sink(new ByteArrayOutputStream())));
        assertTrue(
                names.getMessage().contains("classNames has 2 names but the dataset has 10 classes"),
                names.getMessage());

        IllegalArgumentException resume = assertThrows(
                IllegalArgumentException.class,
                () -> tuner().run(
                                config(out, List.of(0.1), List.of(1), 0.5, "full", DATA, false, null, 0),
                                true,
                                false,
                                sink(new ByteArrayOutputStream())));
        assertTrue(resume.getMessage().contains("holds no fine-tuning run"), resume.getMessage());
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void convertsSizeWhenAskedAndStopsOnANonFiniteLoss() throws Exception {
        Path out = dir.resolve("nan");
        FineTuneDivergedException e = assertThrows(
                FineTuneDivergedException.class,
                () -> tuner().run(
                                config(
                                        out,
                                        List.of(1e30),
                                        List.of(2),
                                        0.5,
                                        "full",
                                        "synthetic:size=60,seed=3,image=24",
                                        true,
                                        null,
                                        0),
                                false,
                                false,
                                sink(new ByteArrayOutputStream())));
        assertTrue(
                e.getMessage().contains("diverged") && e.getMessage().contains("Lower the learning rate"),
                e.getMessage());
        assertFalse(Files.exists(out.resolve("final/latest")), "no checkpoint of non-finite weights");
    }
}
