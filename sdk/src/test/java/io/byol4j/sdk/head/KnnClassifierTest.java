package io.byol4j.sdk.head;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnnClassifierTest {

    @Test
    void classifiesClusteredData() {
        double[][] centres = TestData.centres(5, 16, 12, 21);
        TestData train = TestData.sample(centres, 60, 1.0, new java.util.Random(1));
        TestData test = TestData.sample(centres, 40, 1.0, new java.util.Random(2));
        KnnClassifier knn = KnnClassifier.fit(train.x, train.y, 5);
        assertEquals(20, knn.k());
        assertEquals(0.07, knn.temperature());
        assertTrue(knn.accuracy(test.x, test.y) > 0.95, "accuracy " + knn.accuracy(test.x, test.y));
    }

    @Test
    void usesCosineSimilarityAndTemperatureWeightedVotes() {
        float[][] x = {{1, 0.05f}, {1, 0.3f}, {1, -0.3f}, {0, 1}};
        int[] y = {0, 1, 1, 2};
        KnnClassifier sharp = KnnClassifier.fit(x, y, 3, 3, 0.01);
        KnnClassifier flat = KnnClassifier.fit(x, y, 3, 3, 10);
        float[] query = {50, 0};
        assertEquals(0, sharp.predict(query), "one very close neighbour outweighs two farther ones");
        assertEquals(1, flat.predict(query), "with a high temperature the majority wins");
        float[] scores = flat.scores(query);
        assertEquals(1.0, scores[0] + scores[1] + scores[2], 1e-6);
        assertEquals(0f, scores[2], "class 2 is not among the 3 neighbours");
        assertArrayEquals(sharp.scores(new float[] {1, 0}), sharp.scores(new float[] {7, 0}), 1e-6f,
                "only the direction of the query matters");
        assertEquals(2, KnnClassifier.fit(x, y, 3, 1, 0.07).predict(new float[] {0.1f, 2}));
        assertEquals(sharp.predict(query), sharp.withSettings(3, 10).withSettings(3, 0.01).predict(query));
    }

    @Test
    void kLargerThanTheTrainingSetUsesEverySample() {
        float[][] x = {{1, 0}, {0, 1}};
        KnnClassifier knn = KnnClassifier.fit(x, new int[] {0, 1}, 2);
        assertEquals(1, knn.predict(new float[] {0.1f, 1}));
    }

    @Test
    void saveAndLoadRoundTrip(@TempDir Path dir) throws IOException {
        TestData d = TestData.gaussians(3, 20, 8, 6, 5);
        KnnClassifier knn = KnnClassifier.fit(d.x, d.y, 3, 7, 0.2);
        Path file = dir.resolve("knn.bin");
        knn.save(file);
        KnnClassifier loaded = KnnClassifier.load(file);
        assertEquals(7, loaded.k());
        assertEquals(0.2, loaded.temperature());
        assertEquals(60, loaded.size());
        assertEquals(8, loaded.dim());
        for (float[] row : d.x) {
            assertArrayEquals(knn.scores(row), loaded.scores(row));
        }
    }

    @Test
    void rejectsBadSettingsAndInput() {
        float[][] x = {{1, 0}, {0, 1}};
        assertThrows(IllegalArgumentException.class, () -> KnnClassifier.fit(x, new int[] {0, 1}, 2, 0, 0.07));
        assertThrows(IllegalArgumentException.class, () -> KnnClassifier.fit(x, new int[] {0, 1}, 2, 5, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KnnClassifier.fit(x, new int[] {0, -1}, 2));
        assertTrue(e.getMessage().contains("label -1"), e.getMessage());
        KnnClassifier knn = KnnClassifier.fit(x, new int[] {0, 1}, 2);
        assertThrows(IllegalArgumentException.class, () -> knn.predict(new float[] {1}));
    }
}
