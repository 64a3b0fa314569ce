package io.byol4j.sdk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.byol4j.sdk.classify.Classification;
import io.byol4j.sdk.classify.Prediction;
import io.byol4j.sdk.encoder.ImageEmbedding;
import io.byol4j.sdk.features.FeatureSet;
import io.byol4j.sdk.head.LabelPropagation;
import io.byol4j.sdk.image.DecodedImage;
import io.byol4j.sdk.image.ImageDecodeException;
import io.byol4j.sdk.model.ModelContract;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, docs/sdk-api.md section 3: the SDK's public values that hold arrays copy them in and out, and compare,
 * hash and print by contents.
 */
class ValuesTest {

    @Test
    void decodedImageCopiesItsPixelsAndComparesThem() {
        byte[] px = {1, 2, 3, 4, 5, 6};
        DecodedImage a = new DecodedImage(2, 1, 3, px);
        px[0] = 99;
        assertEquals(1, a.get(0, 0, 0), "the constructor copies");
        a.pixels()[1] = 99;
        assertEquals(2, a.get(0, 0, 1), "pixels() hands out a copy");
        DecodedImage b = new DecodedImage(2, 1, 3, new byte[] {1, 2, 3, 4, 5, 6});
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, new DecodedImage(2, 1, 3, new byte[] {1, 2, 3, 4, 5, 7}));
        assertNotEquals(a, new DecodedImage(1, 2, 3, new byte[] {1, 2, 3, 4, 5, 6}));
        assertEquals("DecodedImage[2x1x3]", a.toString());
        byte[] row = new byte[4];
        a.copyRow(0, 1, 1, row, 1);
        assertArrayEquals(new byte[] {0, 4, 5, 6}, row);
        assertThrows(IndexOutOfBoundsException.class, () -> a.copyRow(1, 0, 1, row, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> a.copyRow(0, 1, 2, row, 0));
    }

    @Test
    void featureSetCopiesItsArraysAndComparesThem() {
        float[][] rows = {{1, 2}, {3, 4}};
        int[] labels = {0, -1};
        FeatureSet a = new FeatureSet(rows, labels, List.of("a", "b"), List.of("cat"));
        rows[0][0] = 99;
        labels[0] = 5;
        assertArrayEquals(new float[] {1, 2}, a.row(0));
        assertEquals(0, a.label(0));
        a.features()[1][0] = 99;
        a.labels()[1] = 7;
        a.row(1)[1] = 99;
        assertArrayEquals(new float[][] {{1, 2}, {3, 4}}, a.features());
        assertArrayEquals(new int[] {0, -1}, a.labels());
        FeatureSet b =
                new FeatureSet(new float[][] {{1, 2}, {3, 4}}, new int[] {0, -1}, List.of("a", "b"), List.of("cat"));
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(
                a,
                new FeatureSet(new float[][] {{1, 2}, {3, 5}}, new int[] {0, -1}, List.of("a", "b"), List.of("cat")));
        assertThrows(IndexOutOfBoundsException.class, () -> a.row(2));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new FeatureSet(new float[][] {{1}, null}, new int[2], List.of("a", "b"), List.of()));
        assertTrue(e.getMessage().contains("row 1"), e.getMessage());
    }

    @Test
    void modelContractCopiesMeanAndStdAndComparesThem() {
        float[] mean = {0.5f};
        float[] std = {0.25f};
        ModelContract a = new ModelContract("in", "out", 1, 8, 8, 8, mean, std, 4, "arch");
        mean[0] = 9;
        a.std()[0] = 9;
        assertArrayEquals(new float[] {0.5f}, a.mean());
        assertArrayEquals(new float[] {0.25f}, a.std());
        ModelContract b = ModelContract.fromMetadata(a.toMetadata());
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, new ModelContract("in", "out", 1, 8, 8, 8, new float[] {0.4f}, std, 4, "arch"));
        assertTrue(a.toString().contains("byol4j.mean=0.5"), a.toString());
    }

    @Test
    void classificationCopiesItsArraysAndComparesThem() {
        float[] p = {0.75f, 0.25f};
        float[] e = {1, 2, 3};
        Classification a = new Classification(List.of(new Prediction("cat", 0, 0.75f)), p, e);
        p[0] = 0;
        e[0] = 0;
        a.probabilities()[1] = 0;
        a.embedding()[1] = 0;
        assertArrayEquals(new float[] {0.75f, 0.25f}, a.probabilities());
        assertArrayEquals(new float[] {1, 2, 3}, a.embedding());
        Classification b = new Classification(
                List.of(new Prediction("cat", 0, 0.75f)), new float[] {0.75f, 0.25f}, new float[] {1, 2, 3});
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertEquals("cat", a.best().label());
    }

    @Test
    void labelPropagationResultHandsOutCopiesAndReadsOneSampleWithout() {
        float[][] x = {{1, 0}, {0.9f, 0.1f}, {0, 1}, {0.1f, 0.9f}};
        int[] y = {0, -1, 1, -1};
        LabelPropagation lp = new LabelPropagation(2, 0.9, 3);
        LabelPropagation.Result a = lp.propagate(x, y, 2);
        LabelPropagation.Result b = lp.propagate(x, y, 2);
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        a.labels()[1] = 42;
        a.confidence()[1] = 42;
        a.probabilities()[1][0] = 42;
        assertEquals(0, a.label(1));
        assertEquals(1, a.label(3));
        assertEquals(a.confidence()[1], a.confidence(1));
        assertTrue(a.probabilities()[1][0] <= 1);
        assertEquals(4, a.size());
    }

    @Test
    void imageEmbeddingIsAnEmbeddingOrAFailureWithAReason() {
        float[] f = {1, 2};
        ImageEmbedding ok = ImageEmbedding.of(f);
        f[0] = 9;
        ok.features()[1] = 9;
        assertTrue(ok.ok());
        assertArrayEquals(new float[] {1, 2}, ok.features());
        assertThrows(IllegalStateException.class, ok::failure);
        assertEquals(ok, ImageEmbedding.of(new float[] {1, 2}));
        assertEquals(ok.hashCode(), ImageEmbedding.of(new float[] {1, 2}).hashCode());
        assertEquals("ImageEmbedding[1.0, 2.0]", ok.toString());

        ImageEmbedding bad = ImageEmbedding.failed(
                new ImageDecodeException(ImageDecodeException.Reason.TRUNCATED, "x.png ends early"));
        assertFalse(bad.ok());
        assertEquals(ImageEmbedding.Reason.TRUNCATED, bad.failure().reason());
        assertEquals("x.png ends early", bad.failure().detail());
        assertEquals("TRUNCATED: x.png ends early", bad.failure().toString());
        IllegalStateException e = assertThrows(IllegalStateException.class, bad::features);
        assertTrue(e.getMessage().contains("x.png ends early"), e.getMessage());
        assertEquals(bad, ImageEmbedding.failed(ImageEmbedding.Reason.TRUNCATED, "x.png ends early"));
        assertNotEquals(bad, ImageEmbedding.failed(ImageEmbedding.Reason.CORRUPT, "x.png ends early"));
        assertThrows(NullPointerException.class, () -> ImageEmbedding.failed(null, "x"));
    }

    @Test
    void everyDecodeReasonMapsToTheResultReasonOfTheSameName() {
        for (ImageDecodeException.Reason r : ImageDecodeException.Reason.values()) {
            assertEquals(r.name(), ImageEmbedding.Reason.of(r).name());
        }
        assertEquals(
                ImageDecodeException.Reason.values().length + 1,
                ImageEmbedding.Reason.values().length,
                "PREPROCESS is the one reason the decoder does not have");
    }
}
