package io.byol4j.exporter;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnxruntime.OrtException;
import io.byol4j.exporter.graph.ConverterRegistry;
import io.byol4j.exporter.graph.GraphOptions;
import io.byol4j.exporter.graph.OnnxGraphBuilder;
import io.byol4j.exporter.graph.ops.StandardConverters;
import io.byol4j.exporter.model.ModelAssembler;
import io.byol4j.sdk.internal.ModelDigest;
import io.byol4j.sdk.internal.io.AtomicFiles;
import io.byol4j.sdk.model.ModelContract;
import io.byol4j.trainer.checkpoint.Checkpoints;
import io.byol4j.trainer.checkpoint.LoadedEncoder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exports the online encoder of a BYOL checkpoint as a verified, self-describing ONNX model.
 *
 * <p>The encoder's block tree is translated to an opset-{@value OnnxGraphBuilder#OPSET} graph (input
 * {@code "input"} NCHW float32 with a dynamic batch, output {@code "embedding"}, and
 * {@code "probabilities"} when a head is fused); the model's metadata holds its {@link ModelContract},
 * the training configuration, provenance and a content digest ({@link ModelDigest}). The model is
 * first written to a temporary file beside {@code out}, run in ONNX Runtime next to DJL (inference
 * mode) on random and optionally real inputs, and only moved into place when every output agrees
 * within the {@link ParityTolerance}. The {@link ExportReport} is written beside it as
 * {@code <out without .onnx>.export.json}; model, report and any companion files are fsync'd and committed
 * together by {@link AtomicFiles#commitAll}. On any failure (a full disk included) nothing is left behind (no
 * model, report, temporary file or newly created folder) and existing outputs are untouched.
 */
public final class OnnxExporter {

    /** Suffix of the JSON report written beside the model. */
    public static final String REPORT_SUFFIX = ".export.json";

    private static final Logger LOG = LoggerFactory.getLogger(OnnxExporter.class);
    private static final String ONNX_SUFFIX = ".onnx";

    private final ConverterRegistry registry;
    private final Clock clock;

