package io.byol4j.trainer.augment;

import io.byol4j.sdk.image.DecodedImage;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Single-thread throughput of {@link ViewAugmenter} in views per second of thread CPU time (and of wall
 * time, which a busy machine lowers). Not a unit test: run it by hand,
 * for example {@code java -cp <test-classpath> io.byol4j.trainer.augment.AugmentThroughput}.
 */
public final class AugmentThroughput {

    /** CPU time of this thread, so that other processes on a shared machine do not skew the rate. */
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private AugmentThroughput() {}

    public static void main(String[] args) {
        float[] mean = {0.485f, 0.456f, 0.406f};
        float[] std = {0.229f, 0.224f, 0.225f};
        DecodedImage[] cifar = images(32, 32, 64);
        DecodedImage[] stl = images(96, 96, 64);
        DecodedImage[] photo = images(500, 375, 8);
        run(
                "32x32 <- 32x32,   light view2",
                new ViewAugmenter(AugmentConfig.light().view2(), 32, 3, mean, std),
                cifar);
        run(
                "32x32 <- 32x32,   paper view1",
                new ViewAugmenter(AugmentConfig.paper().view1(), 32, 3, mean, std),
                cifar);
        run(
                "32x32 <- 32x32,   paper view2",
                new ViewAugmenter(AugmentConfig.paper().view2(), 32, 3, mean, std),
                cifar);
        run(
                "96x96 <- 96x96,   paper view1",
                new ViewAugmenter(AugmentConfig.paper().view1(), 96, 3, mean, std),
                stl);
        run(
                "96x96 <- 96x96,   paper view2",
                new ViewAugmenter(AugmentConfig.paper().view2(), 96, 3, mean, std),
                stl);
        run(
                "96x96 <- 500x375, paper view1",
                new ViewAugmenter(AugmentConfig.paper().view1(), 96, 3, mean, std),
                photo);
    }

    private static void run(String label, ViewAugmenter aug, DecodedImage[] images) {
        float[] out = new float[aug.viewLength()];
        SplittableRandom rng = new SplittableRandom(1);
        long warmupEnd = System.nanoTime() + 1_500_000_000L;
        for (int i = 0; System.nanoTime() < warmupEnd; i++) {
            aug.apply(images[i % images.length], rng, out, 0);
        }
        int views = 0;
        long start = System.nanoTime();
        long cpuStart = CPU.getCurrentThreadCpuTime();
        while (CPU.getCurrentThreadCpuTime() - cpuStart < 3_000_000_000L) {
            for (int k = 0; k < 100; k++, views++) {
                aug.apply(images[views % images.length], rng, out, 0);
            }
        }
        double wall = (System.nanoTime() - start) / 1e9;
        double cpu = (CPU.getCurrentThreadCpuTime() - cpuStart) / 1e9;
        System.out.printf(
                Locale.ROOT,
                "%-32s %,10.0f views per CPU second, %,10.0f per wall second (checksum %.3f)%n",
                label,
                views / cpu,
                views / wall,
                out[0]);
    }

    private static DecodedImage[] images(int w, int h, int count) {
        DecodedImage[] images = new DecodedImage[count];
        for (int i = 0; i < count; i++) {
            SplittableRandom rng = new SplittableRandom(i);
            byte[] px = new byte[w * h * 3];
            for (int p = 0; p < px.length; p++) {
                px[p] = (byte) rng.nextInt(256);
            }
            images[i] = new DecodedImage(w, h, 3, px);
        }
        return images;
    }
}
