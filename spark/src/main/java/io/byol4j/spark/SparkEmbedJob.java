package io.byol4j.spark;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.byol4j.sdk.data.Dataset;
import io.byol4j.sdk.data.Datasets;
import io.byol4j.sdk.data.FlatFolderDataset;
import io.byol4j.sdk.data.ImageFolderDataset;
import io.byol4j.sdk.encoder.Encoder;
import io.byol4j.sdk.encoder.EncoderOptions;
import io.byol4j.sdk.internal.io.AtomicFiles;
import io.byol4j.sdk.model.ModelContract;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The Spark embed job: lists an ImageFolder ({@code folder:DIR}) or a flat folder ({@code flat:DIR}) on the
 * driver and spreads the file list over the executors, which read, decode and embed every image with
 * {@link ByolEmbedder} (the folder must be readable on every executor, e.g. a shared mount); writes
 * {@code OUT/embeddings.parquet} with columns {@code path, label, class_name, embedding (array<float>),
 * error, model_digest}, plus {@code OUT/spark-embed-config.json}. Files and labels are those the SDK's
 * dataset of the same spec lists, so the rows match {@code byol4j embed}. Runs embedded in local mode
 * ({@code --master local[2]}) or under {@code spark-submit} (the master then comes from spark-submit).
 * Refuses to replace an existing output without {@code --force}.
 */
@Command(
        name = "embed --engine spark",
        mixinStandardHelpOptions = true,
        description = "Extract features of an image folder on Apache Spark into Parquet.")
public final class SparkEmbedJob implements Callable<Integer> {

    /** The Parquet folder the job writes inside {@code out}. */
    public static final String PARQUET = "embeddings.parquet";
    /** The configuration file saved beside it. */
    public static final String CONFIG_FILE = "spark-embed-config.json";

    /** Configuration of one job run. */
    public record SparkEmbedConfig(
            String model,
            String dataset,
            String out,
            String master,
            int batchSize,
            int threads,
            int partitions,
            boolean normalize,
            boolean force) {}

    static final SparkEmbedConfig DEFAULTS =
            new SparkEmbedConfig(null, null, null, null, EncoderOptions.DEFAULT_BATCH_SIZE, 1, 0, false, false);

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    @Option(names = "--config", description = "JSON file with the job configuration.")
    Path configFile;

    @Option(
            names = "--model",
            description = "The exported .onnx model (a path every executor can read, or a"
                    + " file shipped with spark-submit --files).")
    String model;

    @Option(names = "--dataset", description = "folder:DIR (ImageFolder, labels from class folders) or flat:DIR.")
    String dataset;

    @Option(names = "--out", description = "Output folder for embeddings.parquet.")
    String out;

    @Option(names = "--master", description = "Spark master, e.g. local[2] (default: spark-submit's, else local[2]).")
    String master;

    @Option(names = "--batch-size", description = "Images per inference batch within a partition (default 64).")
    Integer batchSize;

    @Option(names = "--threads", description = "ONNX Runtime intra-op threads per task (default 1).")
    Integer threads;

    @Option(names = "--partitions", description = "Split the images into N partitions (0 = two per task slot).")
    Integer partitions;

    @Option(names = "--normalize", description = "Scale each embedding to unit L2 norm.")
    Boolean normalize;

    @Option(names = "--force", description = "Replace an existing OUT/embeddings.parquet.")
    Boolean force;

    /** Counts of one finished run. */
    public record Summary(long rows, long embedded, long failed, double seconds) {}

