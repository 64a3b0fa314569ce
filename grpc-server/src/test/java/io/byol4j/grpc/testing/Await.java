package io.byol4j.grpc.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition the server reaches on its own threads, checking it every few milliseconds, with a
 * timeout generous enough for a heavily loaded machine: the test asserts that the state is reached, not how
 * fast.
 */
public final class Await {

    /** How long a condition may take before the test fails. */
    public static final long TIMEOUT_SECONDS = 30;

    private Await() {}

    /** Returns once {@code condition} holds; fails the test with {@code what} after {@link #TIMEOUT_SECONDS}. */
    public static void until(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                fail("not reached within " + TIMEOUT_SECONDS + " s: " + what);
            }
            Thread.sleep(2);
        }
    }
}
