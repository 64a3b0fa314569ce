package io.byol4j.exporter;

import io.byol4j.exporter.head.LinearHead;
import io.byol4j.trainer.finetune.FineTunedClassifier;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Exports the result of {@code byol4j finetune} as one classifier model: the fine-tuned encoder with its
 * classifier fused as the {@code probabilities} output next to {@code embedding}, the class names (indexed by
 * label) and the class count in the metadata, the fine-tuning config as the model's training config, and the
 * usual parity check (DJL vs ONNX Runtime on both outputs) before the file is moved into place. The SDK's
 * {@code Classifier} opens it.
 */
public final class ClassifierExport {

    private ClassifierExport() {}

    /**
     * Exports the fine-tuning run in {@code runDir} to {@code out}.
     *
     * @param options export options; their {@code head} is ignored (the run's classifier is the head)
     * @param classNames the class names to store, or null for the run's own; when given they must equal the
     *     labels the classifier was trained on, in order
     * @throws ExportException if the run cannot be loaded, the class names disagree with the run's labels (before
     *     anything is written), or as {@link OnnxExporter#export}
     */
    public static ExportReport export(Path runDir, Path out, ExportOptions options, List<String> classNames)
            throws ExportException {
        Objects.requireNonNull(runDir, "runDir");
        Objects.requireNonNull(options, "options");
        try (FineTunedClassifier classifier = load(runDir)) {
            List<String> trained = classifier.classNames();
            if (classNames != null && !classNames.equals(trained)) {
                throw new ExportException("the class names " + classNames + " disagree with the labels the classifier"
                        + " in " + runDir + " was trained on " + trained + " (same names, same order, one per class);"
                        + " nothing was written");
            }
            LinearHead head = new LinearHead(classifier.headWeights(), classifier.headBias(), trained);
            ExportOptions withHead = options.toBuilder().head(head).build();
            return OnnxExporter.export(classifier.encoder(), out, withHead);
        }
    }

    private static FineTunedClassifier load(Path runDir) throws ExportException {
        try {
            return FineTunedClassifier.load(runDir);
        } catch (IOException | RuntimeException e) {
            throw new ExportException("cannot load the fine-tuned classifier in " + runDir + ": " + e.getMessage(), e);
        }
    }
}
