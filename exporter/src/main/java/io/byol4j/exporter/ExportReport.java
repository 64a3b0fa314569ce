package io.byol4j.exporter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.byol4j.sdk.internal.ModelDigest;
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
 * @param random embedding differences on random-normal inputs
 * @param real embedding differences on preprocessed dataset images; null when no dataset was given
 * @param randomProbabilities class-probability differences on random inputs; null without a head
 * @param realProbabilities class-probability differences on dataset images; null without a head or
 *     without a dataset
 * @param tolerance the absolute and relative tolerance applied to each of the above
 * @param passed whether every output on every kind of input was within the tolerance
 * @param fileSizeBytes size of the model file
 * @param sha256 hex SHA-256 of the model file as written
 * @param contentDigest the digest stored in the model metadata (see {@link ModelDigest})
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
        ParityStats randomProbabilities,
        ParityStats realProbabilities,
        ParityTolerance tolerance,
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

    /** The largest embedding difference over random and real inputs. */
    public double maxAbsDiff() {
        return real == null ? random.maxAbsDiff() : Math.max(random.maxAbsDiff(), real.maxAbsDiff());
    }

    /** A one-line summary for logs and error messages. */
    public String summary() {
        StringBuilder sb = new StringBuilder().append("random inputs ").append(describe(random));
        if (real != null) {
            sb.append("; dataset images ").append(describe(real));
        }
        if (randomProbabilities != null) {
            sb.append("; probabilities on random inputs ").append(describe(randomProbabilities));
        }
        if (realProbabilities != null) {
            sb.append("; probabilities on dataset images ").append(describe(realProbabilities));
        }
        return sb.append("; tolerance ").append(tolerance).toString();
    }

    private String describe(ParityStats s) {
        return String.format(
                Locale.ROOT,
                "(%d): max |diff| %.3g (allowed %.3g), mean %.3g, outputs up to %.3g",
                s.samples(),
                s.maxAbsDiff(),
                tolerance.allowedDiff(s.maxAbsReference()),
                s.meanAbsDiff(),
                s.maxAbsReference());
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
        root.set("real", stats(real));
        root.set("randomProbabilities", stats(randomProbabilities));
        root.set("realProbabilities", stats(realProbabilities));
        ObjectNode tol = root.putObject("tolerance");
        tol.put("absolute", tolerance.absolute());
        tol.put("relative", tolerance.relative());
        tol.put("rule", "max|djl - onnx| <= absolute + relative * max|djl|, per output and kind of input");
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

    /** The stats as a JSON object with the difference they were allowed, or JSON null. */
    private JsonNode stats(ParityStats s) {
        if (s == null) {
            return NullNode.getInstance();
        }
        ObjectNode node = JSON.createObjectNode();
        node.put("samples", s.samples());
        putNumber(node, "maxAbsDiff", s.maxAbsDiff());
        putNumber(node, "meanAbsDiff", s.meanAbsDiff());
        putNumber(node, "maxAbsReference", s.maxAbsReference());
        putNumber(node, "allowedDiff", tolerance.allowedDiff(s.maxAbsReference()));
        node.put("passed", tolerance.accepts(s));
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
