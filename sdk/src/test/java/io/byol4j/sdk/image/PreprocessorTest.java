package io.byol4j.sdk.image;

import static io.byol4j.sdk.image.ImageOpsTest.bytes;
import static io.byol4j.sdk.image.ImageOpsTest.gray;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.byol4j.sdk.model.ModelContract;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class PreprocessorTest {

    private static final float[] ZERO1 = {0f};
    private static final float[] ONE1 = {1f};

    @Test
    void writesNormalisedChwWithoutResizingWhenSizesMatch() {
        // 2x2 RGB, pixel (x, y) channel c = 10 * (2y + x) + c + 1.
        byte[] px = new byte[12];
        for (int p = 0; p < 4; p++) {
            for (int c = 0; c < 3; c++) {
                px[p * 3 + c] = (byte) (10 * p + c + 1);
            }
        }
        float[] mean = {0.1f, 0.2f, 0.3f};
        float[] std = {0.5f, 0.25f, 2f};
        Preprocessor pre = new Preprocessor(3, 2, 2, 2, mean, std);
        float[] out = pre.apply(new DecodedImage(2, 2, 3, px));
        assertEquals(12, out.length);
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < 4; p++) {
                float v = 10 * p + c + 1;
                float want = (v / 255f - mean[c]) / std[c];
                assertEquals(want, out[c * 4 + p], 1e-6f, "channel " + c + " pixel " + p);
            }
        }
    }

    @Test
    void resizesTheShorterSideThenCropsTheCentre() {
        // 4x2 gray, shorter side 2 -> 1 gives 2x1: horizontal taps as in ImageOpsTest, then the two rows
        // are averaged: row 0 -> 28.57, 91.43; row 1 -> 48.57, 111.43; averages 38.57, 101.43.
        DecodedImage img = gray(4, 2, 0, 40, 80, 120, 20, 60, 100, 140);
        Preprocessor pre = new Preprocessor(1, 1, 1, 1, ZERO1, ONE1);
        float[] out = pre.apply(img);
        assertEquals(39 / 255f, out[0], 1e-7f);

        Preprocessor wide = new Preprocessor(1, 1, 2, 1, ZERO1, ONE1);
        assertArrayEquals(new float[] {39 / 255f, 101 / 255f}, wide.apply(img), 1e-7f);
    }

    @Test
    void equalsTheImageOpsChainExactly() {
        Random random = new Random(5);
        for (int trial = 0; trial < 40; trial++) {
            int w = 1 + random.nextInt(60);
            int h = 1 + random.nextInt(60);
            int inC = random.nextBoolean() ? 1 : 3;
            int outC = random.nextBoolean() ? 1 : 3;
            int crop = 1 + random.nextInt(24);
            int shorter = crop + random.nextInt(8);
            byte[] px = new byte[w * h * inC];
            random.nextBytes(px);
            DecodedImage img = new DecodedImage(w, h, inC, px);
            float[] mean = new float[outC];
            float[] std = new float[outC];
            for (int c = 0; c < outC; c++) {
                mean[c] = random.nextFloat();
                std[c] = 0.1f + random.nextFloat();
            }
            Preprocessor pre = new Preprocessor(outC, crop, crop, shorter, mean, std);

            DecodedImage chain = ImageOps.centerCrop(
                    ImageOps.resizeShorterSide(ImageOps.toChannels(img, outC), shorter), crop, crop);
            float[] want = new float[outC * crop * crop];
            for (int c = 0; c < outC; c++) {
                for (int y = 0; y < crop; y++) {
                    for (int x = 0; x < crop; x++) {
                        want[(c * crop + y) * crop + x] = (chain.get(x, y, c) / 255f - mean[c]) / std[c];
                    }
                }
            }
            float[] got = new float[want.length + 3];
            pre.apply(img, got, 3);
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], got[i + 3], "trial " + trial + " index " + i);
            }
        }
    }

    @Test
    void grayInputFillsEveryPlaneOfAnRgbModel() {
        DecodedImage img = gray(3, 3, 0, 10, 20, 30, 40, 50, 60, 70, 80);
        Preprocessor pre = new Preprocessor(3, 3, 3, 3, new float[3], new float[] {1, 1, 1});
        float[] out = pre.apply(img);
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < 9; p++) {
                assertEquals(10 * p / 255f, out[c * 9 + p], 1e-7f);
            }
        }
    }

    @Test
    void nonSquareCropGrowsTheResizeUntilTheCropFits() {
        byte[] px = new byte[10 * 10];
        new Random(1).nextBytes(px);
        DecodedImage img = new DecodedImage(10, 10, 1, px);
        Preprocessor pre = new Preprocessor(1, 2, 8, 4, ZERO1, ONE1);
        float[] out = pre.apply(img);
        DecodedImage chain = ImageOps.centerCrop(ImageOps.resizeBilinear(img, 8, 8), 8, 2);
        for (int i = 0; i < 16; i++) {
            assertEquals((chain.pixels()[i] & 0xFF) / 255f, out[i]);
        }
    }

    @Test
    void floatBuffersAreFilledAtTheirPositionAndAdvanced() {
        DecodedImage img = gray(2, 2, 0, 51, 102, 255);
        Preprocessor pre = new Preprocessor(1, 2, 2, 2, ZERO1, ONE1);
        float[] want = {0f, 0.2f, 0.4f, 1f};

        FloatBuffer heap = FloatBuffer.allocate(10);
        heap.position(3);
        pre.apply(img, heap);
        assertEquals(7, heap.position());
        for (int i = 0; i < 4; i++) {
            assertEquals(want[i], heap.get(3 + i), 1e-6f);
        }

        FloatBuffer direct =
                ByteBuffer.allocateDirect(4 * 8).order(ByteOrder.nativeOrder()).asFloatBuffer();
        direct.position(4);
        pre.apply(img, direct);
        assertEquals(8, direct.position());
        for (int i = 0; i < 4; i++) {
            assertEquals(want[i], direct.get(4 + i), 1e-6f);
        }

        FloatBuffer sliced = FloatBuffer.wrap(new float[12], 2, 8).slice();
        sliced.position(1);
        pre.apply(img, sliced);
        assertEquals(want[1], sliced.get(2), 1e-6f);

        assertThrows(BufferOverflowException.class, () -> pre.apply(img, FloatBuffer.allocate(3)));
        assertThrows(IndexOutOfBoundsException.class, () -> pre.apply(img, new float[5], 2));
    }

    @Test
    void buildsFromAModelContract() {
        ModelContract contract = new ModelContract(
                "input",
                "embedding",
                3,
                4,
                4,
                5,
                new float[] {0.5f, 0.5f, 0.5f},
                new float[] {0.5f, 0.5f, 0.5f},
                8,
                "resnet-mini");
        Preprocessor pre = new Preprocessor(contract);
        assertEquals(48, pre.inputSize());
        assertEquals(5, pre.resizeShorter());
        byte[] px = new byte[6 * 6 * 3];
        java.util.Arrays.fill(px, (byte) 255);
        float[] out = pre.apply(new DecodedImage(6, 6, 3, px));
        for (float v : out) {
            assertEquals(1f, v, 1e-6f);
        }
    }

    @Test
    void rejectsInconsistentSettings() {
        assertThrows(IllegalArgumentException.class, () -> new Preprocessor(2, 4, 4, 4, new float[2], new float[2]));
        assertThrows(IllegalArgumentException.class, () -> new Preprocessor(1, 4, 4, 3, ZERO1, ONE1));
        assertThrows(IllegalArgumentException.class, () -> new Preprocessor(3, 4, 4, 4, ZERO1, ONE1));
        assertThrows(IllegalArgumentException.class, () -> new Preprocessor(1, 4, 4, 4, ZERO1, new float[] {0}));
        assertThrows(IllegalArgumentException.class, () -> new Preprocessor(1, 0, 4, 4, ZERO1, ONE1));
    }

    @Test
    void concurrentCallsGiveTheSameResultsAsSequentialOnes() throws Exception {
        Random random = new Random(9);
        List<DecodedImage> images = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            int w = 20 + random.nextInt(50);
            int h = 20 + random.nextInt(50);
            byte[] px = new byte[w * h * 3];
            random.nextBytes(px);
            images.add(new DecodedImage(w, h, 3, px));
        }
        Preprocessor pre =
                new Preprocessor(3, 16, 16, 18, new float[] {0.4f, 0.4f, 0.4f}, new float[] {0.2f, 0.2f, 0.2f});
        List<float[]> sequential = new ArrayList<>();
        for (DecodedImage img : images) {
            sequential.add(pre.apply(img));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 5; round++) {
                List<Future<float[]>> futures = new ArrayList<>();
                for (DecodedImage img : images) {
                    futures.add(pool.submit(() -> pre.apply(img)));
                }
                for (int i = 0; i < images.size(); i++) {
                    assertArrayEquals(sequential.get(i), futures.get(i).get());
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void rgbInputToAGrayModelUsesLuma() {
        DecodedImage img = new DecodedImage(1, 1, 3, bytes(255, 0, 0));
        Preprocessor pre = new Preprocessor(1, 1, 1, 1, ZERO1, ONE1);
        assertEquals(76 / 255f, pre.apply(img)[0], 1e-7f);
    }
}
