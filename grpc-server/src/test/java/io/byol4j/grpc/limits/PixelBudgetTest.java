package io.byol4j.grpc.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PixelBudgetTest {

    @Test
    void reservationsWaitForRoomAndTimeOutNamingTheLimit() throws Exception {
        List<Long> reported = new CopyOnWriteArrayList<>();
        PixelBudget budget = new PixelBudget(10_000, reported::add);
        PixelBudget.Reservation a = budget.reserve(6_000, 0);
        assertEquals(6_000, budget.held());
        LimitExceededException e = assertThrows(LimitExceededException.class, () -> budget.reserve(6_000, 50_000_000));
        assertEquals(Limits.MAX_PIXELS_IN_FLIGHT, e.limit());
        assertTrue(e.status().getDescription().startsWith("max_pixels_in_flight: "));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<PixelBudget.Reservation> waiting =
                    pool.submit(() -> budget.reserve(6_000, TimeUnit.SECONDS.toNanos(10)));
            Thread.sleep(50);
            assertTrue(!waiting.isDone(), "waits while the budget is taken");
            a.close();
            a.close();
            PixelBudget.Reservation b = waiting.get(10, TimeUnit.SECONDS);
            assertEquals(6_000, budget.held(), "closing twice returned the pixels once");
            b.close();
        } finally {
            pool.shutdownNow();
        }
        assertEquals(0, budget.held());
        assertEquals(List.of(6_000L, 0L, 6_000L, 0L), reported);
    }

    @Test
    void anImageLargerThanTheBudgetTakesAllOfIt() throws Exception {
        PixelBudget budget = new PixelBudget(10_000, p -> {});
        try (PixelBudget.Reservation r = budget.reserve(50_000, 0)) {
            assertEquals(10_000, budget.held());
        }
        assertEquals(0, budget.held());
    }
}
