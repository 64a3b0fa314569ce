package io.byol4j.cli;

import io.byol4j.sdk.internal.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * The results of a sweep, per run and summarised per cell over its seeds: {@code sweep-runs.csv} (one line per
 * cell and seed), {@code sweep.csv} and {@code sweep.md} (mean, sample standard deviation, min and max over the
 * seeds of each cell, then the random-initialisation rows), and {@code sweep.png}. Accuracies are fractions in
 * the CSV files and percentages in the Markdown table.
 */
final class SweepReport {

    /** File names written into the sweep folder. */
    static final String RUNS_CSV = "sweep-runs.csv";

    static final String SUMMARY_CSV = "sweep.csv";
    static final String SUMMARY_MD = "sweep.md";
    static final String PLOT = "sweep.png";

    private SweepReport() {}

    /**
     * What one training run of one cell and seed measured, as saved in its {@code result.json}.
     *
     * @param randomInit key of the random initialisation it was compared with: runs with equal keys started from
     *     identical weights and share one evaluation
     * @param trainSeconds wall time of training, summed over resumed sessions
     */
    record RunResult(
            String cell,
            Map<String, String> settings,
            long seed,
            double linear,
            double knn,
            double randomLinear,
            double randomKnn,
            String randomInit,
            double trainSeconds,
            long steps,
            Double finalLoss,
            double evalSeconds) {}

    /** A run whose training diverged (non-finite loss or weights), as saved in its {@code diverged.json}. */
    record DivergedRun(String cell, Map<String, String> settings, long seed, long step, String message) {}

    /** Mean, sample standard deviation (0 for one value), min and max of {@code n} values. */
    record Stats(int n, double mean, double sd, double min, double max) {

        static Stats of(List<Double> values) {
            int n = values.size();
            double mean =
                    values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            double squares =
                    values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
            double sd = n > 1 ? Math.sqrt(squares / (n - 1)) : 0.0;
            double min = values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
            double max = values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
            return new Stats(n, mean, sd, min, max);
        }
    }

    /** One cell over its finished seeds. */
    record CellSummary(
            String cell,
            String label,
            String values,
            String keys,
            List<Long> seeds,
            Stats linear,
            Stats knn,
            Stats randomLinear,
            Stats randomKnn,
            Stats trainMinutes,
            String randomGroup) {

        /** True when no seed trained longer than {@code budgetMinutes} (always true without a budget). */
        boolean withinBudget(double budgetMinutes) {
            return budgetMinutes <= 0 || trainMinutes.max() <= budgetMinutes;
        }
    }

    /** The random-initialisation baseline shared by the cells that started from the same weights. */
    record RandomRow(String group, List<String> cells, List<Long> seeds, Stats linear, Stats knn) {}

    /** Summaries of the cells in {@code order} that have at least one finished run. */
    static List<CellSummary> summarize(List<SweepGrid.Cell> order, List<RunResult> results) {
        List<CellSummary> out = new ArrayList<>();
        Map<String, String> groups = new LinkedHashMap<>();
        for (SweepGrid.Cell cell : order) {
            List<RunResult> runs =
                    results.stream().filter(r -> r.cell().equals(cell.id())).toList();
            if (runs.isEmpty()) {
                continue;
            }
            String initKeys = runs.stream().map(RunResult::randomInit).collect(Collectors.joining(","));
            String group = groups.computeIfAbsent(initKeys, k -> "r" + (groups.size() + 1));
            out.add(new CellSummary(
                    cell.id(),
                    cell.label(),
                    cell.values(),
                    cell.keys(),
                    runs.stream().map(RunResult::seed).toList(),
                    stats(runs, RunResult::linear),
                    stats(runs, RunResult::knn),
                    stats(runs, RunResult::randomLinear),
                    stats(runs, RunResult::randomKnn),
                    stats(runs, r -> r.trainSeconds() / 60.0),
                    group));
        }
        return out;
    }

