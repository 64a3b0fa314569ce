package io.byol4j.sdk.features;

import java.io.IOException;

/**
 * A feature directory is malformed: a {@code .npy} file with a bad magic, version, dtype or size, or
 * files that disagree with each other; or it lacks what the reader asked for (labels for
 * {@link FeatureFile#readLabeled}). The message names the file or folder and the problem.
 */
public class FeatureFileException extends IOException {

    private static final long serialVersionUID = 1L;

    /** A malformed feature file or folder; {@code message} names it and the problem. */
    public FeatureFileException(String message) {
        super(message);
    }
}
