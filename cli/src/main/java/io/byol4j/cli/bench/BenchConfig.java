package io.byol4j.cli.bench;

import io.byol4j.cli.CliException;
import io.byol4j.trainer.config.TrainConfig;
import java.util.List;

/**
 * Configuration of one {@code byol4j bench} run, as read from {@code --config} and flags and saved as
 * {@code bench-config.json}.
 *
 * @param out output folder, {@code null} for a new folder {@code runs/bench/<date>-<time>}
 * @param presets shipped presets to measure
 * @param warmupSteps untimed steps of the byol4j step (and of PyTorch) before the rounds
 * @param steps timed steps per round and measurement (lowered per preset by {@code maxSeconds})
 * @param rounds interleaved rounds; medians are over rounds
 * @param threads libtorch intra-op threads, {@code null} for the engine's default
 * @param maxSeconds target seconds per round and measurement: a preset whose warm step is slow runs
 *     {@code max(1, floor(maxSeconds / stepSeconds))} steps per round instead of {@code steps}, where
 *     {@code stepSeconds} is the median warm-up step after the first; 0 always runs {@code steps};
 *     warm-up also stops once it has taken this long
 * @param imageSize image side instead of the preset's, {@code null} for the preset's
 * @param batchSize batch instead of the preset's, {@code null} for the preset's
 * @param pytorch python executable for the PyTorch baseline, {@code null} for none
 * @param pytorchScript path of {@code byol_step.py}, {@code null} to look for it in the source tree
 * @param seed seed of the weights and of the synthetic data
 */
public record BenchConfig(
        String out,
        List<String> presets,
        int warmupSteps,
        int steps,
        int rounds,
        Integer threads,
        double maxSeconds,
        Integer imageSize,
        Integer batchSize,
        String pytorch,
        String pytorchScript,
        long seed) {

    /** The values used for keys that neither the config file nor a flag sets. */
    public static final BenchConfig DEFAULTS =
            new BenchConfig(null, List.of("cpu-tiny", "cpu-small"), 5, 20, 2, null, 10.0, null, null, null, null, 42L);

    /** This configuration writing to {@code folder}. */
    BenchConfig withOut(String folder) {
        return new BenchConfig(
                folder,
                presets,
                warmupSteps,
                steps,
                rounds,
                threads,
                maxSeconds,
                imageSize,
                batchSize,
                pytorch,
                pytorchScript,
                seed);
    }

    /** Throws a {@link CliException} naming the first flag whose value cannot be benchmarked. */
    void validate() {
        if (presets == null || presets.isEmpty()) {
            throw new CliException("--presets needs at least one preset; known: " + TrainConfig.PRESETS);
        }
        if (warmupSteps < 1) {
            throw new CliException("--warmup-steps must be at least 1, got " + warmupSteps);
        }
        if (steps < 1) {
            throw new CliException("--steps must be at least 1, got " + steps);
        }
        if (rounds < 1) {
            throw new CliException("--rounds must be at least 1, got " + rounds);
        }
        if (threads != null && threads < 1) {
            throw new CliException("--threads must be at least 1, got " + threads);
        }
        if (!(maxSeconds >= 0) || Double.isInfinite(maxSeconds)) {
            throw new CliException("--max-seconds must be 0 or positive, got " + maxSeconds);
        }
    }
}
