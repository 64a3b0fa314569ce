/**
 * {@code byol4j bench}: BYOL training throughput per preset. Not to be confused with the {@code sdk-bench}
 * module (JMH benchmarks of the SDK's inference).
 *
 * <ul>
 *   <li>{@link io.byol4j.cli.bench.BenchCommand}: the picocli command, flags to {@link io.byol4j.cli.bench.BenchConfig};
 *   <li>{@code TrainBenchmark}: the run, preset after preset, and its outputs;
 *   <li>{@code PresetMeasurement}: the timing loop of one preset (warm-up, interleaved rounds);
 *   <li>{@code PipelineRuns}: short real trainer runs, the "full pipeline" measurement;
 *   <li>{@code PyTorchBaseline}, {@code PyTorchScript}, {@code PyTorchServer}: the optional plain-PyTorch
 *       baseline: whether it runs, where its script is, and the line protocol with its subprocess;
 *   <li>{@code BenchReport}, {@code ReportFormats}: the results and their table, CSV and JSON forms.
 * </ul>
 *
 * <p>Everything but the command and its configuration is internal to the CLI.
 */
package io.byol4j.cli.bench;
