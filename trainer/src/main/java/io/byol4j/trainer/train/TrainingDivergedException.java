package io.byol4j.trainer.train;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The loss or the weights became NaN or infinite. Training stopped there; nothing was saved after the
 * last good checkpoint (checkpoints are only written from finite weights).
 */
public class TrainingDivergedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final long step;
    private final transient Path lastCheckpoint;

    TrainingDivergedException(long step, int epoch, String problem, Path lastCheckpoint) {
        super("training diverged: " + problem + " at step " + step + " (epoch " + epoch + "); stopped without "
                + "saving. "
                + (lastCheckpoint == null
                        ? "No checkpoint was written before."
                        : "The last good checkpoint is " + lastCheckpoint + ".")
                + " Lower optimizer.baseLr or raise warmupEpochs and start a new run.");
        this.step = step;
        this.lastCheckpoint = lastCheckpoint;
    }

    /** 1-based step at which a non-finite loss or weight was detected. */
    public long step() {
        return step;
    }

    /** The newest checkpoint on disk, which holds the last good weights. */
    public Optional<Path> lastCheckpoint() {
        return Optional.ofNullable(lastCheckpoint);
    }
}
