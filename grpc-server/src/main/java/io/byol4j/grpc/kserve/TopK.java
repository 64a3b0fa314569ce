package io.byol4j.grpc.kserve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.byol4j.grpc.model.OutputSpec;
import io.byol4j.grpc.model.ServedModel;
import io.byol4j.sdk.classify.Classifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Triton's classification extension for one output: instead of the output's values, the {@code k} highest
 * of each row as BYTES strings {@code "<value>:<index>"}, or {@code "<value>:<index>:<label>"} for the class
 * probabilities of a model exported with a head that names its classes (the model's metadata). Highest
 * first; equal values by ascending index. {@code k} larger than the output's width returns every element.
 */
final class TopK {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final int k;
    private final List<String> labels;

    private TopK(int k, List<String> labels) {
        this.k = k;
        this.labels = labels;
    }

    /** The top {@code count} classes of {@code output} of {@code model}. */
    static TopK of(ServedModel model, OutputSpec output, int count) {
        return new TopK(Math.min(count, output.width()), labels(model, output));
    }

    /** Elements per row of the answer. */
    int k() {
        return k;
    }

    /** The answer's elements for every row, row after row ({@code rows.length * k()} strings). */
    List<byte[]> strings(float[][] rows, OutputSpec output) {
        List<byte[]> out = new ArrayList<>(rows.length * k);
        for (float[] row : rows) {
            int offset = output.offset();
            int[] order = IntStream.range(0, output.width())
                    .boxed()
                    .sorted(Comparator.comparingDouble((Integer i) -> -row[offset + i])
                            .thenComparingInt(i -> i))
                    .limit(k)
                    .mapToInt(Integer::intValue)
                    .toArray();
            for (int index : order) {
                String s = row[offset + index] + ":" + index + (labels == null ? "" : ":" + labels.get(index));
                out.add(s.getBytes(StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    /** Class names for the model's class-probability output, when its metadata names them all; else null. */
    private static List<String> labels(ServedModel model, OutputSpec output) {
        String probabilities = model.metadata().get(Classifier.KEY_PROBABILITIES_OUTPUT);
        String names = model.metadata().get(Classifier.KEY_CLASS_NAMES);
        if (names == null || !output.name().equals(probabilities)) {
            return null;
        }
        try {
            List<String> parsed = JSON.readValue(names, new TypeReference<List<String>>() {});
            return parsed.size() == output.width() ? parsed : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
