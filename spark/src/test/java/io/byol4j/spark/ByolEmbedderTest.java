package io.byol4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.byol4j.sdk.encoder.Encoder;
import io.byol4j.sdk.encoder.EncoderOptions;
import io.byol4j.sdk.encoder.ImageEmbedding;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ByolEmbedderTest {

    @TempDir
    static Path dir;

    static SparkSession spark;
    static Path model;
    static Dataset<Row> images;

    @BeforeAll
    static void start() throws Exception {
        spark = SparkTestImages.session();
        model = SparkTestImages.model(dir);
        SparkTestImages.imageFolder(dir.resolve("images"), 12, 7);
        images = spark.read()
                .format("binaryFile")
                .option("recursiveFileLookup", "true")
                .load(dir.resolve("images").toString())
                .withColumn(
                        "label",
                        functions
                                .when(functions.col("path").contains("/red/"), 1.0)
                                .otherwise(0.0))
                .repartition(4);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void linearProbeInsidePipelineSeparatesTheClasses() {
        ByolEmbedder embedder =
                new ByolEmbedder().setModelPath(model.toString()).setBatchSize(5);
        LogisticRegression lr = new LogisticRegression()
                .setFeaturesCol("embedding")
                .setLabelCol("label")
                .setMaxIter(50);
        PipelineModel fitted =
                new Pipeline().setStages(new PipelineStage[] {embedder, lr}).fit(images);
        Dataset<Row> predicted = fitted.transform(images);
        long correct = predicted.filter("prediction = label").count();
        assertEquals(24, predicted.count());
        assertTrue(correct >= 22, "linear probe on embeddings got " + correct + "/24 right");
    }

    @Test
    void featuresEqualTheSdkForTheSameBytes() throws Exception {
        // four partitions of six rows in batches of 3, and one partition in twelve batches of 2 (decoded ahead)
        assertEquals(24, assertEqualToSdk(images, 3));
        assertEquals(24, assertEqualToSdk(images.coalesce(1), 2));
    }

    /** Embeds {@code input} with the stage and the SDK; asserts equal features, in row order; returns the rows. */
    private static int assertEqualToSdk(Dataset<Row> input, int batchSize) throws Exception {
        List<Row> rows = new ByolEmbedder()
                .setModelPath(model.toString())
                .setBatchSize(batchSize)
                .transform(input)
                .select("content", "embedding", "embedding_error")
                .collectAsList();
        List<byte[]> bytes = new ArrayList<>();
        rows.forEach(r -> bytes.add((byte[]) r.get(0)));
        double maxAbs = 0;
        try (Encoder sdk = Encoder.open(model, EncoderOptions.defaults())) {
            List<ImageEmbedding> expected = sdk.embedEncoded(bytes);
            for (int i = 0; i < rows.size(); i++) {
                assertNull(rows.get(i).get(2));
                double[] got = ((Vector) rows.get(i).get(1)).toArray();
                float[] want = expected.get(i).features();
                assertEquals(want.length, got.length);
                for (int j = 0; j < got.length; j++) {
                    maxAbs = Math.max(maxAbs, Math.abs(got[j] - want[j]));
                }
            }
        }
        assertTrue(maxAbs <= 1e-6, "max abs difference to the SDK " + maxAbs);
        return rows.size();
    }

    @Test
    void aPathColumnIsReadOnTheExecutorsAndGivesTheSameFeaturesAsTheBytes() {
        Dataset<Row> withPaths =
                images.withColumn("plain_path", functions.regexp_replace(functions.col("path"), "^file:", ""));
        List<Row> fromBytes = new ByolEmbedder()
                .setModelPath(model.toString())
                .transform(withPaths)
                .orderBy("path")
                .select("embedding")
                .collectAsList();
        for (String column : List.of("path", "plain_path")) { // a file: URI as binaryFile writes it, a plain path
            List<Row> fromPaths = new ByolEmbedder()
                    .setModelPath(model.toString())
                    .setInputCol(column)
                    .setBatchSize(5)
                    .transform(withPaths.drop("content"))
                    .orderBy("path")
                    .select("embedding", "embedding_error")
                    .collectAsList();
            assertEquals(24, fromPaths.size());
            for (int i = 0; i < fromPaths.size(); i++) {
                assertNull(fromPaths.get(i).get(1), column);
                assertEquals(fromBytes.get(i).get(0), fromPaths.get(i).get(0), column + " row " + i);
            }
        }
        StructType schema = new StructType().add("file", DataTypes.StringType);
        List<Row> missing = new ByolEmbedder()
                .setModelPath(model.toString())
                .setInputCol("file")
                .transform(spark.createDataFrame(List.of(RowFactory.create("/no/such/image.png")), schema))
                .collectAsList();
        assertNull(missing.get(0).get(1));
        assertTrue(
                missing.get(0).getString(2).contains("/no/such/image.png"),
                missing.get(0).getString(2));
    }

    @Test
    void encoderIsOpenedOncePerJvmAcrossPartitionsAndJobs() {
        ByolEmbedder embedder = new ByolEmbedder()
                .setModelPath(model.toString())
                .setBatchSize(4)
                .setIntraOpThreads(2);
        embedder.transform(images).count();
        int afterFirst = ExecutorEncoders.openedCount();
        embedder.transform(images).count();
        embedder.transform(images.repartition(3)).count();
        assertEquals(afterFirst, ExecutorEncoders.openedCount(), "later jobs must reuse the open encoder");
    }

    @Test
    void badImagesGetANullEmbeddingAndTheSdksErrorWhileOthersSucceed() throws Exception {
        StructType schema = new StructType().add("path", DataTypes.StringType).add("content", DataTypes.BinaryType);
        List<Row> mixed =
                new ArrayList<>(images.select("path", "content").limit(3).collectAsList());
        mixed.add(RowFactory.create("junk.png", "not an image".getBytes(StandardCharsets.US_ASCII)));
        mixed.add(RowFactory.create("empty.png", new byte[0]));
        mixed.add(RowFactory.create("null.png", null));
        List<Row> out = new ByolEmbedder()
                .setModelPath(model.toString())
                .setBatchSize(2)
                .transform(spark.createDataFrame(mixed, schema).repartition(2))
                .select("path", "embedding", "embedding_error", "content")
                .collectAsList();
        assertEquals(6, out.size());
        int ok = 0;
        try (Encoder sdk = Encoder.open(model, EncoderOptions.defaults())) {
            for (Row r : out) {
                String path = r.getString(0);
                if (path.endsWith("junk.png") || path.equals("empty.png") || path.equals("null.png")) {
                    assertNull(r.get(1), path);
                    byte[] content = r.isNullAt(3) ? null : (byte[]) r.get(3);
                    List<byte[]> one = new ArrayList<>();
                    one.add(content);
                    ImageEmbedding sdkResult = sdk.embedEncoded(one).get(0);
                    assertEquals(
                            sdkResult.failure().toString(), r.getString(2), path + ": the same reason as the SDK's");
                    assertTrue(!r.getString(2).isBlank(), path);
                } else {
                    assertNotNull(r.get(1), path);
                    assertNull(r.get(2), path);
                    ok++;
                }
            }
        }
        assertEquals(3, ok);
    }

    @Test
    void modelShippedWithAddFileIsFoundByItsFileName() throws Exception {
        Path shipped = java.nio.file.Files.createDirectories(dir.resolve("ship"));
        java.nio.file.Files.copy(model, shipped.resolve("shipped-encoder.onnx"));
        spark.sparkContext().addFile(shipped.resolve("shipped-encoder.onnx").toString());
        // The path does not exist on the "executor": the stage falls back to SparkFiles by file name.
        ByolEmbedder embedder = new ByolEmbedder().setModelPath("/nowhere/shipped-encoder.onnx");
        assertEquals(
                24, embedder.transform(images).filter("embedding IS NOT NULL").count());
        IllegalArgumentException missing = assertThrows(
                IllegalArgumentException.class, () -> ExecutorEncoders.resolve("/nowhere/never-shipped.onnx"));
        assertTrue(missing.getMessage().contains("never-shipped.onnx"), missing.getMessage());
    }

    @Test
    void emptyInputGivesAnEmptyResultWithTheNewColumns() {
        Dataset<Row> out = new ByolEmbedder().setModelPath(model.toString()).transform(images.limit(0));
        assertEquals(0, out.count());
        assertTrue(List.of(out.columns()).containsAll(List.of("embedding", "embedding_error")));
    }

    @Test
    void persistenceRoundTripKeepsParamsAndOutput() throws Exception {
        ByolEmbedder original = new ByolEmbedder()
                .setModelPath(model.toString())
                .setBatchSize(7)
                .setNormalize(true)
                .setOutputCol("feat");
        String path = dir.resolve("saved-embedder").toString();
        original.write().save(path);
        ByolEmbedder loaded = ByolEmbedder.load(path);
        assertEquals(original.uid(), loaded.uid());
        assertEquals(7, (int) loaded.getOrDefault(loaded.batchSize()));
        assertEquals(true, loaded.getOrDefault(loaded.normalize()));
        assertEquals("feat", loaded.getOrDefault(loaded.outputCol()));
        Vector a = (Vector) original.transform(images)
                .orderBy("path")
                .select("feat")
                .first()
                .get(0);
        Vector b = (Vector)
                loaded.transform(images).orderBy("path").select("feat").first().get(0);
        assertEquals(a, b);
        assertEquals(1.0, org.apache.spark.ml.linalg.Vectors.norm(a, 2), 1e-5);

        PipelineModel pipeline =
                new Pipeline().setStages(new PipelineStage[] {original}).fit(images);
        String pipePath = dir.resolve("saved-pipeline").toString();
        pipeline.write().save(pipePath);
        PipelineModel reloaded = PipelineModel.load(pipePath);
        assertTrue(reloaded.stages()[0] instanceof ByolEmbedder);
        assertEquals(24, reloaded.transform(images).filter("feat IS NOT NULL").count());
    }

    @Test
    void misconfigurationIsRejectedWithTheColumnNamed() {
        IllegalArgumentException noModel =
                assertThrows(IllegalArgumentException.class, () -> new ByolEmbedder().transform(images));
        assertTrue(noModel.getMessage().contains("modelPath"), noModel.getMessage());
        IllegalArgumentException notBinary = assertThrows(
                IllegalArgumentException.class,
                () -> new ByolEmbedder()
                        .setModelPath(model.toString())
                        .setInputCol("length")
                        .transform(images));
        assertTrue(notBinary.getMessage().contains("'length' must be binary"), notBinary.getMessage());
        IllegalArgumentException exists = assertThrows(
                IllegalArgumentException.class,
                () -> new ByolEmbedder()
                        .setModelPath(model.toString())
                        .setOutputCol("label")
                        .transform(images));
        assertTrue(exists.getMessage().contains("'label' already exists"), exists.getMessage());
    }
}
