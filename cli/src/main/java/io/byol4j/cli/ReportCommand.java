package io.byol4j.cli;

import io.byol4j.sdk.data.LabelFractions;
import io.byol4j.sdk.features.FeatureSet;
import io.byol4j.sdk.head.KnnClassifier;
import io.byol4j.sdk.head.LogisticRegression;
import io.byol4j.sdk.head.PseudoLabelProbe;
import io.byol4j.sdk.head.SemiSupervisedEval;
import io.byol4j.sdk.head.SemiSupervisedEval.Score;
import io.byol4j.sdk.internal.io.ConfigDifferences;
import io.byol4j.trainer.checkpoint.Checkpoints;
import io.byol4j.trainer.config.TrainConfig;
import io.byol4j.trainer.finetune.FineTuneConfig;
import io.byol4j.trainer.finetune.FineTuneResult;
import io.byol4j.trainer.finetune.FineTuner;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code byol4j report}: accuracy against label fraction for every method the project offers, on one labeled
 * dataset (the transfer target when the checkpoint was pretrained on another), over several seeds, as one
 * Markdown report with a PNG plot. For each fraction and seed the same images keep their labels in every method
 * ({@link LabelFractions}):
 *
 * <ul>
 *   <li>random-init probe and BYOL probe: logistic regression on frozen features of the labeled images;
 *   <li>BYOL kNN on the labeled images;
 *   <li>label propagation: the validated semi-supervised head ({@link PseudoLabelProbe}) on BYOL features;
 *   <li>BYOL fine-tuned and supervised from scratch: {@code finetune} with {@code init byol} and {@code random}.
 * </ul>
 */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description = "Accuracy vs label fraction (probes, kNN, label propagation, fine-tuning, supervised from"
                + " scratch) over seeds, as report.md + accuracy.png.")
final class ReportCommand implements Callable<Integer> {

    /**
     * The report's configuration.
     *
     * @param checkpoint BYOL run or checkpoint (pretrained on any dataset)
     * @param train labeled dataset the methods learn from
     * @param test labeled dataset they are scored on
     * @param fractions label fractions, e.g. 0.01, 0.1, 1
     * @param seeds one run per seed and fraction; the seed picks the labeled images and seeds training
     * @param l2 penalty of the probes and of the semi-supervised head's classifier
     * @param learningRates fine-tuning learning-rate grid (chosen on a validation split per run)
     * @param epochs fine-tuning epoch grid
     * @param batchSize fine-tuning batch size
     * @param convertInputs convert channels and size of the data to the checkpoint's input (transfer)
     * @param device fine-tuning device
     * @param out report folder
     */
    record ReportConfig(
            String checkpoint,
            String train,
            String test,
            List<Double> fractions,
            List<Long> seeds,
            double l2,
            List<Double> learningRates,
            List<Integer> epochs,
            int batchSize,
            boolean convertInputs,
            String device,
            String out) {}

    /** The methods, in table order. */
    static final List<String> METHODS = List.of(
            "random-init probe",
            "BYOL probe",
            "BYOL kNN",
            "label propagation (BYOL)",
            "BYOL fine-tuned",
            "supervised from scratch");

    /** Report file names. */
    static final String REPORT_FILE = "report.md";

    static final String PLOT_FILE = "accuracy.png";
    static final String RESULTS_FILE = "report-results.json";

    static final ReportConfig DEFAULTS = new ReportConfig(
            null,
            null,
            null,
            List.of(0.01, 0.1, 1.0),
            List.of(1L, 2L, 3L),
            SemiSupervisedEval.Settings.DEFAULT_L2,
            List.of(0.01, 0.05),
            List.of(30),
            64,
            false,
            "auto",
            null);

    /** One measurement. */
    record Measurement(String method, double fraction, long seed, int labeled, double accuracy, String detail) {}

    @Option(names = "--config", description = "JSON file with the report configuration.")
    Path configFile;

    @Option(names = "--checkpoint", description = "BYOL run or checkpoint folder.")
    String checkpoint;

    @Option(names = "--train", description = "Labeled training dataset spec.")
    String train;

    @Option(names = "--test", description = "Labeled test dataset spec.")
    String test;

