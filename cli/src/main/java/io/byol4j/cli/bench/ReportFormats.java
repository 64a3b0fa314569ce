package io.byol4j.cli.bench;

import io.byol4j.sdk.internal.io.AtomicFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The bench's results as a table on the console and as {@code bench.csv} (the JSON form is the report record). */
final class ReportFormats {

    private ReportFormats() {}

    /** Prints one row per preset, with the PyTorch columns when any preset has them, then the notes. */
    static void printTable(PrintStream out, BenchReport report) {
        boolean torch = report.presets().stream().anyMatch(p -> p.pytorch() != null);
        int rounds = report.config().rounds();
        out.println();
        out.printf(
                Locale.ROOT,
                "byol4j bench: BYOL training images/s, median of %d interleaved round%s; %s, %d" + " threads%n",
                rounds,
                rounds == 1 ? "" : "s",
                report.engine(),
                report.threads());
        String line = "+-----------+-------------------------+-------+------+-------+-------------+---------------"
                + "+-----------+---------------+" + (torch ? "-----------+----------------+" : "");
        out.println(line);
        out.println("| preset    | encoder                 | batch | size | steps | byol4j step | full pipeline "
                + "| data wait | pipeline/step |" + (torch ? " pytorch   | byol4j/pytorch |" : ""));
        out.println(line);
        for (PresetResult p : report.presets()) {
            StringBuilder sb = new StringBuilder(String.format(
                    Locale.ROOT,
                    "| %-9s | %-23s | %5d | %4d | %5d | %11.1f | %13.1f | %8.0f%% | %12.2fx |",
                    p.preset(),
                    p.encoder(),
                    p.batch(),
                    p.imageSize(),
                    p.stepsPerRound(),
                    p.byol4jStep(),
                    p.pipeline(),
                    100 * p.pipelineDataWait(),
                    p.pipelineOverStep()));
            if (torch) {
                sb.append(
                        p.pytorch() == null
                                ? String.format(Locale.ROOT, " %-9s | %-14s |", "-", "-")
                                : String.format(Locale.ROOT, " %9.1f | %13.2fx |", p.pytorch(), p.byol4jOverPytorch()));
            }
            out.println(sb);
        }
        out.println(line);
        out.println("steps: timed steps per round and measurement; ratios are medians of the per-round ratios");
        if (torch) {
            Object version = report.pytorch().get("torch");
            out.println("pytorch: plain PyTorch eager " + (version == null ? "" : version + " ") + "("
                    + PyTorchScript.SCRIPT + "), same model, batch, step and threads, random tensors");
        }
        for (PresetResult p : report.presets()) {
            if (p.pytorchNote() != null && report.config().pytorch() != null) {
                out.println("note: " + p.preset() + ": no pytorch column: " + p.pytorchNote());
            }
        }
    }

    /** Writes one CSV row per preset (empty PyTorch cells when it did not run), atomically. */
    static void writeCsv(Path file, List<PresetResult> results) throws IOException {
        StringBuilder sb = new StringBuilder("preset,encoder,batch,image_size,optimizer,device,warmup_steps,"
                + "steps_per_round,rounds,byol4j_step_images_per_s,pipeline_images_per_s,pipeline_data_wait,"
                + "pipeline_over_step,pytorch_images_per_s,byol4j_over_pytorch\n");
        for (PresetResult p : results) {
            sb.append(String.format(
                    Locale.ROOT,
                    "%s,%s,%d,%d,%s,%s,%d,%d,%d,%.3f,%.3f,%.4f,%.4f,%s,%s%n",
                    p.preset(),
                    p.encoder(),
                    p.batch(),
                    p.imageSize(),
                    p.optimizer(),
                    p.device(),
                    p.warmupSteps(),
                    p.stepsPerRound(),
                    p.rounds().size(),
                    p.byol4jStep(),
                    p.pipeline(),
                    p.pipelineDataWait(),
                    p.pipelineOverStep(),
                    p.pytorch() == null ? "" : String.format(Locale.ROOT, "%.3f", p.pytorch()),
                    p.byol4jOverPytorch() == null ? "" : String.format(Locale.ROOT, "%.4f", p.byol4jOverPytorch())));
        }
        AtomicFiles.writeString(file, sb.toString());
    }
}
