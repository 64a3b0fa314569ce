package io.byol4j.cli;

import io.byol4j.exporter.ClassifierExport;
import io.byol4j.exporter.ExportOptions;
import io.byol4j.exporter.ExportReport;
import io.byol4j.sdk.data.Dataset;
import io.byol4j.sdk.internal.Durations;
import io.byol4j.trainer.finetune.FineTuneConfig;
import io.byol4j.trainer.finetune.FineTuneResult;
import io.byol4j.trainer.finetune.FineTuner;
import io.byol4j.trainer.finetune.TrialResult;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Stack;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IParameterConsumer;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code byol4j finetune}: a BYOL encoder (or the same network from random initialisation) with a linear
 * classifier, trained on labeled images or a stratified fraction of them, the learning rate and epochs chosen
 * on a validation split; then exported as one classifier model ({@code classifier.onnx}).
 */
@Command(
        name = "finetune",
        mixinStandardHelpOptions = true,
        description = "Fine-tune a BYOL encoder (or train the same network from scratch) with a linear classifier on"
                + " labeled images, choosing learning rate and epochs on a validation split; export classifier.onnx.")
final class FinetuneCommand implements Callable<Integer> {

    /** The command's configuration; see {@link FineTuneConfig} for each field. */
    record FinetuneConfig(
            String checkpoint,
            String init,
            String mode,
            String dataset,
            String test,
            Double fraction,
            Long seed,
            List<Double> learningRates,
            List<Integer> epochs,
            Double validationShare,
            Boolean retrainOnAll,
            Integer batchSize,
            Double momentum,
            Double weightDecay,
            Double cropScaleMin,
            Boolean convertInputs,
            String device,
            Integer checkpointEverySteps,
            Integer logEverySteps,
            Integer workers,
            List<String> classNames,
            Boolean export,
            String out) {

        FineTuneConfig toTrainer() {
            return new FineTuneConfig(
                    checkpoint,
                    init,
                    mode,
                    dataset,
                    test,
                    fraction,
                    seed,
                    learningRates,
                    epochs,
                    validationShare,
                    retrainOnAll,
                    batchSize,
                    momentum,
                    weightDecay,
                    cropScaleMin,
                    convertInputs,
                    device,
                    checkpointEverySteps,
                    logEverySteps,
                    workers,
                    classNames,
                    out);
        }
    }

    /** Name of the exported classifier in the run folder. */
    static final String MODEL_FILE = "classifier.onnx";

    static final FinetuneConfig DEFAULTS = defaults();

    @Option(names = "--config", description = "JSON file with the configuration (as saved in finetune-config.json).")
    Path configFile;

    @Option(
            names = "--checkpoint",
            description = "BYOL run or checkpoint folder: architecture, input, normalisation"
                    + " and (with --init byol) the encoder weights.")
    String checkpoint;

    @Option(
            names = "--init",
            description = "byol (default) or random: the same network from a seeded random"
                    + " initialisation, the supervised-from-scratch baseline.")
    String init;

    @Option(names = "--mode", description = "full (default: train every weight) or linear (frozen encoder).")
    String mode;

    @Option(names = "--dataset", description = "Labeled training dataset spec, e.g. folder:/data/train.")
    String dataset;

    @Option(names = "--test", description = "Labeled dataset scored once at the end (never used for any choice).")
    String test;

    @Option(
            names = "--fraction",
            description = "Stratified share of the labeled images to use, in (0, 1] (default 1);"
                    + " the same images as 'semi' and 'report' for the same seed.")
    Double fraction;

    @Option(
            names = "--seed",
            description = "Seed of the label fraction, validation split, data order and init (default 1).")
    Long seed;

    @Option(names = "--lr", split = ",", paramLabel = "LR", description = "Learning-rate grid (default 0.01,0.05).")
    List<Double> learningRates;

    @Option(names = "--epochs", split = ",", paramLabel = "N", description = "Epoch grid (default 30).")
    List<Integer> epochs;

    @Option(
            names = "--validation-share",
            description = "Share of the labeled images held out per class to choose" + " the setting (default 0.2).")
    Double validationShare;

    @Option(
            names = "--retrain-on-all",
            negatable = true,
            description = "After the search, train the chosen setting again on every labeled image"
                    + " (train and validation; default on).")
    Boolean retrainOnAll;

    @Option(names = "--batch-size", description = "Images per step (default 64).")
    Integer batchSize;

    @Option(names = "--momentum", description = "Nesterov momentum (default 0.9).")
    Double momentum;

    @Option(names = "--weight-decay", description = "L2 penalty on weights (default 0, as the paper's fine-tuning).")
    Double weightDecay;

    @Option(
            names = "--crop-scale-min",
            description = "Smallest area share of the random resized crop used as augmentation (default 0.2).")
    Double cropScaleMin;

    @Option(
            names = "--convert-inputs",
            description = "Convert the data's channels (gray <-> RGB) and size to the"
                    + " checkpoint's input; without it a mismatch is refused.")
    Boolean convertInputs;

    @Option(names = "--device", converter = DeviceFlag.class, description = DeviceFlag.DESCRIPTION)
    String device;

    @Option(
            names = "--checkpoint-every-steps",
            description = "Steps between checkpoints within a trial (0: only at its end; default 200).")
    Integer checkpointEverySteps;

