package io.byol4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.byol4j.sdk.encoder.Encoder;
import io.byol4j.sdk.encoder.EncoderOptions;
import io.byol4j.sdk.encoder.ImageEmbedding;
import io.byol4j.sdk.model.ModelContract;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparkEmbedJobTest {

    @TempDir
    static Path dir;

    static SparkSession spark;
    static Path model;
    static Path images;

    @BeforeAll
    static void start() throws Exception {
        spark = SparkTestImages.session();
        model = SparkTestImages.model(dir);
        images = dir.resolve("images");
        SparkTestImages.imageFolder(images, 5, 3);
        // A file with an image extension that is not an image: one error row, the job goes on.
        Files.writeString(images.resolve("red").resolve("broken.png"), "truncated", StandardCharsets.US_ASCII);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static SparkEmbedJob.SparkEmbedConfig config(Path out, boolean force) {
        return new SparkEmbedJob.SparkEmbedConfig(
                model.toString(), "folder:" + images, out.toString(), null, 4, 1, 3, false, force);
    }

    @Test
    void writesReadableParquetWithLabelsDigestAndSdkEqualFeatures() throws Exception {
        Path out = dir.resolve("out");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        SparkEmbedJob.Summary s = SparkEmbedJob.run(spark, config(out, false), new PrintStream(log, true));
        assertEquals(11, s.rows());
        assertEquals(10, s.embedded());
        assertEquals(1, s.failed());
        assertTrue(
                log.toString(StandardCharsets.UTF_8).contains("11 images, 2 classes"),
                log.toString(StandardCharsets.UTF_8));
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("tasks done"), log.toString(StandardCharsets.UTF_8));
        assertTrue(
                log.toString(StandardCharsets.UTF_8).contains("CPU time over 11 images"),
                log.toString(StandardCharsets.UTF_8));
        assertTrue(
                log.toString(StandardCharsets.UTF_8).contains(" s of tasks, "), log.toString(StandardCharsets.UTF_8));
        assertTrue(
                log.toString(StandardCharsets.UTF_8).contains("JVM during the write: "),
                log.toString(StandardCharsets.UTF_8));
        assertTrue(Files.isRegularFile(out.resolve(SparkEmbedJob.CONFIG_FILE)));

        List<Row> rows = spark.read()
                .parquet(out.resolve(SparkEmbedJob.PARQUET).toString())
                .orderBy("path")
                .collectAsList();
        assertEquals(
                List.of("path", "label", "class_name", "embedding", "error", "model_digest"),
                List.of(rows.get(0).schema().fieldNames()));
        try (Encoder sdk = Encoder.open(model, EncoderOptions.defaults())) {
            String digest = sdk.metadata().get(ModelContract.KEY_DIGEST);
            for (Row r : rows) {
                String path = r.getString(0);
                assertEquals(digest, r.getString(5));
                String cls = Path.of(path).getParent().getFileName().toString();
                assertEquals(cls, r.getString(2));
                assertEquals(cls.equals("blue") ? 0 : 1, r.getInt(1));
                if (path.endsWith("broken.png")) {
                    assertNull(r.get(3));
                    assertNotNull(r.getString(4));
                    continue;
                }
                assertNull(r.get(4));
                ImageEmbedding want = sdk.embedFiles(List.of(Path.of(path))).get(0);
                List<Float> got = r.getList(3);
                float[] g = new float[got.size()];
                for (int i = 0; i < g.length; i++) {
                    g[i] = got.get(i);
                }
                assertArrayEquals(want.features(), g, 1e-6f, path);
            }
        }
    }

    @Test
    void refusesToReplaceOutputWithoutForce() throws Exception {
        Path out = dir.resolve("out-force");
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        SparkEmbedJob.run(spark, config(out, false), quiet);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> SparkEmbedJob.run(spark, config(out, false), quiet));
        assertTrue(e.getMessage().contains("--force"), e.getMessage());
        SparkEmbedJob.Summary again = SparkEmbedJob.run(spark, config(out, true), quiet);
        assertEquals(11, again.rows());
        assertEquals(
                11,
                spark.read()
                        .parquet(out.resolve(SparkEmbedJob.PARQUET).toString())
                        .count());
        try (var left = Files.list(out)) {
            assertEquals(2, left.count(), "only the parquet folder and the config remain");
        }
    }

    @Test
    void emptyFlatFolderIsAClearError() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        var cfg = new SparkEmbedJob.SparkEmbedConfig(
                model.toString(), "flat:" + empty, dir.resolve("o2").toString(), null, 4, 1, 0, false, false);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> SparkEmbedJob.run(spark, cfg, new PrintStream(new ByteArrayOutputStream())));
        assertTrue(e.getMessage().contains(empty.getFileName().toString()), e.getMessage());
    }

    @Test
    void localJobsBuildTheirSessionWithoutWebUiOrWholeStageCodegenUnlessConfigured() {
        var local = config(dir.resolve("unused"), false);
        java.util.Properties none = new java.util.Properties();
        assertEquals(
                java.util.Map.of(
                        "spark.master", "local[2]",
                        "spark.ui.enabled", "false",
                        "spark.sql.codegen.wholeStage", "false"),
                SparkEmbedJob.sessionConf(local, none));

        java.util.Properties uiOn = new java.util.Properties();
        uiOn.setProperty("spark.ui.enabled", "true");
        uiOn.setProperty("spark.sql.codegen.wholeStage", "true");
        assertEquals(java.util.Map.of("spark.master", "local[2]"), SparkEmbedJob.sessionConf(local, uiOn));

        var cluster = new SparkEmbedJob.SparkEmbedConfig(
                model.toString(), "folder:" + images, "out", "spark://host:7077", 4, 1, 3, false, false);
        assertEquals(java.util.Map.of("spark.master", "spark://host:7077"), SparkEmbedJob.sessionConf(cluster, none));

        java.util.Properties submitted = new java.util.Properties();
        submitted.setProperty("spark.master", "yarn");
        assertEquals(java.util.Map.of(), SparkEmbedJob.sessionConf(local, submitted));
        submitted.setProperty("spark.master", "local[4]");
        assertEquals(
                java.util.Map.of("spark.ui.enabled", "false", "spark.sql.codegen.wholeStage", "false"),
                SparkEmbedJob.sessionConf(local, submitted));
    }
}
