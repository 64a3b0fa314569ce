package io.byol4j.cli;

import ai.djl.ndarray.NDManager;
import io.byol4j.exporter.ExportOptions;
import io.byol4j.exporter.ExportReport;
import io.byol4j.exporter.OnnxExporter;
import io.byol4j.exporter.head.LinearHead;
import io.byol4j.sdk.data.Dataset;
import io.byol4j.sdk.data.Datasets;
import io.byol4j.trainer.checkpoint.Checkpoints;
import io.byol4j.trainer.checkpoint.LoadedEncoder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code byol4j export}: the online encoder of a checkpoint to a verified ONNX model. */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = "Export a checkpoint's online encoder to ONNX, verified against DJL on real and random inputs.")
final class ExportCommand implements Callable<Integer> {

    /** Configuration of one export. {@code parityDataset}: a dataset spec, "train" (the checkpoint's), or "none". */
    record ExportConfig(
            String checkpoint,
            String out,
            boolean force,
            boolean foldBatchNorm,
            boolean float16,
            Double tolerance,
            Double relativeTolerance,
            String withHead,
            String parityDataset,
            int maxParityImages) {}

    static final ExportConfig DEFAULTS =
            new ExportConfig(null, null, false, false, false, null, null, null, "train", 64);

    @Option(names = "--config", description = "JSON file with the export configuration.")
    Path configFile;

    @Option(names = "--checkpoint", description = "A run folder (its latest checkpoint) or a checkpoint folder.")
    String checkpoint;

    @Option(names = "--out", description = "The .onnx file to write.")
    String out;

    @Option(names = "--force", description = "Replace an existing output file.")
    Boolean force;

    @Option(names = "--fold-bn", description = "Fold BatchNorm into the preceding convolution.")
    Boolean foldBatchNorm;

    @Option(names = "--fp16", description = "Store weights as float16 (inputs and outputs stay float32).")
    Boolean float16;

    @Option(
            names = "--tolerance",
            description = "Absolute part of the parity bound |djl - onnx| <= atol + rtol * max|djl|.")
    Double tolerance;

    @Option(names = "--rtol", description = "Relative part of the parity bound (scaled by the largest output value).")
    Double relativeTolerance;

    @Option(names = "--with-head", description = "A linear head file (head.json from 'probe') to fuse into the model.")
    String withHead;

    @Option(
            names = "--parity-dataset",
            description = "Real images for the parity check: 'train' (default: the"
                    + " checkpoint's training data), a dataset spec, or 'none'.")
    String parityDataset;

    @Option(names = "--max-parity-images", description = "Real images used by the parity check (default 64).")
    Integer maxParityImages;

    @Override
    public Integer call() throws Exception {
        ExportConfig cfg = CommandConfigs.resolve(ExportConfig.class, DEFAULTS, configFile, this);
        if (cfg.checkpoint() == null || cfg.out() == null) {
            throw new CliException("--checkpoint and --out are required");
        }
        CommandConfigs.print(System.out, "export", cfg);
        ExportReport report = run(cfg);
        System.out.println(report.summary());
        System.out.println("model: " + report.model());
        System.out.println("report: " + OnnxExporter.reportPath(report.model()));
        return 0;
    }

    /** Runs one export and saves its configuration beside the model. */
    static ExportReport run(ExportConfig cfg) throws Exception {
        Path outFile = Path.of(cfg.out());
        try (NDManager manager = NDManager.newBaseManager()) {
            LoadedEncoder enc = Checkpoints.loadOnlineEncoder(Path.of(cfg.checkpoint()), manager);
            ExportOptions.Builder options = ExportOptions.builder()
                    .force(cfg.force())
                    .foldBatchNorm(cfg.foldBatchNorm())
                    .float16(cfg.float16())
                    .tolerance(cfg.tolerance())
                    .relativeTolerance(cfg.relativeTolerance())
                    .maxParityImages(cfg.maxParityImages());
            Dataset parity = parityDataset(cfg.parityDataset(), enc);
            if (parity != null) {
                options.parityDataset(parity);
            }
            if (cfg.withHead() != null) {
                List<String> classes = parity != null ? parity.classNames() : List.of();
                options.head(LinearHead.load(Path.of(cfg.withHead()), classes));
            }
            String stem = outFile.getFileName().toString().replaceFirst("\\.onnx$", "");
            // the saved configuration is committed with the model and its report: all or nothing
            return OnnxExporter.export(
                    enc,
                    outFile,
                    options.build(),
                    Map.of(
                            outFile.resolveSibling(stem + ".export-config.json"),
                            CommandConfigs.toJson(cfg) + System.lineSeparator()));
        }
    }

    private static Dataset parityDataset(String spec, LoadedEncoder enc) {
        if (spec == null || spec.equalsIgnoreCase("none")) {
            return null;
        }
        String resolved = spec.equalsIgnoreCase("train") ? enc.dataset() : spec;
        try {
            return Datasets.open(resolved, enc.spec().inputChannels());
        } catch (IllegalArgumentException e) {
            throw new CliException(
                    "cannot open the parity dataset '" + resolved + "': " + e.getMessage()
                            + " (use --parity-dataset SPEC or --parity-dataset none)",
                    e);
        }
    }
}
