package io.byol4j.spark;

import io.byol4j.sdk.encoder.EncoderOptions;
import java.util.Arrays;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Spark ML stage that maps a column of encoded image bytes (the {@code content} column of Spark's
 * {@code binaryFile} source by default) to an embedding column ({@code ml.linalg.Vector}) computed by an
 * exported byol4j model, plus an error column. The input column may instead hold file paths (string) that every
 * executor can read; the files are then read where the task runs. A row whose image cannot be decoded gets a null embedding
 * and the reason in the error column; the job goes on.
 *
 * <p>Each executor JVM opens the model once and shares it across its tasks and partitions; rows are
 * embedded in batches of {@link #batchSize()} within a partition, the next batches decoded on a pool of
 * threads shared by the executor while the current one runs inference. The model path is read on the executors:
 * a path every node can read, or a file shipped with {@code spark-submit --files} / {@code addFile}, found
 * by its file name. Saves and loads with Spark ML persistence ({@link #write()}, {@link #load}).
 *
 * <p>Like every Spark stage, an instance is configured on the driver by one thread.
 */
public final class ByolEmbedder extends Transformer implements DefaultParamsWritable {

    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Param<String> modelPath;
    private final Param<String> inputCol;
    private final Param<String> outputCol;
    private final Param<String> errorCol;
    private final IntParam batchSize;
    private final IntParam intraOpThreads;
    private final BooleanParam normalize;

    /** A new stage with a random uid. */
    public ByolEmbedder() {
        this(Identifiable$.MODULE$.randomUID("byolEmbedder"));
    }

    /** A new stage with {@code uid} (used by Spark ML persistence). */
    public ByolEmbedder(String uid) {
        this.uid = uid;
        modelPath = new Param<>(
                this,
                "modelPath",
                "exported byol4j .onnx model, readable on every executor"
                        + " or shipped with --files (found by file name)");
        inputCol = new Param<>(
                this,
                "inputCol",
                "binary column of encoded images, or string column of image file paths every executor can read");
        outputCol = new Param<>(this, "outputCol", "embedding column to add (ml.linalg.Vector)");
        errorCol = new Param<>(this, "errorCol", "string column to add: why an image has no embedding");
        batchSize = new IntParam(
                this, "batchSize", "images per inference batch within a partition", ParamValidators.gtEq(1));
        intraOpThreads = new IntParam(
                this,
                "intraOpThreads",
                "ONNX Runtime threads per batch (0 = runtime default); Spark's task slots add parallelism",
                ParamValidators.gtEq(0));
        normalize = new BooleanParam(this, "normalize", "scale each embedding to unit L2 norm");
        setDefault(inputCol, "content");
        setDefault(outputCol, "embedding");
        setDefault(errorCol, "embedding_error");
        setDefault(batchSize, EncoderOptions.DEFAULT_BATCH_SIZE);
        setDefault(intraOpThreads, 1);
        setDefault(normalize, false);
    }

    @Override
    public String uid() {
        return uid;
    }

    /** The model file parameter. */
    public Param<String> modelPath() {
        return modelPath;
    }

    /** The input column parameter (default {@code content}): binary image bytes or string file paths. */
    public Param<String> inputCol() {
        return inputCol;
    }

    /** The embedding column parameter (default {@code embedding}). */
    public Param<String> outputCol() {
        return outputCol;
    }

    /** The error column parameter (default {@code embedding_error}). */
    public Param<String> errorCol() {
        return errorCol;
    }

    /** The batch size parameter (default 64). */
    public IntParam batchSize() {
        return batchSize;
    }

    /** The ONNX Runtime intra-op threads parameter (default 1: one thread per Spark task). */
    public IntParam intraOpThreads() {
        return intraOpThreads;
    }

    /** The L2 normalisation parameter (default false). */
    public BooleanParam normalize() {
        return normalize;
    }

    public ByolEmbedder setModelPath(String value) {
        set(modelPath, value);
        return this;
    }

    public ByolEmbedder setInputCol(String value) {
        set(inputCol, value);
        return this;
    }

    public ByolEmbedder setOutputCol(String value) {
        set(outputCol, value);
        return this;
    }

    public ByolEmbedder setErrorCol(String value) {
        set(errorCol, value);
        return this;
    }

    public ByolEmbedder setBatchSize(int value) {
        set(batchSize, value);
        return this;
    }

    public ByolEmbedder setIntraOpThreads(int value) {
        set(intraOpThreads, value);
        return this;
    }

    public ByolEmbedder setNormalize(boolean value) {
        set(normalize, value);
        return this;
    }

    /**
     * Adds the embedding and error columns. Lazy, like every transformation.
     *
     * @throws IllegalArgumentException when the model path is unset, the input column is missing or not
     *     binary, or an output column already exists
     */
    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        return transform(dataset, false, null);
    }

    /**
     * As {@link #transform(Dataset)}; with {@code floatArray} the embedding column is {@code array<float>}
     * instead of a Vector, and {@code timings} (if not null) collects where the time goes.
     */
    Dataset<Row> transform(Dataset<?> dataset, boolean floatArray, EmbedTimings timings) {
        StructType out = outputSchema(dataset.schema(), floatArray);
        int input = dataset.schema().fieldIndex(getOrDefault(inputCol));
        boolean paths = dataset.schema().apply(input).dataType().equals(DataTypes.StringType);
        EmbedPartition fn = new EmbedPartition(
                getOrDefault(modelPath),
                (Integer) getOrDefault(batchSize),
                (Integer) getOrDefault(intraOpThreads),
                (Boolean) getOrDefault(normalize),
                input,
                paths,
                floatArray,
                timings);
        return dataset.toDF().mapPartitions(fn, Encoders.row(out));
    }

    @Override
    public StructType transformSchema(StructType schema) {
        return outputSchema(schema, false);
    }

    private StructType outputSchema(StructType schema, boolean floatArray) {
        if (!isDefined(modelPath)) {
            throw new IllegalArgumentException("ByolEmbedder " + uid + ": modelPath is not set");
        }
        String in = getOrDefault(inputCol);
        if (!Arrays.asList(schema.fieldNames()).contains(in)) {
            throw new IllegalArgumentException(
                    "ByolEmbedder " + uid + ": input column '" + in + "' not in schema " + schema.simpleString());
        }
        org.apache.spark.sql.types.DataType type = schema.apply(in).dataType();
        if (!type.equals(DataTypes.BinaryType) && !type.equals(DataTypes.StringType)) {
            throw new IllegalArgumentException("ByolEmbedder " + uid + ": input column '" + in
                    + "' must be binary (encoded image bytes) or string (image file paths) but is "
                    + type.simpleString());
        }
        for (Param<String> p : java.util.List.of(outputCol, errorCol)) {
            String name = getOrDefault(p);
            if (Arrays.asList(schema.fieldNames()).contains(name)) {
                throw new IllegalArgumentException(
                        "ByolEmbedder " + uid + ": output column '" + name + "' already exists");
            }
        }
        return schema.add(new StructField(
                        getOrDefault(outputCol),
                        floatArray ? DataTypes.createArrayType(DataTypes.FloatType, false) : SQLDataTypes.VectorType(),
                        true,
                        org.apache.spark.sql.types.Metadata.empty()))
                .add(getOrDefault(errorCol), DataTypes.StringType, true);
    }

    @Override
    public ByolEmbedder copy(ParamMap extra) {
        return (ByolEmbedder) defaultCopy(extra);
    }

    /** Spark ML persistence: the reader {@link org.apache.spark.ml.Pipeline} loading uses. */
    public static MLReader<ByolEmbedder> read() {
        return new DefaultParamsReader<>();
    }

    /** Loads a stage saved with {@code write().save(path)}. */
    public static ByolEmbedder load(String path) {
        return read().load(path);
    }
}
