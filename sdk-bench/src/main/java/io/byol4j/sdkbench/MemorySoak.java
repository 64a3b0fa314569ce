package io.byol4j.sdkbench;

import io.byol4j.sdk.encoder.Encoder;
import io.byol4j.sdk.image.DecodedImage;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Native-memory soak: streams many images through {@link Encoder#embed(List)} in batches and prints the
 * process's resident memory ({@code VmRSS} from {@code /proc/self/status}) at the start, after every
 * tenth of the images and at the end. A leak of ONNX Runtime tensors, results or buffers shows as RSS
 * that keeps growing while the Java heap stays flat. Run it with a fixed, pre-touched heap so that the
 * heap's pages are resident from the start and RSS growth is native growth.
 *
 * <pre>
 * java -Xms256m -Xmx256m -XX:+AlwaysPreTouch -cp 'sdk-bench/target/byol4j-sdk-bench-0.1.0-SNAPSHOT.jar:sdk-sdk-bench/target/lib/*' io.byol4j.sdkbench.MemorySoak \
 *     [IMAGES (default 1000000)] [--model FILE.onnx]
 * </pre>
 */
public final class MemorySoak {

    private static final long DEFAULT_IMAGES = 1_000_000L;
    /** Distinct synthetic images cycled through (a few MB; the soak is about native memory, not data). */
    private static final int POOL = 1024;

    private MemorySoak() {}

    public static void main(String[] args) throws IOException {
        long images = DEFAULT_IMAGES;
        Path model = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--model") && i + 1 < args.length) {
                model = Path.of(args[++i]);
            } else {
                try {
                    images = Long.parseLong(args[i].replace("_", ""));
                } catch (NumberFormatException e) {
                    System.err.println("usage: MemorySoak [IMAGES] [--model FILE.onnx]; got '" + args[i] + "'");
                    System.exit(2);
                }
                if (images < BenchModel.BATCH) {
                    System.err.println("IMAGES must be at least " + BenchModel.BATCH + ", got " + images);
                    System.exit(2);
                }
            }
        }
        if (model == null) {
            model = BenchModel.export(Files.createTempDirectory("byol4j-soak"));
        }
        run(model, images);
    }

    static void run(Path model, long images) throws IOException {
        List<DecodedImage> pool = BenchData.images(POOL, BenchModel.SIZE, 17);
        report("before open", 0, images, 0);
        try (Encoder encoder = Encoder.open(model)) {
            report("after open", 0, images, 0);
            long start = System.nanoTime();
            long done = 0;
            long nextReport = images / 10;
            double checksum = 0;
            List<DecodedImage> batch = new ArrayList<>(BenchModel.BATCH);
            while (done < images) {
                int n = (int) Math.min(BenchModel.BATCH, images - done);
                batch.clear();
                for (int i = 0; i < n; i++) {
                    batch.add(pool.get((int) ((done + i) % POOL)));
                }
                float[][] rows = encoder.embed(batch);
                checksum += rows[0][0];
                done += n;
                if (done >= nextReport || done == images) {
                    report(
                            String.format(Locale.ROOT, "%3d%%", done * 100 / images),
                            done,
                            images,
                            (System.nanoTime() - start) / 1e9);
                    nextReport += images / 10;
                }
            }
            System.out.printf(
                    Locale.ROOT,
                    "done: %d images in %.1f s (checksum %.4f)%n",
                    done,
                    (System.nanoTime() - start) / 1e9,
                    checksum);
        }
        report("after close", images, images, 0);
    }

    private static void report(String label, long done, long total, double seconds) throws IOException {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        double rss = rssKb() / 1024.0;
        double committed = heap.getCommitted() / 1048576.0;
        System.out.printf(
                Locale.ROOT,
                "%-12s %9d/%d images  VmRSS %7.1f MB  heap used %6.1f MB committed %6.1f MB  RSS-heap %7.1f MB%s%n",
                label,
                done,
                total,
                rss,
                heap.getUsed() / 1048576.0,
                committed,
                rss - committed,
                seconds > 0 ? String.format(Locale.ROOT, "  %.1f s, %.0f images/s", seconds, done / seconds) : "");
    }

    /** Resident set size of this process in kB, from /proc/self/status. */
    public static long rssKb() throws IOException {
        return io.byol4j.sdkbench.serve.ProcStatus.self().rssKb();
    }
}
