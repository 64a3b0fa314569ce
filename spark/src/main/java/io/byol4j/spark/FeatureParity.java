package io.byol4j.spark;

import io.byol4j.sdk.features.FeatureFile;
import io.byol4j.sdk.features.FeatureSet;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Compares the Spark job's Parquet with {@code byol4j embed}'s feature files of the same images: matches
 * rows by image path and prints how many matched and the largest absolute difference of any feature.
 * Usage: {@code FeatureParity OUT/embeddings.parquet SDK_OUT DATASET_ROOT} (SDK ids are paths relative
 * to the dataset root, or absolute).
 */
public final class FeatureParity {

    private FeatureParity() {}

    /** Runs the comparison in a local[1] session. */
    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: FeatureParity PARQUET SDK_OUT DATASET_ROOT");
        }
        FeatureSet sdk = FeatureFile.read(Path.of(args[1]));
        Path root = Path.of(args[2]).toAbsolutePath().normalize();
        Map<String, float[]> byPath = new HashMap<>();
        for (int i = 0; i < sdk.size(); i++) {
            byPath.put(root.resolve(sdk.ids().get(i)).normalize().toString(), sdk.row(i));
        }
        SparkSession spark = SparkSession.builder()
                .master("local[1]")
                .appName("byol4j-parity")
                .config("spark.ui.enabled", "false")
                .getOrCreate();
        try {
            List<Row> rows =
                    spark.read().parquet(args[0]).select("path", "embedding").collectAsList();
            int matched = 0;
            int missing = 0;
            double maxAbs = 0;
            for (Row r : rows) {
                float[] want = byPath.get(r.getString(0));
                if (want == null || r.isNullAt(1)) {
                    missing++;
                    continue;
                }
                List<Float> got = r.getList(1);
                for (int j = 0; j < want.length; j++) {
                    maxAbs = Math.max(maxAbs, Math.abs(got.get(j) - want[j]));
                }
                matched++;
            }
            System.out.printf(
                    Locale.ROOT,
                    "parity: %d spark rows, %d sdk rows, %d matched, %d unmatched," + " max abs difference %.3g%n",
                    rows.size(),
                    sdk.size(),
                    matched,
                    missing,
                    maxAbs);
        } finally {
            spark.stop();
        }
    }
}
