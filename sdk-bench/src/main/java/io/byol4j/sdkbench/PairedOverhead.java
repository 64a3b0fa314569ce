package io.byol4j.sdkbench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.byol4j.sdk.encoder.Encoder;
import io.byol4j.sdk.image.DecodedImage;
import io.byol4j.sdk.image.Preprocessor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The SDK encoder's overhead over raw ONNX Runtime measured in pairs: in one JVM, rounds of 10 batches
 * through a raw session alternate with 10 batches through {@link Encoder#embedFloats}, and the ratio of
 * each pair is taken. On a shared machine this cancels the drift between JMH forks, which there is
 * larger than the overhead being measured. Prints the median and quartiles of the paired ratios.
 *
 * <pre>
 * java -cp 'sdk-bench/target/byol4j-sdk-bench-0.1.0-SNAPSHOT.jar:sdk-sdk-bench/target/lib/*' io.byol4j.sdkbench.PairedOverhead \
 *     [--rounds 40] [--model FILE.onnx]
 * </pre>
 */
public final class PairedOverhead {

    private static final int BATCHES_PER_ROUND = 10;
    private static final int WARMUP_ROUNDS = 3;

    private PairedOverhead() {}

    public static void main(String[] args) throws IOException, OrtException {
        int rounds = 40;
        Path model = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--model" -> model = Path.of(args[i + 1]);
                default -> {
                    System.err.println("usage: PairedOverhead [--rounds N] [--model FILE.onnx]");
                    System.exit(2);
                }
            }
        }
        if (rounds < 1) {
            System.err.println("--rounds must be at least 1");
            System.exit(2);
        }
        if (model == null) {
            model = BenchModel.export(Files.createTempDirectory("byol4j-paired"));
        }
        run(model, rounds);
    }

    static void run(Path model, int rounds) throws IOException, OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (Encoder encoder = Encoder.open(model);
                OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            Preprocessor preprocessor = new Preprocessor(encoder.contract());
            List<DecodedImage> images = BenchData.images(BenchModel.BATCH, BenchModel.SIZE, 11);
            float[] batch = new float[BenchModel.BATCH * preprocessor.inputSize()];
            for (int i = 0; i < images.size(); i++) {
                preprocessor.apply(images.get(i), batch, i * preprocessor.inputSize());
            }
            FloatBuffer direct = ByteBuffer.allocateDirect(batch.length * Float.BYTES)
                    .order(ByteOrder.nativeOrder())
                    .asFloatBuffer()
                    .put(batch)
                    .flip();
            long[] shape = {
                BenchModel.BATCH,
                encoder.contract().channels(),
                encoder.contract().height(),
                encoder.contract().width()
            };
            Set<String> outputs = Set.of(encoder.contract().outputName());
            float[] sink = new float[BenchModel.BATCH * encoder.embeddingDim()];
            try (OrtSession session = env.createSession(model.toString(), options);
                    OnnxTensor input = OnnxTensor.createTensor(env, direct, shape)) {
                Map<String, OnnxTensor> feed = Map.of(encoder.contract().inputName(), input);
                double[] ratios = new double[rounds];
                double rawSeconds = 0;
                double encoderSeconds = 0;
                for (int r = -WARMUP_ROUNDS; r < rounds; r++) {
                    long t0 = System.nanoTime();
                    for (int k = 0; k < BATCHES_PER_ROUND; k++) {
                        try (OrtSession.Result result = session.run(feed, outputs)) {
                            ((OnnxTensor) result.get(0)).getFloatBuffer().get(sink);
                        }
                    }
                    long t1 = System.nanoTime();
                    for (int k = 0; k < BATCHES_PER_ROUND; k++) {
                        encoder.embedFloats(batch, BenchModel.BATCH);
                    }
                    long t2 = System.nanoTime();
                    if (r >= 0) {
                        ratios[r] = (double) (t1 - t0) / (t2 - t1);
                        rawSeconds += (t1 - t0) / 1e9;
                        encoderSeconds += (t2 - t1) / 1e9;
                    }
                }
                Arrays.sort(ratios);
                double embedded = (double) rounds * BATCHES_PER_ROUND * BenchModel.BATCH;
                System.out.printf(
                        Locale.ROOT,
                        "raw ONNX Runtime %.1f images/s, Encoder.embedFloats %.1f images/s%n",
                        embedded / rawSeconds,
                        embedded / encoderSeconds);
                System.out.printf(
                        Locale.ROOT,
                        "Encoder/raw throughput over %d paired rounds: median %.3f"
                                + " (quartiles %.3f .. %.3f), ratio of totals %.3f%n",
                        rounds,
                        ratios[rounds / 2],
                        ratios[rounds / 4],
                        ratios[(3 * rounds) / 4],
                        rawSeconds / encoderSeconds);
            }
        }
    }
}
