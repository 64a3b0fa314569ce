package io.byol4j.exporter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * What an export produced and how well the ONNX model matched DJL. Written as JSON beside the model
 * ({@code <name>.export.json}).
 *
 * @param model the model file
 * @param architecture the encoder's display name, e.g. {@code resnet18-w64-cifar-c3}
 * @param embeddingDim length of the {@code embedding} output
 * @param opset ONNX operator set of the model
 * @param float16 whether weights are stored as float16
 * @param foldedBatchNorm whether BatchNorm was folded into convolutions
 * @param withHead whether a classification head was fused ({@code probabilities} output)
 * @param nodeCount nodes in the ONNX graph
 * @param random differences on random-normal inputs
 * @param real differences on preprocessed dataset images; null when no dataset was given
 * @param tolerance the absolute tolerance applied
 * @param passed whether every difference was within the tolerance
 * @param fileSizeBytes size of the model file
 * @param sha256 hex SHA-256 of the model file as written
 * @param contentDigest the digest stored in the model metadata (see
 *     {@link io.byol4j.exporter.model.ContentDigest})
 * @param seconds wall time of the export, parity check included
 */
public record ExportReport(
        Path model,
        String architecture,
        int embeddingDim,
        int opset,
        boolean float16,
        boolean foldedBatchNorm,
        boolean withHead,
        int nodeCount,
        ParityStats random,
        ParityStats real,
        double tolerance,
        boolean passed,
        long fileSizeBytes,
        String sha256,
        String contentDigest,
        double seconds) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The real-image differences, if a dataset was compared. */
    public Optional<ParityStats> optionalReal() {
        return Optional.ofNullable(real);
    }

    /** The largest difference over random and real inputs. */
    public double maxAbsDiff() {
        return real == null ? random.maxAbsDiff() : Math.max(random.maxAbsDiff(), real.maxAbsDiff());
    }

    /** A one-line summary for logs and error messages. */
    public String summary() {
        StringBuilder sb = new StringBuilder()
                .append("random inputs ").append(describe(random));
        if (real != null) {
            sb.append("; dataset images ").append(describe(real));
        }
        return sb.append(String.format(Locale.ROOT, "; tolerance %.3g", tolerance)).toString();
    }

    private static String describe(ParityStats s) {
        return String.format(Locale.ROOT, "(%d): max |diff| %.3g, mean %.3g, outputs up to %.3g",
                s.samples(), s.maxAbsDiff(), s.meanAbsDiff(), s.maxAbsReference());
    }

    /** The report as pretty-printed JSON (non-finite differences are written as strings). */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("model", model.toString());
        root.put("architecture", architecture);
        root.put("embeddingDim", embeddingDim);
        root.put("opset", opset);
        root.put("float16", float16);
        root.put("foldedBatchNorm", foldedBatchNorm);
        root.put("withHead", withHead);
        root.put("nodeCount", nodeCount);
        root.set("random", stats(random));
        if (real == null) {
            root.putNull("real");
        } else {
            root.set("real", stats(real));
        }
        root.put("tolerance", tolerance);
        root.put("passed", passed);
        root.put("fileSizeBytes", fileSizeBytes);
        root.put("sha256", sha256);
        root.put("contentDigest", contentDigest);
        root.put("seconds", seconds);
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode stats(ParityStats s) {
        ObjectNode node = JSON.createObjectNode();
        node.put("samples", s.samples());
        putNumber(node, "maxAbsDiff", s.maxAbsDiff());
        putNumber(node, "meanAbsDiff", s.meanAbsDiff());
        putNumber(node, "maxAbsReference", s.maxAbsReference());
        return node;
    }

    private static void putNumber(ObjectNode node, String key, double value) {
        if (Double.isFinite(value)) {
            node.put(key, value);
        } else {
            node.put(key, Double.toString(value));
        }
    }
}
