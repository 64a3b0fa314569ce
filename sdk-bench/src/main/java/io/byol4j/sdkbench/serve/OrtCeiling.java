package io.byol4j.sdkbench.serve;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The pure ONNX Runtime ceiling of a model: images per second of {@code session.run} on a prepared input tensor,
 * with nothing else around it (no decoding, no copies, no gRPC), at batch 1 and at larger batches. It bounds what
 * any server of the model can reach on this machine, and what batching can ever give: the ratio of the batched to
 * the best unbatched figure. Sessions are created as the SDK creates them (all graph optimisations).
 */
final class OrtCeiling {

    /**
     * One measured configuration.
     *
     * @param label what ran
     * @param batch images per run
     * @param intraOpThreads intra-op threads of the session (0 = the runtime's default, one per core)
     * @param callers threads calling {@code run} at once on the same session
     * @param imagesPerSecond images per second over all callers
     * @param cpuMillisPerImage CPU time of this process per image (all threads, spinning ones included)
     */
    record Point(
            String label,
            int batch,
            int intraOpThreads,
            int callers,
            double imagesPerSecond,
            double cpuMillisPerImage) {}

    private OrtCeiling() {}

    /** Measures batch 1 (1 thread, 1 and 2 callers; default threads) and {@code batches} at default threads. */
    static List<Point> measure(Path model, Duration each, List<Integer> batches) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        List<Point> points = new ArrayList<>();
        try (OrtSession one = open(env, model, 1, true);
                OrtSession all = open(env, model, 0, true);
                OrtSession calm = open(env, model, 0, false)) {
            points.add(run("batch 1, 1 intra-op thread, 1 caller", env, one, 1, 1, 1, each));
            points.add(run("batch 1, 1 intra-op thread, 2 callers", env, one, 1, 1, 2, each));
            points.add(run("batch 1, default threads, 1 caller", env, all, 1, 0, 1, each));
            for (int b : batches) {
                points.add(run("batch " + b + ", default threads, 1 caller", env, all, b, 0, 1, each));
            }
            int last = batches.get(batches.size() - 1);
            points.add(run("batch " + last + ", default threads, no spinning", env, calm, last, 0, 1, each));
        }
        return points;
    }

    private static OrtSession open(OrtEnvironment env, Path model, int threads, boolean spinning) throws OrtException {
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            if (!spinning) {
                // idle intra-op threads sleep at once instead of spinning for the next run
                so.addConfigEntry("session.intra_op.allow_spinning", "0");
            }
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (threads > 0) {
                so.setIntraOpNumThreads(threads);
            }
            return env.createSession(model.toString(), so);
        }
    }

    private static Point run(
            String label, OrtEnvironment env, OrtSession session, int batch, int threads, int callers, Duration each)
            throws OrtException {
        Map.Entry<String, NodeInfo> input =
                session.getInputInfo().entrySet().iterator().next();
        long[] shape = ((TensorInfo) input.getValue().getInfo()).getShape().clone();
        shape[0] = batch;
        long size = 1;
        for (long d : shape) {
            size *= d;
        }
        float[] data = new float[(int) size];
        for (int i = 0; i < data.length; i++) {
            data[i] = (i % 255) / 255f;
        }
        try (OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape)) {
            Map<String, OnnxTensor> feed = Map.of(input.getKey(), tensor);
            // warm-up: the first runs allocate the arena and pick kernels
            for (int i = 0; i < 3; i++) {
                session.run(feed).close();
            }
            long[] runs = new long[callers];
            CountDownLatch done = new CountDownLatch(callers);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            long start = System.nanoTime();
            long end = start + each.toNanos();
            double cpuStart = cpuSeconds();
            for (int c = 0; c < callers; c++) {
                int caller = c;
                Thread t = new Thread(
                        () -> {
                            try {
                                while (System.nanoTime() < end) {
                                    session.run(feed).close();
                                    runs[caller]++;
                                }
                            } catch (OrtException | RuntimeException e) {
                                failure.compareAndSet(null, e);
                            } finally {
                                done.countDown();
                            }
                        },
                        "ort-ceiling-" + c);
                t.setDaemon(true);
                t.start();
            }
            try {
                if (!done.await(each.toNanos() + TimeUnit.MINUTES.toNanos(2), TimeUnit.NANOSECONDS)) {
                    throw new IllegalStateException(label + ": runs still busy two minutes after the window");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(label + ": interrupted", e);
            }
            if (failure.get() != null) {
                throw new IllegalStateException(label + ": a run failed: " + failure.get(), failure.get());
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpu = cpuSeconds() - cpuStart;
            long total = 0;
            for (long r : runs) {
                total += r;
            }
            long images = total * batch;
            return new Point(label, batch, threads, callers, images / seconds, cpu * 1000 / images);
        }
    }

    private static double cpuSeconds() {
        try {
            return ProcStatus.cpuSeconds(ProcessHandle.current().pid());
        } catch (java.io.IOException e) {
            return Double.NaN;
        }
    }

    static String line(Point p) {
        return String.format(
                Locale.ROOT,
                "  ORT ceiling, %-40s %9.1f images/s  %.3f CPU ms/image",
                p.label(),
                p.imagesPerSecond(),
                p.cpuMillisPerImage());
    }
}