    OnnxExporter(ConverterRegistry registry, Clock clock) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Exports {@code encoder} to {@code out}.
     *
     * @return the report, also written to {@link #reportPath(Path) reportPath(out)}
     * @throws ExportException if {@code out} exists and {@code options.force()} is false, a block
     *     cannot be translated (the message names its class and path), the outputs disagree beyond
     *     the tolerance (the exception carries the report), or a file cannot be written
     */
    public static ExportReport export(LoadedEncoder encoder, Path out, ExportOptions options) throws ExportException {
        return export(encoder, out, options, Map.of());
    }

    /**
     * Exports {@code encoder} to {@code out} and writes {@code companions} (file -> UTF-8 text, e.g. the
     * command's saved configuration) in the same commit: the model, its report and every companion file
     * replace their previous versions together, or on any failure all of them stay as they were.
     *
     * @throws ExportException as {@link #export(LoadedEncoder, Path, ExportOptions)}; also if a companion
     *     file exists and {@code options.force()} is false
     */
    public static ExportReport export(
            LoadedEncoder encoder, Path out, ExportOptions options, Map<Path, String> companions)
            throws ExportException {
        return new OnnxExporter(StandardConverters.registry(), Clock.systemUTC())
                .run(encoder, out, options, companions);
    }

    /**
     * Loads the online encoder of {@code checkpoint} (a checkpoint folder or a run folder) and exports
     * it to {@code out}; the weights are released before returning.
     *
     * @throws ExportException as {@link #export(LoadedEncoder, Path, ExportOptions)}, or if the
     *     checkpoint cannot be loaded
     */
    public static ExportReport export(Path checkpoint, Path out, ExportOptions options) throws ExportException {
        Objects.requireNonNull(checkpoint, "checkpoint");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(options, "options");
        checkTarget(out.toAbsolutePath().normalize(), options.force());
        try (NDManager manager = NDManager.newBaseManager()) {
            LoadedEncoder encoder;
            try {
                encoder = Checkpoints.loadOnlineEncoder(checkpoint, manager);
            } catch (RuntimeException e) {
                throw new ExportException("cannot load checkpoint " + checkpoint + ": " + e.getMessage(), e);
            }
            return export(encoder, out, options);
        }
    }

    /** Where the report of a model exported to {@code model} is written. */
    public static Path reportPath(Path model) {
        String name = model.getFileName().toString();
        String stem = name.endsWith(ONNX_SUFFIX) && name.length() > ONNX_SUFFIX.length()
                ? name.substring(0, name.length() - ONNX_SUFFIX.length())
                : name;
        return model.resolveSibling(stem + REPORT_SUFFIX);
    }

    ExportReport run(LoadedEncoder encoder, Path out, ExportOptions options) throws ExportException {
        return run(encoder, out, options, Map.of());
    }

    ExportReport run(LoadedEncoder encoder, Path out, ExportOptions options, Map<Path, String> companions)
            throws ExportException {
        Objects.requireNonNull(encoder, "encoder");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(options, "options");
        long start = System.nanoTime();
        Path target = out.toAbsolutePath().normalize();
        checkTarget(target, options.force());
        Map<Path, String> extra = new LinkedHashMap<>();
        for (Map.Entry<Path, String> c : companions.entrySet()) {
            Path file = c.getKey().toAbsolutePath().normalize();
            checkTarget(file, options.force());
            extra.put(file, c.getValue());
        }

        GraphProto graph = buildGraph(encoder, options);
        int embeddingDim = (int) graph.getOutput(0)
                .getType()
                .getTensorType()
                .getShape()
                .getDim(1)
                .getDimValue();
        if (embeddingDim != encoder.spec().embeddingDim()) {
            throw new ExportException("the encoder outputs " + embeddingDim + " features but its spec "
                    + encoder.spec().displayName() + " promises "
                    + encoder.spec().embeddingDim());
        }
        ModelContract contract;
        try {
            contract = ExportMetadata.contract(encoder, embeddingDim);
        } catch (IllegalArgumentException e) {
            throw new ExportException("the checkpoint does not describe a valid model input: " + e.getMessage(), e);
        }
        Map<String, String> metadata = ExportMetadata.of(encoder, contract, options, clock.instant());
        byte[] model = seal(graph, metadata);

        Path report = reportPath(target);
        checkTarget(report, options.force());
        Path createdFolder = null;
        List<AtomicFiles.StagedFile> staged = new ArrayList<>();
        Throwable failure = null;
        try {
            createdFolder = ExportFiles.createParentFolders(target);
            AtomicFiles.StagedFile modelFile = AtomicFiles.stage(target);
            staged.add(modelFile);
            modelFile.write(ByteBuffer.wrap(model));
            modelFile.flush();
            ParityCheck.Result parity = new ParityCheck(encoder.encoder(), contract, options).run(modelFile.temp());
            ParityTolerance tolerance = options.effectiveTolerance();
            ExportReport result = new ExportReport(
                    target,
                    contract.architecture(),
                    embeddingDim,
                    OnnxGraphBuilder.OPSET,
                    options.float16(),
                    options.foldBatchNorm(),
                    options.head() != null,
                    graph.getNodeCount(),
                    parity.random(),
                    parity.real(),
                    parity.randomProbabilities(),
                    parity.realProbabilities(),
                    tolerance,
                    parity.acceptedBy(tolerance),
                    model.length,
                    ModelDigest.sha256Hex(model),
                    ModelDigest.declared(model),
                    (System.nanoTime() - start) / 1e9);
            if (!result.passed()) {
                throw new ExportException(
                        "parity check failed, ONNX Runtime and DJL disagree: " + result.summary()
                                + "; no model was written",
                        result);
            }
            staged.add(AtomicFiles.stage(report, result.toJson()));
            for (Map.Entry<Path, String> c : extra.entrySet()) {
                Files.createDirectories(c.getKey().getParent());
                staged.add(AtomicFiles.stage(c.getKey(), c.getValue()));
            }
            // the model, its report and the companions appear together or not at all
            AtomicFiles.commitAll(staged);
            LOG.info(
                    "exported {} to {} ({} bytes): {}",
                    contract.architecture(),
                    target,
                    result.fileSizeBytes(),
                    result.summary());
            return result;
        } catch (ExportException | RuntimeException e) {
            failure = e;
            throw e;
        } catch (IOException e) {
            failure = e;
            throw new ExportException("export to " + target + " failed, nothing was written: " + e.getMessage(), e);
        } catch (OrtException e) {
            failure = e;
            throw new ExportException("ONNX Runtime cannot run the exported model: " + e.getMessage(), e);
        } finally {
            staged.forEach(AtomicFiles.StagedFile::discard);
            if (failure != null) {
                ExportFiles.deleteEmptyFolders(target.getParent(), createdFolder, failure);
            }
        }
    }

    private static byte[] seal(GraphProto graph, Map<String, String> metadata) throws ExportException {
        try {
            return ModelDigest.seal(ModelAssembler.assemble(graph, metadata, ExporterVersion.get())
                    .toByteArray());
        } catch (IllegalArgumentException e) {
            throw new ExportException("cannot seal the model with its content digest: " + e.getMessage(), e);
        }
    }

    private GraphProto buildGraph(LoadedEncoder encoder, ExportOptions options) throws ExportException {
        int size = encoder.imageSize();
        try {
            Shape sample = new Shape(encoder.spec().inputChannels(), size, size);
            return new OnnxGraphBuilder(registry)
                    .build(
                            encoder.encoder(),
                            sample,
                            new GraphOptions(options.foldBatchNorm(), options.float16(), options.head()));
        } catch (IllegalArgumentException e) {
            throw new ExportException("cannot export " + encoder.spec().displayName() + ": " + e.getMessage(), e);
        }
    }

    /** Refuses a folder as output, and an existing output without {@code force}; touches nothing. */
    private static void checkTarget(Path target, boolean force) throws ExportException {
        if (Files.isDirectory(target)) {
            throw new ExportException("output " + target + " is a directory; give a file name such as model.onnx");
        }
        if (Files.exists(target) && !force) {
            throw new ExportException(
                    "output " + target + " already exists; pass --force (ExportOptions.force)" + " to replace it");
        }
    }
}