    /** One row per distinct random-initialisation group, in order of first appearance. */
    static List<RandomRow> randomRows(List<CellSummary> cells) {
        Map<String, List<CellSummary>> byGroup = new LinkedHashMap<>();
        for (CellSummary c : cells) {
            byGroup.computeIfAbsent(c.randomGroup(), k -> new ArrayList<>()).add(c);
        }
        List<RandomRow> rows = new ArrayList<>();
        byGroup.forEach((group, members) -> {
            CellSummary first = members.get(0);
            rows.add(new RandomRow(
                    group,
                    members.stream().map(CellSummary::cell).toList(),
                    first.seeds(),
                    first.randomLinear(),
                    first.randomKnn()));
        });
        return rows;
    }

    private static Stats stats(List<RunResult> runs, ToDoubleFunction<RunResult> f) {
        return Stats.of(runs.stream().map(r -> f.applyAsDouble(r)).toList());
    }

    /** Writes all four files into {@code dir}, each atomically. */
    static void write(
            Path dir,
            String title,
            List<SweepGrid.Cell> order,
            List<RunResult> results,
            List<DivergedRun> diverged,
            double budgetMinutes)
            throws IOException {
        List<CellSummary> cells = summarize(order, results);
        List<RandomRow> random = randomRows(cells);
        AtomicFiles.writeString(dir.resolve(RUNS_CSV), runsCsv(results, diverged));
        AtomicFiles.writeString(dir.resolve(SUMMARY_CSV), summaryCsv(cells, random, budgetMinutes));
        AtomicFiles.writeString(dir.resolve(SUMMARY_MD), markdown(title, cells, random, diverged, budgetMinutes));
        if (!cells.isEmpty()) {
            SweepPlot.write(title, cells, dir.resolve(PLOT));
        }
    }

    static String runsCsv(List<RunResult> results, List<DivergedRun> diverged) {
        StringBuilder sb = new StringBuilder("cell,settings,seed,linear,knn,random_linear,random_knn,random_init,"
                + "train_minutes,steps,final_loss,eval_minutes,diverged\n");
        for (RunResult r : results) {
            sb.append(String.format(
                    Locale.ROOT,
                    "%s,%s,%d,%.4f,%.4f,%.4f,%.4f,%s,%.2f,%d,%s,%.2f,%n",
                    quote(r.cell()),
                    quote(new SweepGrid.Cell(r.settings()).label()),
                    r.seed(),
                    r.linear(),
                    r.knn(),
                    r.randomLinear(),
                    r.randomKnn(),
                    r.randomInit(),
                    r.trainSeconds() / 60.0,
                    r.steps(),
                    r.finalLoss() == null ? "" : String.format(Locale.ROOT, "%.4f", r.finalLoss()),
                    r.evalSeconds() / 60.0));
        }
        for (DivergedRun d : diverged) {
            sb.append(String.format(
                    Locale.ROOT,
                    "%s,%s,%d,,,,,,,%d,,,%s%n",
                    quote(d.cell()),
                    quote(new SweepGrid.Cell(d.settings()).label()),
                    d.seed(),
                    d.step(),
                    quote(d.message())));
        }
        return sb.toString();
    }

    static String summaryCsv(List<CellSummary> cells, List<RandomRow> random, double budgetMinutes) {
        StringBuilder sb = new StringBuilder("kind,cell,settings,seeds,linear_mean,linear_sd,linear_min,linear_max,"
                + "knn_mean,knn_sd,knn_min,knn_max,train_minutes_mean,train_minutes_max,within_budget,random_init\n");
        for (CellSummary c : cells) {
            sb.append(String.format(
                    Locale.ROOT,
                    "byol,%s,%s,%s,%s,%s,%.2f,%.2f,%s,%s%n",
                    quote(c.cell()),
                    quote(c.label()),
                    quote(seeds(c.seeds())),
                    csvStats(c.linear()),
                    csvStats(c.knn()),
                    c.trainMinutes().mean(),
                    c.trainMinutes().max(),
                    c.withinBudget(budgetMinutes),
                    c.randomGroup()));
        }
        for (RandomRow r : random) {
            sb.append(String.format(
                    Locale.ROOT,
                    "random-init,%s,%s,%s,%s,%s,,,,%s%n",
                    quote(String.join(" ", r.cells())),
                    quote("random initialisation of " + String.join(", ", r.cells())),
                    quote(seeds(r.seeds())),
                    csvStats(r.linear()),
                    csvStats(r.knn()),
                    r.group()));
        }
        return sb.toString();
    }

