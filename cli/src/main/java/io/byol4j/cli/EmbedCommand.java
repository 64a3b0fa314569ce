package io.byol4j.cli;

import io.byol4j.sdk.data.Dataset;
import io.byol4j.sdk.data.Datasets;
import io.byol4j.sdk.encoder.BulkExtractor;
import io.byol4j.sdk.encoder.Encoder;
import io.byol4j.sdk.encoder.EncoderOptions;
import io.byol4j.sdk.features.FeatureFile;
import io.byol4j.sdk.internal.Durations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code byol4j embed}: features of every image of a dataset, written as {@code features.npy}
 * (float32, N×D), {@code labels.npy} (int32, -1 when unlabeled), {@code ids.txt} and {@code classes.txt}.
 */
@Command(
        name = "embed",
        mixinStandardHelpOptions = true,
        description = "Extract features of a dataset with an exported model (NumPy-readable .npy output).")
final class EmbedCommand implements Callable<Integer> {

    /** Configuration of one embed run. */
    record EmbedConfig(
            String model,
            String dataset,
            String out,
            int batchSize,
            int threads,
            int decodeThreads,
            boolean normalize,
            boolean force) {}

    static final EmbedConfig DEFAULTS = new EmbedConfig(
            null,
            null,
            null,
            EncoderOptions.DEFAULT_BATCH_SIZE,
            0,
            Math.max(1, Runtime.getRuntime().availableProcessors() - 1),
            false,
            false);

    /** The files embed writes into its output folder. */
    static final List<String> OUTPUT_FILES = List.of(
            FeatureFile.FEATURES, FeatureFile.LABELS, FeatureFile.IDS, FeatureFile.CLASSES, "embed-config.json");

    @Option(names = "--config", description = "JSON file with the embed configuration.")
    Path configFile;

    @Option(names = "--model", description = "The exported .onnx model.")
    String model;

    @Option(names = "--dataset", description = "Dataset spec, e.g. folder:/imgs, flat:/imgs, synthetic:size=500.")
    String dataset;

    @Option(names = "--out", description = "Output folder for the feature files.")
    String out;

    @Option(names = "--batch-size", description = "Images per inference batch (default 64).")
    Integer batchSize;

    @Option(names = "--threads", description = "ONNX Runtime intra-op threads (0 = runtime default).")
    Integer threads;

    @Option(
            names = "--decode-threads",
            description = "Threads decoding images ahead of inference (default: cores - 1).")
    Integer decodeThreads;

    @Option(names = "--normalize", description = "Scale each feature vector to unit L2 norm.")
    Boolean normalize;

    @Option(names = "--force", description = "Replace the feature files of an earlier embed in --out.")
    Boolean force;

    @RunFlag
    @Option(
            names = "--engine",
            description = "onnx (default, this JVM) or spark (the spark module's job; the"
                    + " ./byol4j launcher runs it with Spark on the class path, see README \"Spark\").")
    String engine;

    @Override
    public Integer call() throws Exception {
        if (engine != null && !engine.equals("onnx")) {
            throw new CliException(
                    engine.equals("spark")
                            ? "--engine spark runs through the ./byol4j launcher (which puts Spark on the class path)"
                                    + " or spark-submit with spark/target/byol4j-spark-job.jar; see README \"Spark\""
                            : "--engine must be onnx or spark, not " + engine);
        }
        EmbedConfig cfg = CommandConfigs.resolve(EmbedConfig.class, DEFAULTS, configFile, this);
        if (cfg.model() == null || cfg.dataset() == null || cfg.out() == null) {
            throw new CliException("--model, --dataset and --out are required");
        }
        CommandConfigs.print(System.out, "embed", cfg);
        BulkExtractor.Summary s = run(cfg);
        System.out.printf(
                Locale.ROOT,
                "embedded %d images (%d skipped) in %s, %.1f images/s -> %s%n",
                s.count(),
                s.skipped(),
                Durations.seconds(s.seconds()),
                s.imagesPerSecond(),
                cfg.out());
        return 0;
    }

    /** Runs one extraction and saves its configuration beside the features. */
    static BulkExtractor.Summary run(EmbedConfig cfg) throws Exception {
        EncoderOptions options = EncoderOptions.builder()
                .batchSize(cfg.batchSize())
                .intraOpThreads(cfg.threads())
                .normalize(cfg.normalize())
                .build();
        Path outDir = Path.of(cfg.out());
        if (Files.exists(outDir) && !Files.isDirectory(outDir)) {
            throw new CliException("embed output " + outDir + " is a file, not a folder");
        }
        Outputs.refuseExisting(
                "embed", cfg.force(), OUTPUT_FILES.stream().map(outDir::resolve).toList());
        try (Encoder encoder = Encoder.open(Path.of(cfg.model()), options)) {
            Dataset data = Datasets.open(cfg.dataset(), encoder.contract().channels());
            BulkExtractor.Summary summary = BulkExtractor.builder(encoder)
                    .decodeThreads(cfg.decodeThreads())
                    .progress(System.out)
                    .build()
                    // the saved configuration is committed with the features: all or nothing
                    .extract(
                            data,
                            outDir,
                            Map.of("embed-config.json", CommandConfigs.toJson(cfg) + System.lineSeparator()));
            return summary;
        }
    }
}
