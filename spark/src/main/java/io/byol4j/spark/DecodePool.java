package io.byol4j.spark;

import io.byol4j.sdk.image.ImageDecoder;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads of this JVM (an executor, or the driver in local mode) that decode and preprocess images ahead of
 * inference, shared by every task that runs here: one per core, daemon threads, so they never keep the JVM
 * alive. Thread-safe.
 */
final class DecodePool {

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final ExecutorService POOL =
            Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors()), r -> {
                Thread t = new Thread(r, "byol4j-spark-decode-" + COUNTER.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
    private static final ThreadLocal<ImageDecoder> DECODERS = ThreadLocal.withInitial(ImageDecoder::new);

    private DecodePool() {}

    /** The shared pool. */
    static ExecutorService get() {
        return POOL;
    }

    /** A decoder for the calling thread (decoders are cheap but reused per thread). */
    static ImageDecoder decoder() {
        return DECODERS.get();
    }
}
