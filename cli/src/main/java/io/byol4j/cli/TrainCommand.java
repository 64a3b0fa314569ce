package io.byol4j.cli;

import io.byol4j.sdk.internal.Durations;
import io.byol4j.trainer.config.TrainConfig;
import io.byol4j.trainer.train.ByolTrainer;
import io.byol4j.trainer.train.TrainResult;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code byol4j train}: BYOL pretraining from a preset or config file, with flag overrides. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = "Pretrain an encoder with BYOL (GPU when present, CPU otherwise).")
final class TrainCommand implements Callable<Integer> {

    @RunFlag // chooses the defaults the flags override
    @Option(
            names = "--preset",
            description = "Shipped preset: ${COMPLETION-CANDIDATES} (default cpu-tiny).",
            completionCandidates = Presets.class)
    String preset;

    @Option(names = "--config", description = "JSON training config (as saved in a run's config.json).")
    Path configFile;

    @Option(names = "--dataset", description = "Dataset spec, e.g. synthetic, folder:/data/imgs, cifar10-bin:/dir.")
    String dataset;

    @Option(names = "--epochs", description = "Number of epochs.")
    Integer epochs;

    @Option(names = "--batch-size", description = "Images per step.")
    Integer batchSize;

    @Option(names = "--out", description = "Run folder for checkpoints, metrics and plots.")
    String outputDir;

    @Option(names = "--device", converter = DeviceFlag.class, description = DeviceFlag.DESCRIPTION)
    String device;

    @Option(names = "--seed", description = "Random seed.")
    Long seed;

    @RunFlag
    @Option(names = "--resume", description = "Continue from the run folder's latest checkpoint.")
    boolean resume;

    @RunFlag
    @Option(
            names = "--allow-dataset-change",
            description = "With --resume: continue although the dataset's image"
                    + " count changed since the checkpoint (the schedule keeps its steps, the data order changes; recorded in"
                    + " the run's " + ByolTrainer.RESUME_LOG + ").")
    boolean allowDatasetChange;

    @RunFlag
    @Option(
            names = "--force",
            description = "Start afresh in an --out folder that is not empty: its previous"
                    + " content is replaced when training finishes, and kept if training fails.")
    boolean force;

    @RunFlag // dotted keys of nested parts, applied after the typed flags
    @Option(names = "--set", description = "Override any config key, e.g. --set optimizer.baseLr=0.5 (repeatable).")
    List<String> sets = List.of();

    /** Lists the preset names for the help text. */
    static final class Presets implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return TrainConfig.PRESETS.iterator();
        }
    }

    @Override
    public Integer call() {
        if (preset != null && configFile != null) {
            throw new CliException("give either --preset or --config, not both");
        }
        if (resume && force) {
            throw new CliException("give either --resume (continue the run) or --force (replace it), not both");
        }
        if (allowDatasetChange && !resume) {
            throw new CliException("--allow-dataset-change only applies with --resume");
        }
        TrainConfig cfg = resolve();
        Path runDir = runDir(cfg);
        if (!resume) {
            Outputs.refuseNonEmptyFolder("train", runDir, force, ", or --resume a run");
        }
        System.out.println("== train configuration");
        System.out.println(cfg.toJson());
        TrainResult r;
        if (resume) {
            r = new ByolTrainer().allowDatasetChange(allowDatasetChange).run(cfg, true, System.out);
        } else {
            Outputs.FolderReplacement replacement;
            try {
                replacement = Outputs.replaceFolder(runDir, System.out);
            } catch (java.io.IOException e) {
                throw new CliException(
                        "cannot move the previous content of " + runDir + " aside: " + e.getMessage(), e);
            }
            try {
                r = new ByolTrainer().run(cfg, false, System.out);
            } catch (RuntimeException | Error e) {
                replacement.rollBack(e);
                throw e;
            }
            try {
                replacement.commit();
            } catch (java.io.IOException e) {
                System.out.println("warning: could not delete the previous content kept aside: " + e.getMessage());
            }
        }
        System.out.printf(
                Locale.ROOT,
                "trained %d/%d steps in %s: final loss %.4f, %.1f images/s, data wait %.1f%%," + " %d images skipped%n",
                r.steps(),
                r.totalSteps(),
                Durations.format(r.elapsed()),
                r.finalLoss(),
                r.imagesPerSecond(),
                100 * r.dataWaitShare(),
                r.skippedImages());
        System.out.println("checkpoint: " + r.finalCheckpoint());
        return 0;
    }

    TrainConfig resolve() {
        TrainConfig base = configFile != null
                ? TrainConfig.fromJson(configFile)
                : TrainConfig.preset(preset == null ? "cpu-tiny" : preset);
        Map<String, String> overrides = new LinkedHashMap<>();
        // the typed flags: each option field is named after the TrainConfig key it sets, with its type
        CommandConfigs.flagValues(TrainConfig.class, this).forEach((key, value) -> {
            if (value != null) {
                overrides.put(key, value.toString());
            }
        });
        for (String s : sets) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new CliException("--set expects key=value, got '" + s + "'");
            }
            overrides.put(s.substring(0, eq).trim(), s.substring(eq + 1).trim());
        }
        return overrides.isEmpty() ? base : base.withOverrides(overrides);
    }

    static Path runDir(TrainConfig cfg) {
        return Path.of(cfg.outputDir());
    }
}