    @Option(names = "--fractions", split = ",", description = "Label fractions (default 0.01,0.1,1).")
    List<Double> fractions;

    @Option(names = "--seeds", split = ",", description = "Seeds (default 1,2,3).")
    List<Long> seeds;

    @Option(
            names = "--l2",
            description = "Penalty of the probes and of the semi-supervised head's classifier (default "
                    + SemiSupervisedEval.Settings.DEFAULT_L2
                    + ").")
    Double l2;

    @Option(names = "--lr", split = ",", description = "Fine-tuning learning-rate grid (default 0.01,0.05).")
    List<Double> learningRates;

    @Option(names = "--epochs", split = ",", description = "Fine-tuning epoch grid (default 30).")
    List<Integer> epochs;

    @Option(names = "--batch-size", description = "Fine-tuning batch size (default 64).")
    Integer batchSize;

    @Option(
            names = "--convert-inputs",
            description = "Convert channels and size of the data to the checkpoint's"
                    + " input (a transfer to another kind of dataset).")
    Boolean convertInputs;

    @Option(names = "--device", converter = DeviceFlag.class, description = DeviceFlag.DESCRIPTION)
    String device;

    @Option(names = "--out", description = "Report folder.")
    String out;

    @RunFlag
    @Option(names = "--force", description = "Replace an existing report folder's results.")
    boolean force;

    @RunFlag
    @Option(
            names = "--resume",
            description = "Continue the unfinished report in --out (same configuration): every finished measurement"
                    + " and the features are kept, unfinished fine-tuning runs continue from their checkpoints.")
    boolean resume;

    /** Measurements finished so far and the seconds spent on them, rewritten (atomically) after each one. */
    static final String PROGRESS_FILE = "report-progress.json";

    /** What {@link #PROGRESS_FILE} holds. */
    record Progress(List<Measurement> measurements, double seconds) {}

    @Override
    public Integer call() throws Exception {
        ReportConfig cfg = CommandConfigs.resolve(ReportConfig.class, DEFAULTS, configFile, this);
        if (cfg.checkpoint() == null || cfg.train() == null || cfg.test() == null || cfg.out() == null) {
            throw new CliException("--checkpoint, --train, --test and --out are required");
        }
        CommandConfigs.print(System.out, "report", cfg);
        run(cfg, force, resume, System.out);
        return 0;
    }

