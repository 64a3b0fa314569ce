package io.byol4j.exporter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.byol4j.exporter.graph.OnnxGraphBuilder;
import io.byol4j.exporter.head.LinearHead;
import io.byol4j.sdk.internal.ModelDigest;
import io.byol4j.sdk.model.ModelContract;
import io.byol4j.trainer.checkpoint.LoadedEncoder;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The metadata an exported model carries beyond its {@link ModelContract}: the training configuration,
 * the export options, and provenance (where the weights came from and when the model was made, under
 * {@link #PROVENANCE}). All keys start with {@link ModelContract#PREFIX}.
 */
public final class ExportMetadata {

    /** The training configuration (JSON) of the checkpoint. */
    public static final String KEY_TRAIN_CONFIG = ModelContract.PREFIX + "train_config";
    /** Hex SHA-256 of the UTF-8 bytes of {@link #KEY_TRAIN_CONFIG}'s value. */
    public static final String KEY_TRAIN_CONFIG_SHA256 = ModelContract.PREFIX + "train_config_sha256";
    /** Prefix of the provenance keys. */
    public static final String PROVENANCE = ModelContract.PREFIX + "provenance.";
    /** The dataset spec the encoder was trained on. */
    public static final String KEY_DATASET = PROVENANCE + "dataset";
    /** Optimiser steps the checkpoint had taken (0 for a random initialisation). */
    public static final String KEY_STEPS = PROVENANCE + "steps";
    /** When the model was exported (ISO-8601 instant, UTC). */
    public static final String KEY_EXPORTED_AT = PROVENANCE + "exported_at";
    /** Version of the exporter that wrote the model. */
    public static final String KEY_EXPORTER_VERSION = PROVENANCE + "exporter_version";
    /** ONNX operator set of the graph. */
    public static final String KEY_OPSET = ModelContract.PREFIX + "opset";
    /** {@code true} when weights are stored as float16. */
    public static final String KEY_FLOAT16 = ModelContract.PREFIX + "float16";
    /** {@code true} when BatchNorm was folded into convolutions. */
    public static final String KEY_BATCHNORM_FOLDED = ModelContract.PREFIX + "batchnorm_folded";
    /** Name of the class-probability output; present only with a fused head. */
    public static final String KEY_PROBABILITIES_OUTPUT = io.byol4j.sdk.classify.Classifier.KEY_PROBABILITIES_OUTPUT;
    /** Number of classes of the fused head. */
    public static final String KEY_HEAD_CLASSES = io.byol4j.sdk.classify.Classifier.KEY_CLASSES;
    /** Class names of the fused head as a JSON array of strings; present when the head names them. */
    public static final String KEY_HEAD_CLASS_NAMES = io.byol4j.sdk.classify.Classifier.KEY_CLASS_NAMES;

    private static final ObjectMapper JSON = new ObjectMapper();

    private ExportMetadata() {}

    /**
     * The contract of an export of {@code encoder}: input {@code "input"} of {@code channels ×
     * imageSize × imageSize}, output {@code "embedding"}. Images are resized so their shorter side is
     * {@code imageSize} and then centre-cropped, which matches how training views were evaluated.
     *
     * @throws IllegalArgumentException if the checkpoint's normalisation does not fit its channels
     */
    static ModelContract contract(LoadedEncoder encoder, int embeddingDim) {
        return new ModelContract(
                OnnxGraphBuilder.INPUT,
                OnnxGraphBuilder.EMBEDDING,
                encoder.spec().inputChannels(),
                encoder.imageSize(),
                encoder.imageSize(),
                encoder.imageSize(),
                encoder.mean(),
                encoder.std(),
                embeddingDim,
                encoder.spec().displayName());
    }

    /** All metadata of the model except the digest, in the order it is written. */
    static Map<String, String> of(
            LoadedEncoder encoder, ModelContract contract, ExportOptions options, Instant exportedAt) {
        Map<String, String> m = new LinkedHashMap<>(contract.toMetadata());
        String config = encoder.configJson() == null ? "" : encoder.configJson();
        m.put(KEY_TRAIN_CONFIG, config);
        m.put(KEY_TRAIN_CONFIG_SHA256, ModelDigest.sha256Hex(config.getBytes(StandardCharsets.UTF_8)));
        m.put(KEY_DATASET, encoder.dataset() == null ? "" : encoder.dataset());
        m.put(KEY_STEPS, Long.toString(encoder.step()));
        m.put(KEY_EXPORTED_AT, exportedAt.toString());
        m.put(KEY_EXPORTER_VERSION, ExporterVersion.get());
        m.put(KEY_OPSET, Integer.toString(OnnxGraphBuilder.OPSET));
        m.put(KEY_FLOAT16, Boolean.toString(options.float16()));
        m.put(KEY_BATCHNORM_FOLDED, Boolean.toString(options.foldBatchNorm()));
        LinearHead head = options.head();
        if (head != null) {
            m.put(KEY_PROBABILITIES_OUTPUT, OnnxGraphBuilder.PROBABILITIES);
            m.put(KEY_HEAD_CLASSES, Integer.toString(head.classes()));
            if (!head.classNames().isEmpty()) {
                try {
                    m.put(KEY_HEAD_CLASS_NAMES, JSON.writeValueAsString(head.classNames()));
                } catch (JsonProcessingException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return m;
    }
}
