package io.byol4j.cli.bench;

import java.util.List;
import java.util.Map;

/**
 * The whole result of a {@code byol4j bench} run, as written to {@code bench.json}.
 *
 * @param config the configuration the run used
 * @param engine DJL engine name and version
 * @param threads libtorch intra-op threads
 * @param ompWaitPolicy the {@code OMP_WAIT_POLICY} environment variable, {@code null} when unset
 * @param malloc what the glibc malloc tuning did
 * @param pytorch the PyTorch baseline's interpreter, script, versions and note
 * @param presets one result per preset, in the configuration's order
 */
public record BenchReport(
        BenchConfig config,
        String engine,
        int threads,
        String ompWaitPolicy,
        String malloc,
        Map<String, Object> pytorch,
        List<PresetResult> presets) {}