    /**
     * Runs every method (with {@code resume}, only those the unfinished report in {@code cfg.out()} lacks), then
     * writes the report, plot and raw results into {@code cfg.out()}.
     */
    static List<Measurement> run(ReportConfig cfg, boolean force, boolean resume, PrintStream out) throws Exception {
        Path root = Path.of(cfg.out());
        if (force && resume) {
            throw new CliException("give --resume or --force, not both");
        }
        if (Files.exists(root.resolve(REPORT_FILE)) && !force && !resume) {
            throw new CliException(root.resolve(REPORT_FILE) + " already exists; use --force to replace the report");
        }
        Progress before = resume ? resumable(root, cfg) : null;
        if (!resume && !force && Files.exists(root.resolve(PROGRESS_FILE))) {
            throw new CliException(root + " holds an unfinished report; --resume continues it, --force starts again");
        }
        for (String stage : List.of("eval", "finetune")) {
            if (!resume && !force && Files.exists(root.resolve(stage))) {
                throw new CliException(root.resolve(stage) + " already exists; --resume continues the report there,"
                        + " --force replaces it");
            }
        }
        TrainConfig byol = Checkpoints.read(Path.of(cfg.checkpoint())).config();
        for (double f : cfg.fractions()) {
            if (!(f > 0 && f <= 1)) {
                throw new CliException("fractions must be in (0, 1], got " + f);
            }
        }
        // Every problem with the data shows before the hour-long work: fractions, labels, channels and size.
        FineTuner tuner = new FineTuner();
        for (double f : cfg.fractions()) {
            for (long seed : cfg.seeds()) {
                tuner.check(fineTuneConfig(cfg, root, "byol", f, seed));
            }
        }
        Instant start = Instant.now();
        Files.createDirectories(root);
        CommandConfigs.save(root, "report", cfg);
        if (before == null) {
            // From now on the folder is an unfinished report until report.md is written.
            CommandConfigs.saveJson(root.resolve(PROGRESS_FILE), new Progress(List.of(), 0));
        }
        Recorder recorder = new Recorder(root, before, start, out);
        Path evalRoot = root.resolve("eval");
        EvalCommand.Result eval = before == null ? null : finishedEval(evalRoot);
        if (eval != null) {
            out.println("== features: kept from the unfinished report (" + evalRoot + ")");
        } else {
            out.println("== features: random-init and BYOL encoders (export, embed, full-label probes)");
            // An unfinished stage (killed report, or --force) starts again from an empty folder.
            io.byol4j.sdk.internal.io.AtomicFiles.deleteRecursively(evalRoot);
            eval = EvalCommand.run(
                    new EvalCommand.EvalConfig(cfg.checkpoint(), cfg.train(), cfg.test(), evalRoot.toString(), 256, 1L),
                    byol,
                    out);
        }
        Map<String, TrainTestFeatures> features = new LinkedHashMap<>();
        for (String encoder : List.of("random-init", "byol")) {
            Path dir = evalRoot.resolve("features").resolve(encoder);
            features.put(
                    encoder,
                    TrainTestFeatures.read(
                            dir.resolve("train").toString(), dir.resolve("test").toString()));
        }
        FeatureSet byolTrain = features.get("byol").train();
        int images = io.byol4j.sdk.data.Datasets.open(cfg.train(), 0).size();
        if (byolTrain.size() != images) {
            throw new CliException(
                    "the train features hold " + byolTrain.size() + " rows but " + cfg.train() + " has " + images
                            + " images (some could not be decoded); the label fractions would not match fine-tuning's");
        }
        int classes = features.get("byol").classes();
        // The semi-supervised head's neighbour graphs depend on the features only: searched once for every run.
        PseudoLabelProbe.Graphs[] graphs = new PseudoLabelProbe.Graphs[1];
        for (double fraction : cfg.fractions()) {
            for (long seed : cfg.seeds()) {
                int[] labeled = LabelFractions.select(byolTrain.labels(), byolTrain.classNames(), fraction, seed);
                out.printf(Locale.ROOT, "== fraction %s, seed %d: %d labeled images%n", fraction, seed, labeled.length);
                for (String encoder : List.of("random-init", "byol")) {
                    TrainTestFeatures f = features.get(encoder);
                    recorder.measure(
                            encoder.equals("byol") ? "BYOL probe" : "random-init probe", fraction, seed, () -> {
                                LogisticRegression probe = LogisticRegression.fit(
                                        rows(f.train().features(), labeled),
                                        labels(f.train().labels(), labeled),
                                        classes,
                                        cfg.l2());
                                return new Outcome(
                                        labeled.length,
                                        probe.accuracy(
                                                f.test().features(), f.test().labels()),
                                        "logistic regression, l2 " + cfg.l2());
                            });
                }
                TrainTestFeatures b = features.get("byol");
                recorder.measure("BYOL kNN", fraction, seed, () -> {
                    KnnClassifier knn = KnnClassifier.fit(
                            rows(b.train().features(), labeled),
                            labels(b.train().labels(), labeled),
                            classes);
                    return new Outcome(
                            labeled.length,
                            knn.accuracy(b.test().features(), b.test().labels()),
                            "k " + KnnClassifier.DEFAULT_K);
                });
                if (fraction < 1) {
                    recorder.measure("label propagation (BYOL)", fraction, seed, () -> {
                        if (graphs[0] == null) {
                            long t = System.nanoTime();
                            graphs[0] = PseudoLabelProbe.graphs(b.train().features());
                            out.printf(
                                    Locale.ROOT,
                                    "  neighbour graphs of %d features: %.1f s (once for every fraction and seed)%n",
                                    b.train().size(),
                                    (System.nanoTime() - t) / 1e9);
                        }
                        int[] partial = new int[b.train().size()];
                        java.util.Arrays.fill(partial, -1);
                        for (int i : labeled) {
                            partial[i] = b.train().label(i);
                        }
                        PseudoLabelProbe.Fit semi = PseudoLabelProbe.fit(
                                graphs[0], partial, b.train().labels(), classes, cfg.l2(), seed);
                        return new Outcome(
                                labeled.length,
                                semi.model()
                                        .accuracy(b.test().features(), b.test().labels()),
                                String.format(
                                        Locale.ROOT,
                                        "chosen k %d, alpha %s, keep %s, weight %s (%d pseudo-labels)",
                                        semi.choice().k(),
                                        semi.choice().alpha(),
                                        semi.choice().keep(),
                                        semi.choice().weight(),
                                        semi.pseudoLabels()));
                    });
                }
                for (String init : List.of("byol", "random")) {
                    String method = init.equals("byol") ? "BYOL fine-tuned" : "supervised from scratch";
                    recorder.measure(method, fraction, seed, () -> {
                        FineTuneConfig ft = fineTuneConfig(cfg, root, init, fraction, seed);
                        // A resumed report continues the run where it stopped; otherwise the run starts afresh.
                        boolean continueRun =
                                resume && Files.isRegularFile(Path.of(ft.out()).resolve("run.json"));
                        FineTuneResult r = tuner.run(ft, continueRun, !continueRun, out);
                        return new Outcome(
                                r.labeledImages(),
                                r.testAccuracy(),
                                String.format(
                                        Locale.ROOT,
                                        "lr %s, %d epochs = %d steps of batch %d, %s; %s",
                                        r.chosenLearningRate(),
                                        r.chosenEpochs(),
                                        r.result().steps(),
                                        Math.min(cfg.batchSize(), r.labeledImages()),
                                        r.trials().isEmpty()
                                                ? "single setting, no search"
                                                : "chosen on " + r.validationImages() + " validation images",
                                        ft.out()));
                    });
                }
            }
        }
        List<Measurement> results = recorder.results();
        CommandConfigs.saveJson(root.resolve(RESULTS_FILE), results);
        ReportWriter.write(root, cfg, results, eval, recorder.elapsed());
        Files.deleteIfExists(root.resolve(PROGRESS_FILE));
        out.println("report: " + root.resolve(REPORT_FILE));
        return results;
    }

