package io.byol4j.cli.bench;

import ai.djl.Device;
import io.byol4j.sdk.internal.io.AtomicFiles;
import io.byol4j.trainer.config.TrainConfig;
import io.byol4j.trainer.device.DeviceSelector;
import io.byol4j.trainer.network.ByolNetwork;
import io.byol4j.trainer.optim.Optimizer;
import io.byol4j.trainer.schedule.LrSchedule;
import io.byol4j.trainer.schedule.TauSchedule;
import io.byol4j.trainer.train.TrainResult;
import io.byol4j.trainer.train.TrainingStep;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The timing loop of one preset: untimed warm-up steps (which also choose the steps per round under
 * {@code maxSeconds}), then rounds that each time the trainer's step, one real pipeline run and, when it runs,
 * the PyTorch baseline, one after another so that machine drift hits all three alike.
 */
final class PresetMeasurement {

    private final BenchConfig cfg;
    private final String preset;
    private final TrainConfig tc;
    private final PipelineRuns pipelines;
    private final Path root;
    private final PrintStream out;
    private long stepIndex;

    PresetMeasurement(
            BenchConfig cfg, String preset, TrainConfig tc, PipelineRuns pipelines, Path root, PrintStream out) {
        this.cfg = cfg;
        this.preset = preset;
        this.tc = tc;
        this.pipelines = pipelines;
        this.root = root;
        this.out = out;
    }

    /** Runs the warm-up and every round; {@code pytorchInfo} receives the baseline's versions. */
    PresetResult measure(int threads, PyTorchBaseline baseline, Map<String, Object> pytorchInfo)
            throws IOException, InterruptedException {
        out.printf(
                Locale.ROOT,
                "== %s: %s, batch %d, %dx%d, %s%n",
                preset,
                tc.encoder().displayName(),
                tc.batchSize(),
                tc.imageSize(),
                tc.imageSize(),
                tc.optimizer().type());
        Device device = DeviceSelector.system().select(tc.device()).get(0);
        long scheduleLength = (long) cfg.warmupSteps() + (long) cfg.rounds() * cfg.steps();
        LrSchedule lr = new LrSchedule(tc.peakLr(), cfg.warmupSteps(), scheduleLength);
        TauSchedule tau = new TauSchedule(tc.tauBase(), scheduleLength);
        int floats = tc.batchSize() * tc.channels() * tc.imageSize() * tc.imageSize();
        Random random = new Random(tc.seed());
        float[] view1 = gaussian(random, floats);
        float[] view2 = gaussian(random, floats);
        List<Round> rounds = new ArrayList<>();
        int warmupUsed;
        int stepsUsed;
        String pytorchNote = null;
        try (ByolNetwork net = ByolNetwork.create(tc, device);
                Optimizer opt = Optimizer.create(
                        tc.optimizer(), net.trainableParameters(tc.optimizer().excludeBiasAndNorm()), net.manager())) {
            TrainingStep trainingStep = new TrainingStep(net, opt, tc);
            long warmStart = System.nanoTime();
            List<Double> warmSteps = new ArrayList<>();
            while (warmSteps.size() < cfg.warmupSteps()) {
                long t0 = System.nanoTime();
                step(trainingStep, view1, view2, lr, tau);
                warmSteps.add((System.nanoTime() - t0) / 1e9);
                if (cfg.maxSeconds() > 0 && (System.nanoTime() - warmStart) / 1e9 >= cfg.maxSeconds()) {
                    break;
                }
            }
            warmupUsed = warmSteps.size();
            double stepSeconds = Medians.of(warmSteps.subList(warmupUsed > 1 ? 1 : 0, warmupUsed).stream()
                    .mapToDouble(Double::doubleValue)
                    .toArray());
            stepsUsed = stepsPerRound(stepSeconds);
            out.printf(
                    Locale.ROOT,
                    "warm-up: %d steps (first %.2f s, then median %.2f s); %d timed steps per" + " round%n",
                    warmupUsed,
                    warmSteps.get(0),
                    stepSeconds,
                    stepsUsed);

            Path configJson = root.resolve("bench-" + preset + ".json");
            AtomicFiles.writeString(configJson, tc.toJson() + System.lineSeparator());
            PyTorchServer server = baseline.start(
                    preset,
                    configJson,
                    threads,
                    warmupUsed,
                    cfg.warmupSteps(),
                    scheduleLength,
                    tc.seed(),
                    root,
                    pytorchInfo,
                    out);
            try {
                for (int r = 1; r <= cfg.rounds(); r++) {
                    long t0 = System.nanoTime();
                    for (int s = 0; s < stepsUsed; s++) {
                        step(trainingStep, view1, view2, lr, tau);
                    }
                    double stepRate = (double) stepsUsed * tc.batchSize() / ((System.nanoTime() - t0) / 1e9);
                    TrainResult pipeline = pipelines.run(tc, preset, r, stepsUsed);
                    Double torchRate = null;
                    if (server != null) {
                        try {
                            torchRate = server.run(stepsUsed);
                        } catch (IOException e) {
                            pytorchNote = "the PyTorch baseline stopped: " + e.getMessage();
                            out.println("note: " + pytorchNote + "; continuing without it");
                            server.close();
                            server = null;
                        }
                    }
                    rounds.add(new Round(r, stepRate, pipeline.imagesPerSecond(), pipeline.dataWaitShare(), torchRate));
                    out.printf(
                            Locale.ROOT,
                            "round %d: byol4j step %.1f img/s, full pipeline %.1f img/s" + " (data wait %.0f%%)%s%n",
                            r,
                            stepRate,
                            pipeline.imagesPerSecond(),
                            100 * pipeline.dataWaitShare(),
                            torchRate == null ? "" : String.format(Locale.ROOT, ", pytorch %.1f img/s", torchRate));
                }
            } finally {
                if (server != null) {
                    server.close();
                }
            }
        }
        if (pytorchNote == null && rounds.stream().anyMatch(r -> r.pytorch() == null)) {
            pytorchNote = baseline.note().orElse("not measured");
        }
        return PresetResult.of(
                preset,
                tc.encoder().displayName(),
                tc.batchSize(),
                tc.imageSize(),
                tc.optimizer().type(),
                device.toString(),
                warmupUsed,
                stepsUsed,
                rounds,
                pytorchNote);
    }

    /** {@code steps}, or fewer when a warm step is so slow that a round would exceed {@code maxSeconds}. */
    private int stepsPerRound(double stepSeconds) {
        if (cfg.maxSeconds() <= 0) {
            return cfg.steps();
        }
        return (int) Math.max(1, Math.min(cfg.steps(), Math.floor(cfg.maxSeconds() / stepSeconds)));
    }

    private void step(TrainingStep trainingStep, float[] view1, float[] view2, LrSchedule lr, TauSchedule tau) {
        TrainingStep.Result result = trainingStep.run(view1, view2, lr.at(stepIndex), tau.at(stepIndex));
        if (!result.applied()) {
            throw new IllegalStateException(
                    "the benchmark step diverged at step " + (stepIndex + 1) + " (loss " + result.loss() + ")");
        }
        stepIndex++;
    }

    private static float[] gaussian(Random random, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) random.nextGaussian();
        }
        return a;
    }
}
