package io.byol4j.cli.bench;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import io.byol4j.cli.CommandConfigs;
import io.byol4j.trainer.config.TrainConfig;
import io.byol4j.trainer.memory.MallocTuning;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** One {@code byol4j bench} run: the engine set up as the trainer sets it, every preset measured, the outputs. */
final class TrainBenchmark {

    private TrainBenchmark() {}

    /**
     * Measures every preset of {@code cfg} and writes {@code bench.csv}, {@code bench.json} and
     * {@code bench-config.json} under {@code cfg.out()}; progress and the table go to {@code out}.
     *
     * @throws io.byol4j.cli.CliException when the configuration is invalid
     */
    static BenchReport run(BenchConfig cfg, PrintStream out) throws IOException, InterruptedException {
        cfg.validate();
        Path root = Path.of(cfg.out());
        CommandConfigs.save(root, "bench", cfg);
        Files.deleteIfExists(root.resolve(PipelineRuns.LOG));
        List<TrainConfig> trainConfigs = new ArrayList<>();
        for (String preset : cfg.presets()) {
            trainConfigs.add(trainConfig(cfg, preset));
        }
        Engine engine = Engine.getEngine("PyTorch");
        if (cfg.threads() != null) {
            JniUtils.setNumThreads(cfg.threads());
        }
        int threadsUsed = JniUtils.getNumThreads();
        String omp = System.getenv("OMP_WAIT_POLICY");
        String engineName = engine.getEngineName() + " " + engine.getVersion();
        out.printf(
                Locale.ROOT,
                "engine %s, %d intra-op threads, OMP_WAIT_POLICY=%s%n",
                engineName,
                threadsUsed,
                omp == null ? "(unset)" : omp);
        if (omp == null || !omp.equalsIgnoreCase("PASSIVE")) {
            out.println("note: OMP_WAIT_POLICY is not PASSIVE; spinning OpenMP threads distort timings on a busy"
                    + " machine (the ./byol4j launcher sets it)");
        }
        // As the trainer does (TrainingSession), so that the step measured is the step that trains.
        String malloc = MallocTuning.apply().detail();
        out.println(malloc);

        PyTorchBaseline baseline = PyTorchBaseline.locate(cfg, out);
        Map<String, Object> pytorchInfo = new LinkedHashMap<>();
        pytorchInfo.put("python", cfg.pytorch());
        pytorchInfo.put(
                "script", baseline.script() == null ? null : baseline.script().toString());
        PipelineRuns pipelines = new PipelineRuns(root);
        pipelines.warmUp(trainConfigs.get(0), out);
        List<PresetResult> results = new ArrayList<>();
        for (int i = 0; i < cfg.presets().size(); i++) {
            PresetMeasurement measurement =
                    new PresetMeasurement(cfg, cfg.presets().get(i), trainConfigs.get(i), pipelines, root, out);
            results.add(measurement.measure(threadsUsed, baseline, pytorchInfo));
        }
        baseline.note().ifPresent(n -> pytorchInfo.put("note", n));
        pipelines.deleteScratch();

        BenchReport report = new BenchReport(cfg, engineName, threadsUsed, omp, malloc, pytorchInfo, results);
        ReportFormats.printTable(out, report);
        ReportFormats.writeCsv(root.resolve("bench.csv"), results);
        CommandConfigs.saveJson(root.resolve("bench.json"), report);
        out.println("files: " + root.resolve("bench.csv") + ", " + root.resolve("bench.json") + ", "
                + root.resolve("bench-config.json"));
        return report;
    }

    /** The preset with the bench's overrides; no monitor, no periodic checkpoints. */
    static TrainConfig trainConfig(BenchConfig cfg, String preset) {
        Map<String, String> overrides = new LinkedHashMap<>();
        if (cfg.imageSize() != null) {
            overrides.put("imageSize", cfg.imageSize().toString());
        }
        if (cfg.batchSize() != null) {
            overrides.put("batchSize", cfg.batchSize().toString());
        }
        overrides.put("seed", Long.toString(cfg.seed()));
        overrides.put("monitor.knnEveryEpochs", "0");
        overrides.put("checkpointEverySteps", "0");
        return TrainConfig.preset(preset).withOverrides(overrides);
    }
}