    @Option(names = "--log-every-steps", description = "Steps between progress lines (default 20).")
    Integer logEverySteps;

    @Option(names = "--workers", description = "Threads that decode and augment the images (default 2).")
    Integer workers;

    @Option(
            names = "--class-names",
            paramLabel = "FILE",
            parameterConsumer = ClassNamesFile.class,
            description = "File with one class name per line, in label order, stored in the"
                    + " exported model instead of the dataset's folder names.")
    List<String> classNames;

    @Option(
            names = "--export",
            negatable = true,
            description = "Export classifier.onnx after training (default on; --no-export skips it).")
    Boolean export;

    @Option(names = "--out", description = "Run folder.")
    String out;

    @RunFlag
    @Option(names = "--resume", description = "Continue the run in --out from its latest checkpoints.")
    boolean resume;

    @RunFlag
    @Option(names = "--force", description = "Replace an existing run (and classifier.onnx) in --out.")
    boolean force;

    /**
     * Reads {@code --class-names FILE} into the option's list: one name per line, blank lines skipped (the
     * key is the list of names; the flag names the file that holds them).
     */
    static final class ClassNamesFile implements IParameterConsumer {
        @Override
        public void consumeParameters(Stack<String> args, ArgSpec argSpec, CommandSpec commandSpec) {
            if (args.isEmpty()) {
                throw new ParameterException(commandSpec.commandLine(), "--class-names needs a file");
            }
            String file = args.pop();
            try {
                argSpec.setValue(readNames(Path.of(file)));
            } catch (IOException | RuntimeException e) {
                throw new ParameterException(
                        commandSpec.commandLine(),
                        "cannot read --class-names file " + file + ": " + e,
                        e,
                        argSpec,
                        file);
            }
        }
    }

    private static FinetuneConfig defaults() {
        FineTuneConfig d = FineTuneConfig.defaults("unset", "unset", "runs/finetune");
        return new FinetuneConfig(
                null,
                d.init(),
                d.mode(),
                null,
                null,
                d.fraction(),
                d.seed(),
                d.learningRates(),
                d.epochs(),
                d.validationShare(),
                d.retrainOnAll(),
                d.batchSize(),
                d.momentum(),
                d.weightDecay(),
                d.cropScaleMin(),
                d.convertInputs(),
                d.device(),
                d.checkpointEverySteps(),
                d.logEverySteps(),
                d.workers(),
                null,
                true,
                d.out());
    }

    @Override
    public Integer call() throws Exception {
        FinetuneConfig cfg = CommandConfigs.resolve(FinetuneConfig.class, DEFAULTS, configFile, this);
        FineTuneConfig trainer;
        try {
            trainer = cfg.toTrainer();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new CliException("invalid finetune configuration: " + e.getMessage(), e);
        }
        CommandConfigs.print(System.out, "finetune", cfg);
        Path runDir = Path.of(trainer.out());
        Path model = runDir.resolve(MODEL_FILE);
        boolean export = !Boolean.FALSE.equals(cfg.export());
        if (export && Files.exists(model) && !force && !resume) {
            throw new CliException(model + " already exists; use --force to replace the run and its model");
        }
        FineTuneResult result = new FineTuner().run(trainer, resume, force, System.out);
        CommandConfigs.save(runDir, "finetune", cfg);
        if (result == null) {
            return 1;
        }
        printSummary(System.out, result);
        if (export) {
            if (Files.exists(model) && !force) {
                System.out.println("classifier already exported: " + model + " (use --force to replace it)");
            } else {
                ExportReport report = ClassifierExport.export(
                        runDir,
                        model,
                        ExportOptions.builder()
                                .force(force)
                                .parityDataset(parityImages(trainer))
                                .maxParityImages(64)
                                .build(),
                        null);
                System.out.println("classifier model: " + model + " (" + report.summary() + ")");
            }
        }
        return 0;
    }

    private static Dataset parityImages(FineTuneConfig cfg) {
        return io.byol4j.sdk.data.Datasets.open(cfg.testDataset() != null ? cfg.testDataset() : cfg.dataset(), 0);
    }

    static void printSummary(PrintStream out, FineTuneResult r) {
        out.println();
        out.printf(
                Locale.ROOT,
                "fine-tuning (%s, %s init) on %d labeled images (fraction %s, seed %d)%n",
                r.mode(),
                r.init(),
                r.labeledImages(),
                r.fraction(),
                r.seed());
        for (TrialResult t : r.trials()) {
            out.printf(
                    Locale.ROOT,
                    "  lr %-8s epochs %-4d validation accuracy %.4f%n",
                    t.learningRate(),
                    t.epochs(),
                    t.valAccuracy());
        }
        out.printf(
                Locale.ROOT,
                "chosen: lr %s, %d epochs; result trained on %d images in %s%n",
                r.chosenLearningRate(),
                r.chosenEpochs(),
                r.result().trainImages(),
                Durations.format(
                        java.time.Duration.ofMillis((long) (1000 * r.result().seconds()))));
        if (!Double.isNaN(r.testAccuracy())) {
            out.printf(Locale.ROOT, "test accuracy: %.2f%% (%d images)%n", 100 * r.testAccuracy(), r.testImages());
        }
    }

    private static List<String> readNames(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .toList();
    }
}
