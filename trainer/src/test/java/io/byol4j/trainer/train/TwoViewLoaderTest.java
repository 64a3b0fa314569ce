package io.byol4j.trainer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.byol4j.trainer.augment.AugmentConfig;
import io.byol4j.trainer.augment.ViewAugmenter;
import io.byol4j.trainer.testing.InMemoryDataset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class TwoViewLoaderTest {

    private static final float[] MEAN = {0.5f, 0.5f, 0.5f};
    private static final float[] STD = {0.25f, 0.25f, 0.25f};

    private final AugmentConfig augment = AugmentConfig.light();
    private final ViewAugmenter view1 = new ViewAugmenter(augment.view1(), 8, 3, MEAN, STD);
    private final ViewAugmenter view2 = new ViewAugmenter(augment.view2(), 8, 3, MEAN, STD);

    private List<TwoViewBatch> load(
            InMemoryDataset data, int workers, int prefetch, long from, long to, List<String> warnings)
            throws InterruptedException {
        DataOrder order = new DataOrder(11L, data.size(), 6, data.size() / 6);
        List<TwoViewBatch> out = new ArrayList<>();
        try (TwoViewLoader loader =
                new TwoViewLoader(data, view1, view2, order, workers, prefetch, from, to, warnings::add)) {
            for (long s = from; s < to; s++) {
                out.add(loader.next());
            }
            assertThrows(IllegalStateException.class, loader::next);
        }
        return out;
    }

    @Test
    void batchesArePureFunctionsOfSeedAndStepWhateverTheThreading() throws InterruptedException {
        InMemoryDataset data = new InMemoryDataset(30, 12);
        List<TwoViewBatch> single = load(data, 1, 1, 0, 12, new ArrayList<>());
        List<TwoViewBatch> parallel = load(data, 3, 5, 0, 12, new ArrayList<>());
        List<TwoViewBatch> resumed = load(data, 2, 2, 7, 12, new ArrayList<>());
        for (int s = 0; s < 12; s++) {
            assertEquals(s, single.get(s).step());
            assertArrayEquals(single.get(s).view1(), parallel.get(s).view1());
            assertArrayEquals(single.get(s).view2(), parallel.get(s).view2());
            assertEquals(6 * 3 * 8 * 8, single.get(s).view1().length);
            assertFalse(
                    java.util.Arrays.equals(single.get(s).view1(), single.get(s).view2()));
        }
        for (int s = 7; s < 12; s++) {
            assertArrayEquals(single.get(s).view1(), resumed.get(s - 7).view1());
        }
    }

    @Test
    void everyEpochVisitsEveryImageOnceInANewOrder() {
        DataOrder order = new DataOrder(3L, 30, 6, 5);
        Set<Integer> epoch0 = new HashSet<>();
        List<Integer> first = new ArrayList<>();
        List<Integer> second = new ArrayList<>();
        for (int step = 0; step < 5; step++) {
            for (int slot = 0; slot < 6; slot++) {
                epoch0.add(order.index(step, slot));
                first.add(order.index(step, slot));
                second.add(order.index(step + 5, slot));
            }
        }
        assertEquals(30, epoch0.size());
        assertEquals(epoch0, new HashSet<>(second));
        assertFalse(first.equals(second));
        assertEquals(first.get(7), new DataOrder(3L, 30, 6, 5).index(1, 1));
        assertFalse(first.equals(secondSeed()));
    }

    private static List<Integer> secondSeed() {
        DataOrder other = new DataOrder(4L, 30, 6, 5);
        List<Integer> out = new ArrayList<>();
        for (int step = 0; step < 5; step++) {
            for (int slot = 0; slot < 6; slot++) {
                out.add(other.index(step, slot));
            }
        }
        return out;
    }

    @Test
    void brokenImagesAreReplacedCountedAndReportedOnce() throws InterruptedException {
        InMemoryDataset data = new InMemoryDataset(30, 12, 3, 5L, Set.of(2, 17));
        List<String> warnings = new CopyOnWriteArrayList<>();
        List<TwoViewBatch> batches = load(data, 2, 3, 0, 10, warnings);
        assertEquals(10, batches.size());
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.stream().anyMatch(w -> w.contains("image 2 ")));
        assertTrue(warnings.stream().anyMatch(w -> w.contains("image 17 ")));
        // the same run again yields the same batches despite the substitutions
        List<TwoViewBatch> again = load(data, 1, 1, 0, 10, new ArrayList<>());
        for (int s = 0; s < 10; s++) {
            assertArrayEquals(batches.get(s).view1(), again.get(s).view1());
        }
    }

    @Test
    void anUnreadableDatasetFailsWithAClearMessage() {
        Set<Integer> all = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            all.add(i);
        }
        InMemoryDataset data = new InMemoryDataset(30, 12, 3, 5L, all);
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> load(data, 2, 2, 0, 1, new ArrayList<>()));
        assertTrue(e.getMessage().contains("failed to decode"), e.getMessage());
    }
}