    static String markdown(
            String title,
            List<CellSummary> cells,
            List<RandomRow> random,
            List<DivergedRun> diverged,
            double budgetMinutes) {
        StringBuilder sb = new StringBuilder("# " + title + "\n\n");
        sb.append("Test accuracy in %: mean ± sample standard deviation over the seeds [min–max]; training minutes"
                + " are wall time per run (mean / max)");
        sb.append(
                budgetMinutes > 0
                        ? String.format(Locale.ROOT, ", budget %.1f min per run.%n%n", budgetMinutes)
                        : ".\n\n");
        sb.append("| cell | seeds | linear probe | kNN | random-init linear | random-init kNN | train min |"
                + " within budget |\n");
        sb.append("|---|---|---|---|---|---|---|---|\n");
        for (CellSummary c : cells) {
            sb.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %s | %s | %.1f (%s) | %.1f (%s) | %.1f / %.1f | %s |%n",
                    c.label(),
                    seeds(c.seeds()),
                    mdStats(c.linear()),
                    mdStats(c.knn()),
                    100 * c.randomLinear().mean(),
                    c.randomGroup(),
                    100 * c.randomKnn().mean(),
                    c.randomGroup(),
                    c.trainMinutes().mean(),
                    c.trainMinutes().max(),
                    c.withinBudget(budgetMinutes) ? "yes" : "**no**"));
        }
        sb.append("\nRandom initialisation (the same encoder, config and seeds, untrained):\n\n");
        sb.append("| group | cells | seeds | linear probe | kNN |\n|---|---|---|---|---|\n");
        for (RandomRow r : random) {
            sb.append(String.format(
                    Locale.ROOT,
                    "| %s | %d | %s | %s | %s |%n",
                    r.group(),
                    r.cells().size(),
                    seeds(r.seeds()),
                    mdStats(r.linear()),
                    mdStats(r.knn())));
        }
        if (!diverged.isEmpty()) {
            sb.append(
                    "\nDiverged runs (not in the means above):\n\n| cell | seed | step | problem |\n|---|---|---|---|\n");
            for (DivergedRun d : diverged) {
                sb.append(String.format(
                        Locale.ROOT,
                        "| %s | %d | %d | %s |%n",
                        new SweepGrid.Cell(d.settings()).label(),
                        d.seed(),
                        d.step(),
                        d.message().replace("|", "/")));
            }
        }
        return sb.toString();
    }

    private static String csvStats(Stats s) {
        return String.format(Locale.ROOT, "%.4f,%.4f,%.4f,%.4f", s.mean(), s.sd(), s.min(), s.max());
    }

    private static String mdStats(Stats s) {
        return String.format(
                Locale.ROOT, "%.1f ± %.1f [%.1f–%.1f]", 100 * s.mean(), 100 * s.sd(), 100 * s.min(), 100 * s.max());
    }

    private static String seeds(List<Long> seeds) {
        return seeds.stream().map(String::valueOf).collect(Collectors.joining(" "));
    }

    /** A CSV field, quoted when it holds a comma, a quote or a line break. */
    static String quote(String field) {
        if (field.contains(",") || field.contains("\"") || field.contains("\n")) {
            return "\"" + field.replace("\"", "\"\"") + "\"";
        }
        return field;
    }
}
