package io.byol4j.trainer.config;

/**
 * Optional representation-quality monitor run during training: a leave-one-out k-nearest-neighbour
 * classification (cosine similarity, majority vote) of online-encoder embeddings on up to
 * {@code knnSamples} labeled training images, every {@code knnEveryEpochs} epochs (0 switches it off).
 * It needs a labeled dataset; on an unlabeled one it is skipped with a notice.
 */
public record MonitorConfig(int knnEveryEpochs, int knnK, int knnSamples) {

    /** Validates the ranges. */
    public MonitorConfig {
        ConfigChecks.nonNegative("monitor.knnEveryEpochs", knnEveryEpochs);
        ConfigChecks.positive("monitor.knnK", knnK);
        if (knnSamples <= knnK) {
            throw new IllegalArgumentException(
                    "monitor.knnSamples must be greater than monitor.knnK (" + knnK + "), got " + knnSamples);
        }
    }

    /** The monitor switched off. */
    public static MonitorConfig off() {
        return new MonitorConfig(0, 20, 1000);
    }

    /** True when the k-NN monitor runs at the end of {@code epoch} (1-based). */
    public boolean knnDue(int epoch) {
        return knnEveryEpochs > 0 && epoch % knnEveryEpochs == 0;
    }
}