    /** The progress of the unfinished report in {@code root}, after checking it was made with {@code cfg}. */
    private static Progress resumable(Path root, ReportConfig cfg) throws java.io.IOException {
        Path saved = root.resolve("report-config.json");
        if (!Files.isRegularFile(saved)) {
            throw new CliException("--resume: " + root + " holds no report (no report-config.json)");
        }
        List<String> differ = ConfigDifferences.of(Files.readString(saved), CommandConfigs.toJson(cfg), Set.of());
        if (!differ.isEmpty()) {
            throw new CliException("--resume: the report in " + root + " was made with another configuration: "
                    + String.join(", ", differ) + "; give the same settings (or --config " + saved
                    + "), or --force to start again");
        }
        Path progress = root.resolve(PROGRESS_FILE);
        if (!Files.isRegularFile(progress)) {
            if (Files.exists(root.resolve(REPORT_FILE))) {
                throw new CliException("--resume: the report in " + root + " is finished (" + REPORT_FILE
                        + "); --force makes it again");
            }
            return new Progress(List.of(), 0);
        }
        return CommandConfigs.JSON.readValue(progress.toFile(), Progress.class);
    }

    /** The evaluation stage's result when every file of it was written, else null (it is then run again). */
    private static EvalCommand.Result finishedEval(Path evalRoot) throws java.io.IOException {
        Path file = evalRoot.resolve("eval-results.json");
        if (!Files.isRegularFile(file)) {
            return null;
        }
        com.fasterxml.jackson.databind.JsonNode json = CommandConfigs.JSON.readTree(file.toFile());
        List<EvalCommand.Row> rows = new ArrayList<>();
        for (com.fasterxml.jackson.databind.JsonNode r : json.get("rows")) {
            String encoder = r.get("encoder").asText();
            for (String split : List.of("train", "test")) {
                if (!Files.isRegularFile(evalRoot.resolve("features")
                        .resolve(encoder)
                        .resolve(split)
                        .resolve("features.npy"))) {
                    return null;
                }
            }
            rows.add(new EvalCommand.Row(
                    encoder,
                    r.get("linear").asDouble(),
                    r.get("knn").asDouble(),
                    evalRoot.resolve("models").resolve(encoder + ".onnx")));
        }
        Map<String, Double> seconds = new LinkedHashMap<>();
        json.get("secondsPerStage")
                .fields()
                .forEachRemaining(e -> seconds.put(e.getKey(), e.getValue().asDouble()));
        return rows.size() == 2 ? new EvalCommand.Result(rows, seconds) : null;
    }

