package io.byol4j.grpc.limits;

import io.grpc.Status;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * The decoded-pixel memory budget shared by every call: an image reserves its declared pixel count
 * before it is decoded and returns it once it is preprocessed. Waiters are served first come, first
 * served, so a large image is not starved by small ones. Thread-safe.
 */
public final class PixelBudget {

    /** Pixels per semaphore permit. */
    private static final long UNIT = 1024;
    /** Largest budget this class can hold, in pixels. */
    public static final long MAX_PIXELS = Integer.MAX_VALUE * UNIT;

    private final long capacity;
    private final Semaphore units;
    private final LongConsumer inFlight;
    private final AtomicLong held = new AtomicLong();

    /** A budget of {@code capacity} pixels; {@code inFlight} hears the pixels held after each change. */
    public PixelBudget(long capacity, LongConsumer inFlight) {
        if (capacity <= 0 || capacity > MAX_PIXELS) {
            throw new IllegalArgumentException("capacity must be in 1.." + MAX_PIXELS + ", got " + capacity);
        }
        this.capacity = capacity;
        this.units = new Semaphore(toUnits(capacity), true);
        this.inFlight = inFlight;
    }

    /** A reservation; {@link #close()} returns it (idempotent). */
    public final class Reservation implements AutoCloseable {
        private final long pixels;
        private boolean closed;

        private Reservation(long pixels) {
            this.pixels = pixels;
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                // Count and report the pixels as returned before another call can take them, so held()
                // never exceeds the capacity and reports arrive in order.
                change(-pixels);
                units.release(toUnits(pixels));
            }
        }
    }

    /**
     * Reserves {@code pixels}, waiting up to {@code waitNanos} for room.
     *
     * @throws LimitExceededException ({@code max_pixels_in_flight}, RESOURCE_EXHAUSTED) when no room came in time
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public Reservation reserve(long pixels, long waitNanos) throws LimitExceededException, InterruptedException {
        long p = Math.max(1, Math.min(pixels, capacity));
        if (!units.tryAcquire(toUnits(p), Math.max(0, waitNanos), TimeUnit.NANOSECONDS)) {
            throw new LimitExceededException(
                    Limits.MAX_PIXELS_IN_FLIGHT,
                    Status.Code.RESOURCE_EXHAUSTED,
                    "an image of " + pixels + " pixels found no room in the decoding budget of " + capacity
                            + " pixels within " + TimeUnit.NANOSECONDS.toMillis(Math.max(0, waitNanos))
                            + " ms (" + held.get() + " pixels are being decoded by other calls)");
        }
        change(p);
        return new Reservation(p);
    }

    /** Updates the count and reports it, one change at a time so that the last report is the current count. */
    private void change(long delta) {
        synchronized (held) {
            inFlight.accept(held.addAndGet(delta));
        }
    }

    /** Pixels reserved right now. */
    public long held() {
        return held.get();
    }

    /** The budget in pixels. */
    public long capacity() {
        return capacity;
    }

    private static int toUnits(long pixels) {
        return (int) Math.min(Integer.MAX_VALUE, (pixels + UNIT - 1) / UNIT);
    }
}
