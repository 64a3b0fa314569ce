package io.byol4j.sdkbench;

import io.byol4j.exporter.ExportException;
import io.byol4j.exporter.ExportOptions;
import io.byol4j.exporter.ExportReport;
import io.byol4j.exporter.OnnxExporter;
import io.byol4j.trainer.checkpoint.Checkpoints;
import io.byol4j.trainer.config.TrainConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The model the benchmarks run by default: the {@code cpu-tiny} encoder (ResNet-10, width 16, CIFAR stem,
 * 32×32 RGB, 128-d embedding) with its seeded random initialisation, exported to ONNX exactly as
 * {@code byol4j export} does ({@link #export(Path, String)} exports another preset's encoder). Random weights cost
 * the same to run as trained ones.
 */
public final class BenchModel {

    /** Name of the JMH parameter that carries the model path into the forked benchmark JVMs. */
    static final String PARAM = "model";
    /** Images per batch in every benchmark. */
    static final int BATCH = 64;
    /** Side of the square input images. */
    public static final int SIZE = 32;

    private BenchModel() {}

    /** Exports the model into {@code dir} (created if missing) and returns the {@code .onnx} file. */
    public static Path export(Path dir) throws IOException {
        return export(dir, "cpu-tiny");
    }

    /**
     * Exports the encoder of trainer preset {@code preset} (e.g. {@code cifar10}: ResNet-18 w64, 32x32) with its
     * seeded initial weights into {@code dir} (created if missing) and returns the {@code .onnx} file.
     *
     * @throws IllegalArgumentException for an unknown preset
     */
    public static Path export(Path dir, String preset) throws IOException {
        Files.createDirectories(dir);
        TrainConfig config = TrainConfig.preset(preset);
        Path run = dir.resolve("random-init-" + preset);
        Checkpoints.saveInitial(config, run);
        Path model = dir.resolve(config.encoder().architecture() + "-w"
                + config.encoder().width() + "-" + config.imageSize() + "px-" + preset + ".onnx");
        ExportReport report;
        try {
            report = OnnxExporter.export(
                    run, model, ExportOptions.builder().force(true).build());
        } catch (ExportException e) {
            throw new IOException("cannot export the benchmark model: " + e.getMessage(), e);
        }
        System.out.println("benchmark model: " + model + " (preset " + preset + ", " + report.summary() + ")");
        return model;
    }

    /**
     * The model named by a benchmark's {@code model} parameter, or, when it is blank (a benchmark started
     * without {@link BenchMain}), a fresh export in a temporary folder.
     */
    static Path resolve(String param) {
        if (param != null && !param.isBlank()) {
            Path model = Path.of(param);
            if (!Files.isRegularFile(model)) {
                throw new IllegalArgumentException("benchmark model " + model + " does not exist");
            }
            return model;
        }
        try {
            return export(Files.createTempDirectory("byol4j-bench-model"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot export the benchmark model: " + e.getMessage(), e);
        }
    }
}