    /** A measurement's value before it is named. */
    private record Outcome(int labeled, double accuracy, String detail) {}

    /** Work that yields one outcome. */
    @FunctionalInterface
    private interface Work {
        Outcome run() throws Exception;
    }

    /** Runs each measurement once: kept from an earlier session of the report, or measured and saved at once. */
    private static final class Recorder {
        private final Path root;
        private final List<Measurement> results = new ArrayList<>();
        private final List<Measurement> earlier;
        private final double secondsBefore;
        private final Instant start;
        private final PrintStream out;

        Recorder(Path root, Progress before, Instant start, PrintStream out) {
            this.root = root;
            this.earlier = before == null ? List.of() : before.measurements();
            this.secondsBefore = before == null ? 0 : before.seconds();
            this.start = start;
            this.out = out;
        }

        void measure(String method, double fraction, long seed, Work work) throws Exception {
            for (Measurement m : earlier) {
                if (m.method().equals(method) && m.fraction() == fraction && m.seed() == seed) {
                    results.add(m);
                    out.printf(
                            Locale.ROOT, "  %-26s %6.2f%%  (%s; kept)%n", m.method(), 100 * m.accuracy(), m.detail());
                    return;
                }
            }
            Outcome o = work.run();
            results.add(record(out, new Measurement(method, fraction, seed, o.labeled(), o.accuracy(), o.detail())));
            List<Measurement> all = new ArrayList<>(results);
            for (Measurement m : earlier) {
                if (!all.contains(m)) {
                    all.add(m);
                }
            }
            CommandConfigs.saveJson(
                    root.resolve(PROGRESS_FILE), new Progress(all, elapsed().toNanos() / 1e9));
        }

        List<Measurement> results() {
            return results;
        }

        /** Work time over every session of the report. */
        Duration elapsed() {
            return Duration.between(start, Instant.now()).plusNanos((long) (secondsBefore * 1e9));
        }
    }

    private static Measurement record(PrintStream out, Measurement m) {
        out.printf(Locale.ROOT, "  %-26s %6.2f%%  (%s)%n", m.method(), 100 * m.accuracy(), m.detail());
        return m;
    }

    static FineTuneConfig fineTuneConfig(ReportConfig cfg, Path root, String init, double fraction, long seed) {
        String name = String.format(Locale.ROOT, "finetune/%s-f%s-s%d", init, fraction, seed);
        return new FineTuneConfig(
                cfg.checkpoint(),
                init,
                "full",
                cfg.train(),
                cfg.test(),
                fraction,
                seed,
                cfg.learningRates(),
                cfg.epochs(),
                0.2,
                true,
                cfg.batchSize(),
                0.9,
                0.0,
                0.2,
                cfg.convertInputs(),
                cfg.device(),
                500,
                50,
                2,
                null,
                root.resolve(name).toString());
    }

    private static float[][] rows(float[][] x, int[] idx) {
        float[][] out = new float[idx.length][];
        for (int m = 0; m < idx.length; m++) {
            out[m] = x[idx[m]];
        }
        return out;
    }

    private static int[] labels(int[] y, int[] idx) {
        int[] out = new int[idx.length];
        for (int m = 0; m < idx.length; m++) {
            out[m] = y[idx[m]];
        }
        return out;
    }

    /** Mean and spread of one method at one fraction. */
    static Score score(List<Measurement> results, String method, double fraction) {
        return Score.of(results.stream()
                .filter(m -> m.method().equals(method) && m.fraction() == fraction)
                .mapToDouble(Measurement::accuracy)
                .toArray());
    }
}
