package io.byol4j.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Runs a graceful stop on SIGTERM or SIGINT instead of the JVM's default (which would run shutdown hooks
 * and exit 143 or 130): the action runs on its own thread and the command then returns normally, so a
 * drained server exits 0. Where signals cannot be handled, a shutdown hook runs the action instead.
 */
final class ShutdownSignals {

    private static final Logger LOG = LoggerFactory.getLogger(ShutdownSignals.class);

    private ShutdownSignals() {}

    /** Runs {@code stop} once, on the first SIGTERM or SIGINT. */
    static void onTerminate(Runnable stop) {
        Thread stopper = new Thread(stop, "byol4j-shutdown");
        java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable once = () -> {
            if (started.compareAndSet(false, true)) {
                stopper.start();
            }
        };
        try {
            Signal.handle(new Signal("TERM"), s -> once.run());
            Signal.handle(new Signal("INT"), s -> once.run());
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            LOG.warn("cannot handle termination signals ({}); stopping from a shutdown hook instead", e.toString());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                once.run();
                try {
                    stopper.join();
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
    }
}
