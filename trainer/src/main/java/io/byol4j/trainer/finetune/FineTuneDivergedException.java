package io.byol4j.trainer.finetune;

import java.nio.file.Path;

/** The fine-tuning loss or weights became NaN or infinite; the trial stopped without saving past its last good checkpoint. */
public final class FineTuneDivergedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    FineTuneDivergedException(String trial, long step, String problem, Path lastCheckpoint) {
        super("fine-tuning diverged in trial " + trial + ": " + problem + " at step " + step + "; stopped without"
                + " saving. "
                + (lastCheckpoint == null
                        ? "No checkpoint was written before."
                        : "The last good checkpoint is " + lastCheckpoint + ".")
                + " Lower the learning rate (learningRates) and start again with --force.");
    }
}