    /** Entry point for {@code spark-submit} and the launcher; exits with the command's status. */
    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new SparkEmbedJob());
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof IllegalArgumentException || e instanceof IOException) {
                System.err.println("byol4j embed --engine spark: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        System.exit(cli.execute(args));
    }

    @Override
    public Integer call() throws Exception {
        SparkEmbedConfig cfg = resolveConfig();
        System.out.println("spark-embed config: " + JSON.writeValueAsString(cfg).replaceAll("\\s+", " "));
        Summary s = run(cfg, System.out);
        System.out.printf(
                Locale.ROOT,
                "embedded %d of %d images (%d failed) in %.1f s, %.1f images/s -> %s%n",
                s.embedded(),
                s.rows(),
                s.failed(),
                s.seconds(),
                s.rows() / s.seconds(),
                Path.of(cfg.out()).resolve(PARQUET));
        return 0;
    }

    private SparkEmbedConfig resolveConfig() throws IOException {
        ObjectNode node = JSON.valueToTree(DEFAULTS);
        if (configFile != null) {
            if (!Files.isRegularFile(configFile)) {
                throw new IllegalArgumentException("--config file not found: " + configFile.toAbsolutePath());
            }
            node.setAll((ObjectNode) JSON.readTree(configFile.toFile()));
        }
        Map<String, Object> flags = new LinkedHashMap<>();
        flags.put("model", model);
        flags.put("dataset", dataset);
        flags.put("out", out);
        flags.put("master", master);
        flags.put("batchSize", batchSize);
        flags.put("threads", threads);
        flags.put("partitions", partitions);
        flags.put("normalize", normalize);
        flags.put("force", force);
        flags.forEach((k, v) -> {
            if (v != null) {
                node.set(k, JSON.valueToTree(v));
            }
        });
        SparkEmbedConfig cfg = JSON.treeToValue(node, SparkEmbedConfig.class);
        if (cfg.model() == null || cfg.dataset() == null || cfg.out() == null) {
            throw new IllegalArgumentException("--model, --dataset and --out are required");
        }
        return cfg;
    }

    /**
     * Runs the job with a session built for {@code cfg} (local[2] unless a master is given or set by
     * spark-submit) and stops that session afterwards.
     */
    public static Summary run(SparkEmbedConfig cfg, PrintStream progress) throws IOException {
        SparkSession.Builder builder = SparkSession.builder().appName("byol4j-embed");
        sessionConf(cfg, System.getProperties()).forEach(builder::config);
        SparkSession spark = builder.getOrCreate();
        try {
            return run(spark, cfg, progress);
        } finally {
            spark.stop();
        }
    }

    /**
     * What the job sets on the session it builds, given the JVM's system properties (where spark-submit puts
     * its configuration): the master ({@code cfg.master()}, else spark-submit's, else {@code local[2]}) and, in
     * local mode, no web UI (a local job reports its own progress) and no whole-stage code generation, each
     * unless set.
     */
    static Map<String, String> sessionConf(SparkEmbedConfig cfg, java.util.Properties system) {
        Map<String, String> conf = new LinkedHashMap<>();
        if (cfg.master() != null) {
            conf.put("spark.master", cfg.master());
        } else if (system.getProperty("spark.master") == null) {
            conf.put("spark.master", "local[2]");
        }
        String master = conf.getOrDefault("spark.master", system.getProperty("spark.master"));
        if (master.startsWith("local")) {
            // a local job is mostly start-up: no web UI, and no whole-stage code generation for its one
            // row-at-a-time projection (compiling it took 0.1-0.3 s before the first task; README "Spark")
            for (String key : List.of("spark.ui.enabled", "spark.sql.codegen.wholeStage")) {
                if (system.getProperty(key) == null) {
                    conf.put(key, "false");
                }
            }
        }
        return conf;
    }

    /**
     * Runs the job on an existing session.
     *
     * @throws IllegalArgumentException for a bad dataset spec, a missing model, or an existing output
     *     without {@code force}
     */
    public static Summary run(SparkSession spark, SparkEmbedConfig cfg, PrintStream progress) throws IOException {
        Path outDir = Path.of(cfg.out()).toAbsolutePath();
        Path target = outDir.resolve(PARQUET);
        if (Files.exists(target) && !cfg.force()) {
            throw new IllegalArgumentException(target + " already exists; pass --force to replace it");
        }
        String digest;
        int channels;
        // The driver reads the model too (digest, channels): a local path or the copy shipped with --files.
        try (Encoder encoder = Encoder.open(ExecutorEncoders.resolve(cfg.model()))) {
            digest = encoder.metadata().get(ModelContract.KEY_DIGEST);
            channels = encoder.contract().channels();
        }
        Dataset listing = Datasets.open(cfg.dataset(), channels);
        Path root;
        if (listing instanceof ImageFolderDataset f) {
            root = f.root();
        } else if (listing instanceof FlatFolderDataset f) {
            root = f.root();
        } else {
            throw new IllegalArgumentException("the spark engine reads image files: --dataset must be folder:DIR"
                    + " or flat:DIR, not " + cfg.dataset());
        }
        List<String> classes = listing.classNames();
        List<Row> labels = new ArrayList<>(listing.size());
        for (int i = 0; i < listing.size(); i++) {
            Path file = fileOf(listing, i).toAbsolutePath().normalize();
            int label = listing.label(i);
            labels.add(RowFactory.create(file.toString(), label, label >= 0 ? classes.get(label) : null));
        }
        StructType labelSchema = new StructType()
                .add("local_path", DataTypes.StringType)
                .add("label", DataTypes.IntegerType)
                .add("class_name", DataTypes.StringType);
        progress.printf(
                Locale.ROOT,
                "spark-embed: %d images, %d classes under %s; master %s%n",
                labels.size(),
                classes.size(),
                root,
                spark.sparkContext().master());

        // The rows are the listing itself (path, label, class), in the SDK's order, cut into contiguous
        // partitions; each task reads its files on the executor's decode threads, ahead of inference. (Reading
        // them with binaryFile cost more than decoding and inference together: see README "Spark".)
        int partitions = cfg.partitions() > 0
                ? cfg.partitions()
                : Math.max(1, Math.min(labels.size(), 2 * spark.sparkContext().defaultParallelism()));
        org.apache.spark.sql.Dataset<Row> files = spark.createDataFrame(
                JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(labels, partitions), labelSchema);
        ByolEmbedder embedder = new ByolEmbedder()
                .setModelPath(cfg.model())
                .setBatchSize(cfg.batchSize())
                .setIntraOpThreads(cfg.threads())
                .setNormalize(cfg.normalize())
                .setInputCol("local_path")
                .setErrorCol("error");
        EmbedTimings timings = new EmbedTimings(spark.sparkContext());
        org.apache.spark.sql.Dataset<Row> result = embedder.transform(files, true, timings)
                .select(
                        functions.col("local_path").as("path"),
                        functions.col("label"),
                        functions.col("class_name"),
                        functions.col("embedding"),
                        functions.col("error"),
                        functions.lit(digest).as("model_digest"));

        Files.createDirectories(outDir);
        Path written = outDir.resolve("." + PARQUET + ".tmp-" + java.util.UUID.randomUUID());
        ProgressListener listener = new ProgressListener(progress);
        spark.sparkContext().addSparkListener(listener);
        long start = System.nanoTime();
        long startMillis = System.currentTimeMillis();
        JvmUsage jvmAtStart = JvmUsage.now();
        JvmUsage jvmAtEnd;
        double seconds;
        try {
            result.write().parquet(written.toString());
            seconds = (System.nanoTime() - start) / 1e9;
            jvmAtEnd = JvmUsage.now();
            listener.awaitStageTasks(5_000); // task-end events arrive asynchronously
        } catch (RuntimeException e) {
            deleteRecursively(written);
            throw e;
        } finally {
            spark.sparkContext().removeSparkListener(listener);
        }
        progress.println(timings.summary(listener.taskCpuSeconds()));
        progress.println(listener.timeline(startMillis, startMillis + Math.round(seconds * 1e3)));
        progress.println(jvmAtEnd.since(jvmAtStart, seconds));
        Row counts = spark.read()
                .parquet(written.toString())
                .agg(functions.count(functions.lit(1)), functions.count(functions.col("embedding")))
                .first();
        long rows = counts.getLong(0);
        long embedded = counts.getLong(1);
        // The old output (with --force) is moved aside, not deleted, until the new one has its name.
        Path old = outDir.resolve("." + PARQUET + ".old-" + java.util.UUID.randomUUID());
        boolean replacing = Files.exists(target);
        if (replacing) {
            AtomicFiles.moveFolder(target, old);
        }
        AtomicFiles.moveFolder(written, target);
        if (replacing) {
            deleteRecursively(old);
        }
        AtomicFiles.writeString(outDir.resolve(CONFIG_FILE), JSON.writeValueAsString(cfg) + "\n");
        return new Summary(rows, embedded, rows - embedded, seconds);
    }

    private static Path fileOf(Dataset listing, int i) {
        return listing instanceof ImageFolderDataset f ? f.file(i) : ((FlatFolderDataset) listing).file(i);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Prints finished tasks of the running stage, at most every 10% of it. */
    private static final class ProgressListener extends SparkListener {
        private final PrintStream out;
        private final AtomicInteger done = new AtomicInteger();
        private final java.util.concurrent.atomic.AtomicLong cpuNanos = new java.util.concurrent.atomic.AtomicLong();
        private final java.util.concurrent.atomic.AtomicLong firstLaunch =
                new java.util.concurrent.atomic.AtomicLong(Long.MAX_VALUE);
        private final java.util.concurrent.atomic.AtomicLong lastFinish = new java.util.concurrent.atomic.AtomicLong();
        private volatile int total = 1;
        private volatile int lastTenth = -1;

        ProgressListener(PrintStream out) {
            this.out = out;
        }

        @Override
        public void onStageSubmitted(SparkListenerStageSubmitted stage) {
            total = Math.max(1, stage.stageInfo().numTasks());
            done.set(0);
            lastTenth = -1;
        }

        /** Waits (at most {@code timeoutMillis}) until every task of the last submitted stage has reported. */
        void awaitStageTasks(long timeoutMillis) {
            long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
            while (done.get() < total && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        /**
         * One line: of the write's wall time from {@code startMillis} to {@code endMillis}, how much passed before
         * the first task started (planning, code generation, scheduling), while tasks ran, and after the last one
         * ended (job commit).
         */
        String timeline(long startMillis, long endMillis) {
            long first = firstLaunch.get();
            long last = lastFinish.get();
            if (first == Long.MAX_VALUE || last == 0) {
                return "spark-embed: no task ran";
            }
            return String.format(
                    Locale.ROOT,
                    "spark-embed: wall time %.2f s: %.2f s before the first task, %.2f s of tasks, %.2f s after the last",
                    (endMillis - startMillis) / 1e3,
                    (first - startMillis) / 1e3,
                    (last - first) / 1e3,
                    (endMillis - last) / 1e3);
        }

        /** CPU time of every finished task so far, summed (seconds). */
        double taskCpuSeconds() {
            return cpuNanos.get() / 1e9;
        }

        @Override
        public void onTaskEnd(SparkListenerTaskEnd task) {
            if (task.taskMetrics() != null) {
                cpuNanos.addAndGet(task.taskMetrics().executorCpuTime());
            }
            firstLaunch.accumulateAndGet(task.taskInfo().launchTime(), Math::min);
            lastFinish.accumulateAndGet(task.taskInfo().finishTime(), Math::max);
            int d = done.incrementAndGet();
            int tenth = d * 10 / total;
            if (tenth != lastTenth) {
                lastTenth = tenth;
                out.printf(Locale.ROOT, "spark-embed: stage %d: %d/%d tasks done%n", task.stageId(), d, total);
            }
        }
    }
}
