package io.byol4j.trainer.finetune;

import java.util.List;

/**
 * What a finished fine-tuning run measured, saved as {@code result.json} in the run folder.
 *
 * @param labeledImages images whose labels the run used (the label fraction)
 * @param trainImages of those, images the search trained on
 * @param validationImages of those, images held out to choose the setting (0 without a search)
 * @param trials every searched setting with its validation accuracy, in grid order
 * @param chosenLearningRate the chosen setting
 * @param chosenEpochs the chosen setting
 * @param result the trial whose weights are the result (the retrained "final", or the best trial)
 * @param testAccuracy top-1 accuracy on the test dataset (NaN without one)
 * @param testImages images scored
 * @param classNames the classes, indexed by label, as the exported model names them
 */
public record FineTuneResult(
        String init,
        String mode,
        double fraction,
        long seed,
        int labeledImages,
        int trainImages,
        int validationImages,
        List<TrialResult> trials,
        double chosenLearningRate,
        int chosenEpochs,
        TrialResult result,
        double testAccuracy,
        int testImages,
        List<String> classNames) {}
