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
        assertArrayEquals(
                sharp.scores(new float[] {1, 0}),
                sharp.scores(new float[] {7, 0}),
                1e-6f,
                "only the direction of the query matters");
        assertEquals(2, KnnClassifier.fit(x, y, 3, 1, 0.07).predict(new float[] {0.1f, 2}));
        assertEquals(
                sharp.predict(query),
                sharp.withSettings(3, 10).withSettings(3, 0.01).predict(query));
    }

    @Test
    void majorityVoteCountsNeighboursAndBreaksTiesBySummedSimilarity() {
        // query (1, 0): nearest are rows 0 (class 0), 1 and 2 (class 1), then 3 (class 0)
        float[][] x = {{1, 0.05f}, {1, 0.3f}, {1, -0.3f}, {1, 0.6f}, {0, 1}};
        int[] y = {0, 1, 1, 0, 2};
        float[] query = {1, 0};
        KnnClassifier three = KnnClassifier.fit(x, y, 3, 3, KnnClassifier.MAJORITY_VOTE);
        assertEquals(1, three.predict(query), "two votes beat one, however close");
        assertArrayEquals(new float[] {1 / 3f, 2 / 3f, 0}, three.scores(query), 1e-6f);
        KnnClassifier four = three.withSettings(4, KnnClassifier.MAJORITY_VOTE);
        // 2 votes each; class 1 (rows 1, 2) is closer in sum than class 0 (rows 0, 3)
        assertEquals(1, four.predict(query));
        assertEquals(
                0,
                KnnClassifier.fit(new float[][] {{1, 0}, {1, 0}}, new int[] {1, 0}, 2, 2, KnnClassifier.MAJORITY_VOTE)
                        .predict(query),
                "a full tie goes to the lower class");
    }

    @Test
    void equallySimilarNeighboursAreTakenInStorageOrder() {
        // rows 0 and 1 are equally similar to the query; only one of them fits beside row 2: the first
        float[][] x = {{1, 1}, {1, 1}, {1, 0.1f}};
        KnnClassifier knn = KnnClassifier.fit(x, new int[] {0, 1, 2}, 3, 2, KnnClassifier.MAJORITY_VOTE);
        assertArrayEquals(new float[] {0.5f, 0, 0.5f}, knn.scores(new float[] {1, 0}), 1e-6f);
        // a fully collapsed set: every other sample is equally similar, the first k of them vote (samples 0 and
        // 1 see one vote per class and a tie in similarity, so the lower class wins)
        float[][] same = {{1, 2}, {1, 2}, {1, 2}, {1, 2}, {1, 2}};
        KnnClassifier collapsed = KnnClassifier.fit(same, new int[] {1, 1, 0, 0, 0}, 2, 2, KnnClassifier.MAJORITY_VOTE);
        assertArrayEquals(new int[] {0, 0, 1, 1, 1}, collapsed.leaveOneOutPredictions());
    }

    @Test
    void leaveOneOutLeavesEachSampleOutOfItsOwnVote() {
        // two tight clusters; the last sample is labeled 0 but sits in cluster 1
        float[][] x = {{1, 0}, {0.99f, 0.14f}, {0.98f, -0.2f}, {0, 1}, {0.1f, 0.99f}, {-0.14f, 0.99f}};
        int[] y = {0, 0, 0, 1, 1, 0};
        KnnClassifier knn = KnnClassifier.fit(x, y, 2, 2, KnnClassifier.MAJORITY_VOTE);
        // samples 3 and 4 each have one neighbour of class 1 and one (sample 5) of class 0: the tie goes to
        // class 1, whose neighbour is the more similar; sample 5 is outvoted by 3 and 4
        assertArrayEquals(new int[] {0, 0, 0, 1, 1, 1}, knn.leaveOneOutPredictions());
        assertEquals(5.0 / 6.0, knn.leaveOneOutAccuracy(), 1e-12);
        // k = 1: every sample takes its nearest other sample's label; with itself included it would be 1.0
        KnnClassifier one = knn.withSettings(1, KnnClassifier.MAJORITY_VOTE);
        assertEquals(5.0 / 6.0, one.leaveOneOutAccuracy(), 1e-12);
        assertEquals(1.0, one.accuracy(x, y), 1e-12);
        // k larger than the other samples: every other sample votes
        assertArrayEquals(
                new int[] {0, 0, 0, 0, 0, 0},
                knn.withSettings(50, KnnClassifier.MAJORITY_VOTE).leaveOneOutPredictions());
        assertThrows(
                IllegalStateException.class,
                () -> KnnClassifier.fit(new float[][] {{1, 0}}, new int[] {0}, 2)
                        .leaveOneOutPredictions());
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
        knn.withSettings(5, KnnClassifier.MAJORITY_VOTE).save(file);
        assertEquals(KnnClassifier.MAJORITY_VOTE, KnnClassifier.load(file).temperature());
    }

    @Test
    void rejectsBadSettingsAndInput() {
        float[][] x = {{1, 0}, {0, 1}};
        assertThrows(IllegalArgumentException.class, () -> KnnClassifier.fit(x, new int[] {0, 1}, 2, 0, 0.07));
        assertThrows(IllegalArgumentException.class, () -> KnnClassifier.fit(x, new int[] {0, 1}, 2, 5, 0));
        assertThrows(IllegalArgumentException.class, () -> KnnClassifier.fit(x, new int[] {0, 1}, 2, 5, Double.NaN));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> KnnClassifier.fit(x, new int[] {0, -1}, 2));
        assertTrue(e.getMessage().contains("label -1"), e.getMessage());
        KnnClassifier knn = KnnClassifier.fit(x, new int[] {0, 1}, 2);
        assertThrows(IllegalArgumentException.class, () -> knn.predict(new float[] {1}));
    }
}
