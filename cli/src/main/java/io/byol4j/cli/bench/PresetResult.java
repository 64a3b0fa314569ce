package io.byol4j.cli.bench;

import java.util.List;

/**
 * Everything measured for one preset: its rounds and their medians (images per second). Ratios are medians of
 * the per-round ratios; the PyTorch fields are {@code null} unless every round measured PyTorch, and then
 * {@code pytorchNote} says why.
 */
public record PresetResult(
        String preset,
        String encoder,
        int batch,
        int imageSize,
        String optimizer,
        String device,
        int warmupSteps,
        int stepsPerRound,
        List<Round> rounds,
        double byol4jStep,
        double pipeline,
        double pipelineDataWait,
        double pipelineOverStep,
        Double pytorch,
        Double byol4jOverPytorch,
        String pytorchNote) {

    /** Summarises the rounds of one preset. */
    static PresetResult of(
            String preset,
            String encoder,
            int batch,
            int imageSize,
            String optimizer,
            String device,
            int warmupSteps,
            int stepsPerRound,
            List<Round> rounds,
            String pytorchNote) {
        boolean torchAll = rounds.stream().allMatch(r -> r.pytorch() != null);
        double stepMedian =
                Medians.of(rounds.stream().mapToDouble(Round::byol4jStep).toArray());
        double pipeMedian =
                Medians.of(rounds.stream().mapToDouble(Round::pipeline).toArray());
        double waitMedian =
                Medians.of(rounds.stream().mapToDouble(Round::pipelineDataWait).toArray());
        double pipeRatio = Medians.of(
                rounds.stream().mapToDouble(r -> r.pipeline() / r.byol4jStep()).toArray());
        Double torchMedian = torchAll
                ? Medians.of(rounds.stream().mapToDouble(Round::pytorch).toArray())
                : null;
        Double torchRatio = torchAll
                ? Medians.of(rounds.stream()
                        .mapToDouble(r -> r.byol4jStep() / r.pytorch())
                        .toArray())
                : null;
        return new PresetResult(
                preset,
                encoder,
                batch,
                imageSize,
                optimizer,
                device,
                warmupSteps,
                stepsPerRound,
                List.copyOf(rounds),
                stepMedian,
                pipeMedian,
                waitMedian,
                pipeRatio,
                torchMedian,
                torchRatio,
                torchAll ? null : pytorchNote);
    }
}
