package io.byol4j.cli.bench;

import io.byol4j.cli.CommandConfigs;
import io.byol4j.cli.Outputs;
import io.byol4j.cli.RunFlag;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code byol4j bench}: BYOL training throughput (images/s) per preset, on synthetic data at the preset's
 * image size. For every preset, in the same JVM and interleaved round by round:
 *
 * <ul>
 *   <li><b>byol4j step</b>: the trainer's own {@code TrainingStep} (online and target forward of both views,
 *       symmetric loss, backward, optimiser update, EMA update) on pre-made batches, so it isolates compute;
 *   <li><b>full pipeline</b>: a real {@code ByolTrainer} run of the same number of steps on a synthetic
 *       dataset, data loading and augmentation on its background threads included;
 *   <li><b>pytorch</b> (with {@code --pytorch PYTHON}): {@code bench/pytorch/byol_step.py}, the same model
 *       and step in plain PyTorch eager mode with the same batch and thread count, kept running in a
 *       subprocess between its rounds.
 * </ul>
 *
 * <p>Reports the median of the rounds and the median of the per-round ratios; writes {@code bench.csv},
 * {@code bench.json} and {@code bench-config.json} into the output folder, which must be new or empty unless
 * {@code --force} (then its previous content is restored if the bench fails). Each flag field is named after
 * the {@link BenchConfig} component it sets (checked by {@link CommandConfigs#resolve(Class, Record, Path,
 * Object)}).
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "BYOL training throughput per preset: the trainer's step alone, the full pipeline,"
                + " and optionally plain PyTorch eager on the same model.")
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--config", description = "JSON file with the bench configuration.")
    Path configFile;

    @RunFlag
    @Option(names = "--force", description = "Replace the content of a non-empty --out folder (kept if bench fails).")
    boolean force;

    @Option(names = "--out", description = "Output folder (default: a new folder runs/bench/<date>-<time>).")
    String out;

    @Option(names = "--presets", split = ",", description = "Presets to measure (default cpu-tiny,cpu-small).")
    List<String> presets;

    @Option(names = "--warmup-steps", description = "Untimed steps before the rounds (default 5).")
    Integer warmupSteps;

    @Option(names = "--steps", description = "Timed steps per round and measurement (default 20).")
    Integer steps;

    @Option(names = "--rounds", description = "Interleaved rounds; results are medians over rounds (default 2).")
    Integer rounds;

    @Option(names = "--threads", description = "libtorch intra-op threads (default: the engine's default).")
    Integer threads;

    @Option(
            names = "--max-seconds",
            description = "Seconds per round and measurement a preset may take;"
                    + " slower presets run fewer steps (default 10, 0: always --steps).")
    Double maxSeconds;

    @Option(names = "--image-size", description = "Image side instead of the preset's.")
    Integer imageSize;

    @Option(names = "--batch-size", description = "Batch instead of the preset's.")
    Integer batchSize;

    @Option(
            names = "--pytorch",
            description = "python3 with torch: also time " + PyTorchScript.SCRIPT + " (plain PyTorch).")
    String pytorch;

    @Option(names = "--pytorch-script", description = "Path of byol_step.py (default: found in the source tree).")
    String pytorchScript;

    @Option(names = "--seed", description = "Seed of the weights and the synthetic data (default 42).")
    Long seed;

    /** Resolves the configuration, prints it and runs the benchmark; returns the exit code 0. */
    @Override
    public Integer call() throws Exception {
        BenchConfig cfg = CommandConfigs.resolve(BenchConfig.class, BenchConfig.DEFAULTS, configFile, this);
        if (cfg.out() == null) {
            Path fresh = Outputs.newRunFolder(Path.of("runs", "bench"), LocalDateTime.now());
            System.out.println("bench: writing to the new folder " + fresh);
            cfg = cfg.withOut(fresh.toString());
        }
        cfg.validate();
        Path root = Path.of(cfg.out());
        Outputs.refuseNonEmptyFolder("bench", root, force, "");
        CommandConfigs.print(System.out, "bench", cfg);
        Outputs.FolderReplacement replacement = Outputs.replaceFolder(root, System.out);
        try {
            TrainBenchmark.run(cfg, System.out);
        } catch (Exception | Error e) {
            replacement.rollBack(e);
            throw e;
        }
        replacement.commit();
        return 0;
    }
}
