package io.byol4j.spark;

import io.byol4j.sdk.encoder.Encoder;
import io.byol4j.sdk.encoder.EncoderOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkFiles;

/**
 * One open {@link Encoder} per model file and options in this JVM (an executor, or the driver in local
 * mode), shared by every task and partition that runs here. Encoders stay open for the life of the JVM
 * and are closed by a shutdown hook, which releases ONNX Runtime's native memory when the executor ends.
 * Thread-safe.
 */
final class ExecutorEncoders {

    /** What identifies one shared encoder. */
    record Key(Path model, EncoderOptions options) {}

    private static final ConcurrentHashMap<Key, Encoder> OPEN = new ConcurrentHashMap<>();
    private static final AtomicInteger OPENED = new AtomicInteger();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ExecutorEncoders::closeAll, "byol4j-encoders-close"));
    }

    private ExecutorEncoders() {}

    /** The shared encoder for {@code model}, opened on first use. */
    static Encoder get(String model, EncoderOptions options) {
        Key key = new Key(resolve(model), options);
        return OPEN.computeIfAbsent(key, k -> {
            try {
                Encoder encoder = Encoder.open(k.model(), k.options());
                OPENED.incrementAndGet();
                return encoder;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open model " + k.model() + ": " + e.getMessage(), e);
            }
        });
    }

    /**
     * The local file for {@code model}: the path itself when it exists on this machine, otherwise the copy
     * Spark shipped to this node (spark-submit {@code --files} or {@code SparkContext.addFile}) under the
     * same file name.
     */
    static Path resolve(String model) {
        Path direct = Path.of(model);
        if (Files.isRegularFile(direct)) {
            return direct.toAbsolutePath().normalize();
        }
        if (SparkEnv.get() != null) {
            Path shipped = Path.of(SparkFiles.get(direct.getFileName().toString()));
            if (Files.isRegularFile(shipped)) {
                return shipped;
            }
        }
        throw new IllegalArgumentException("model file " + model + " is neither on this node's file system nor"
                + " shipped with --files / SparkContext.addFile under the name " + direct.getFileName());
    }

    /** How many encoders this JVM has opened so far (each one once). */
    static int openedCount() {
        return OPENED.get();
    }

    /** Closes every shared encoder; later {@link #get} calls open them again. */
    static void closeAll() {
        List<Encoder> encoders = new ArrayList<>(OPEN.values());
        OPEN.clear();
        for (Encoder e : encoders) {
            e.close();
        }
    }
}
