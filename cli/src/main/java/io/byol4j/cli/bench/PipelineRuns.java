package io.byol4j.cli.bench;

import io.byol4j.sdk.data.Dataset;
import io.byol4j.sdk.data.Datasets;
import io.byol4j.sdk.internal.io.AtomicFiles;
import io.byol4j.trainer.config.TrainConfig;
import io.byol4j.trainer.train.ByolTrainer;
import io.byol4j.trainer.train.TrainResult;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The "full pipeline" measurement: short real {@link ByolTrainer} runs on synthetic data, in scratch folders
 * under {@code <out>/.pipeline} that are removed afterwards; their progress goes to {@code <out>/pipeline.log}.
 */
final class PipelineRuns {

    /** The trainer runs' progress log, appended to by every run of one bench. */
    static final String LOG = "pipeline.log";

    private final Path root;

    PipelineRuns(Path root) {
        this.root = root;
    }

    /** One real training run of {@code steps} steps (one epoch) on a synthetic dataset. */
    TrainResult run(TrainConfig tc, String preset, int round, int steps) throws IOException {
        Path runDir = scratch().resolve(preset + "-round" + round);
        AtomicFiles.deleteRecursively(runDir);
        String spec =
                "synthetic:size=" + (long) steps * tc.batchSize() + ",seed=" + tc.seed() + ",image=" + tc.imageSize();
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("dataset", spec);
        overrides.put("steps", Integer.toString(steps));
        overrides.put("outputDir", runDir.toString());
        overrides.put("logEverySteps", Integer.toString(Math.max(1, steps)));
        TrainConfig run = tc.withOverrides(overrides);
        Dataset dataset = Datasets.open(spec, tc.channels());
        Files.createDirectories(root);
        try (PrintStream log = new PrintStream(
                Files.newOutputStream(root.resolve(LOG), StandardOpenOption.CREATE, StandardOpenOption.APPEND),
                true,
                StandardCharsets.UTF_8)) {
            log.printf(Locale.ROOT, "== %s round %d%n", preset, round);
            return new ByolTrainer().run(run, dataset, false, log);
        } finally {
            AtomicFiles.deleteRecursively(runDir);
        }
    }

    /**
     * One untimed two-step trainer run of the first preset at a batch of at most 16, so that one-time JVM
     * costs (class loading, the first chart rendering, JIT of the loader and augmentations) stay out of the
     * timed pipeline rounds.
     */
    void warmUp(TrainConfig first, PrintStream out) throws IOException {
        long t0 = System.nanoTime();
        TrainConfig small = first.withOverrides(Map.of("batchSize", Integer.toString(Math.min(16, first.batchSize()))));
        run(small, "jvm-warmup", 0, 2);
        out.printf(
                Locale.ROOT,
                "pipeline warm-up (untimed 2-step run, batch %d): %.1f s%n",
                small.batchSize(),
                (System.nanoTime() - t0) / 1e9);
    }

    /** Removes the scratch folder of the runs. */
    void deleteScratch() throws IOException {
        AtomicFiles.deleteRecursively(scratch());
    }

    private Path scratch() {
        return root.resolve(".pipeline");
    }
}
