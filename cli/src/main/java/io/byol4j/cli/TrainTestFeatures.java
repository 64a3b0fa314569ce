package io.byol4j.cli;

import io.byol4j.sdk.features.FeatureFile;
import io.byol4j.sdk.features.FeatureSet;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The two labeled feature folders an evaluation command fits on and scores on, read with
 * {@link FeatureFile#readLabeled} and checked against each other.
 */
record TrainTestFeatures(FeatureSet train, FeatureSet test) {

    /**
     * The output folder of an evaluation command: {@code out}, or {@code command} beside the train folder.
     *
     * @throws CliException if the train or test folder is not given
     */
    static Path outputFolder(String train, String test, String out, String command) {
        if (train == null || test == null) {
            throw new CliException("--train and --test feature folders are required");
        }
        return out != null ? Path.of(out) : Path.of(train).resolveSibling(command);
    }

    /**
     * Reads both folders.
     *
     * @throws CliException if the dimensions differ or the train folder names fewer than 2 classes
     * @throws IOException if a folder is missing, malformed, empty or has unlabeled rows
     */
    static TrainTestFeatures read(String train, String test) throws IOException {
        FeatureSet tr = FeatureFile.readLabeled(Path.of(train));
        FeatureSet te = FeatureFile.readLabeled(Path.of(test));
        if (tr.dim() != te.dim()) {
            throw new CliException("train features have dimension " + tr.dim() + " but test features " + te.dim());
        }
        int classes = tr.classNames().size();
        if (classes < 2) {
            throw new CliException(
                    "the train features need labels of at least 2 classes; " + train + " has " + classes);
        }
        return new TrainTestFeatures(tr, te);
    }

    /** Number of classes of the train folder (at least 2). */
    int classes() {
        return train.classNames().size();
    }
}
