package io.byol4j.sdk.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ImageOpsTest {

    @Test
    void enlargingInterpolatesBetweenNeighboursAndClampsAtTheBorders() {
        DecodedImage img = gray(2, 1, 0, 100);
        // Output centres map to input positions -0.25, 0.25, 0.75, 1.25.
        assertArrayEquals(
                bytes(0, 25, 75, 100), ImageOps.resizeBilinear(img, 4, 1).pixels());
    }

    @Test
    void shrinkingAveragesWithAWidenedTriangle() {
        DecodedImage img = gray(4, 1, 0, 40, 80, 120);
        // Output 0 centre 0.5, support 2: weights .75, .75, .25 over inputs 0..2 -> 50 / 1.75 = 28.6.
        // Output 1 centre 2.5: weights .25, .75, .75 over inputs 1..3 -> 160 / 1.75 = 91.4.
        assertArrayEquals(bytes(29, 91), ImageOps.resizeBilinear(img, 2, 1).pixels());
    }

    @Test
    void resizingKeepsAFlatImageFlatAndChannelsApart() {
        byte[] px = new byte[7 * 5 * 3];
        for (int i = 0; i < px.length; i += 3) {
            px[i] = 10;
            px[i + 1] = (byte) 200;
            px[i + 2] = (byte) 255;
        }
        DecodedImage img = new DecodedImage(7, 5, 3, px);
        for (int[] size : new int[][] {{3, 2}, {13, 9}, {1, 1}, {7, 11}}) {
            DecodedImage out = ImageOps.resizeBilinear(img, size[0], size[1]);
            assertEquals(size[0], out.width());
            assertEquals(size[1], out.height());
            for (int y = 0; y < size[1]; y++) {
                for (int x = 0; x < size[0]; x++) {
                    assertEquals(10, out.get(x, y, 0));
                    assertEquals(200, out.get(x, y, 1));
                    assertEquals(255, out.get(x, y, 2));
                }
            }
        }
    }

    @Test
    void resizingToTheSameSizeReturnsTheImage() {
        DecodedImage img = gray(3, 2, 1, 2, 3, 4, 5, 6);
        assertSame(img, ImageOps.resizeBilinear(img, 3, 2));
        assertThrows(IllegalArgumentException.class, () -> ImageOps.resizeBilinear(img, 0, 2));
    }

    @Test
    void centerCropTakesTheMiddleWindowFlooringOddMargins() {
        DecodedImage img = gray(5, 4, 0, 1, 2, 3, 4, 10, 11, 12, 13, 14, 20, 21, 22, 23, 24, 30, 31, 32, 33, 34);
        assertArrayEquals(
                bytes(11, 12, 13, 21, 22, 23), ImageOps.centerCrop(img, 3, 2).pixels());
        assertArrayEquals(bytes(11, 12, 21, 22), ImageOps.centerCrop(img, 2, 2).pixels());
        assertSame(img, ImageOps.centerCrop(img, 5, 4));
        assertThrows(IllegalArgumentException.class, () -> ImageOps.centerCrop(img, 6, 1));
    }

    @Test
    void centerCropKeepsRgbTriplesTogether() {
        byte[] px = new byte[3 * 3 * 3];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) i;
        }
        DecodedImage crop = ImageOps.centerCrop(new DecodedImage(3, 3, 3, px), 1, 1);
        assertArrayEquals(bytes(12, 13, 14), crop.pixels());
    }

    @Test
    void resizeShorterSideKeepsTheAspectRatio() {
        DecodedImage landscape = new DecodedImage(40, 20, 1, new byte[800]);
        DecodedImage r = ImageOps.resizeShorterSide(landscape, 10);
        assertEquals(20, r.width());
        assertEquals(10, r.height());

        DecodedImage portrait = new DecodedImage(20, 30, 1, new byte[600]);
        r = ImageOps.resizeShorterSide(portrait, 15);
        assertEquals(15, r.width());
        assertEquals(23, r.height()); // 22.5 rounds up

        assertSame(portrait, ImageOps.resizeShorterSide(portrait, 20));
        assertThrows(IllegalArgumentException.class, () -> ImageOps.resizeShorterSide(portrait, 0));
    }

    @Test
    void toChannelsReplicatesGrayAndUsesBt601Luma() {
        DecodedImage gray = gray(2, 1, 7, 200);
        DecodedImage rgb = ImageOps.toChannels(gray, 3);
        assertArrayEquals(bytes(7, 7, 7, 200, 200, 200), rgb.pixels());
        assertSame(gray, ImageOps.toChannels(gray, 1));

        DecodedImage colour = new DecodedImage(3, 1, 3, bytes(255, 0, 0, 0, 255, 0, 10, 20, 30));
        // 76.2, 149.7, 0.299*10 + 0.587*20 + 0.114*30 = 18.15
        assertArrayEquals(bytes(76, 150, 18), ImageOps.toChannels(colour, 1).pixels());
        assertThrows(IllegalArgumentException.class, () -> ImageOps.toChannels(colour, 2));
    }

    @Test
    void resizeMatchesADirectTwoPassReferenceOnRandomImages() {
        Random random = new Random(11);
        for (int trial = 0; trial < 20; trial++) {
            int w = 1 + random.nextInt(30);
            int h = 1 + random.nextInt(30);
            int c = random.nextBoolean() ? 1 : 3;
            byte[] px = new byte[w * h * c];
            random.nextBytes(px);
            DecodedImage img = new DecodedImage(w, h, c, px);
            int ow = 1 + random.nextInt(40);
            int oh = 1 + random.nextInt(40);
            DecodedImage out = ImageOps.resizeBilinear(img, ow, oh);
            for (int y = 0; y < oh; y++) {
                for (int x = 0; x < ow; x++) {
                    for (int ch = 0; ch < c; ch++) {
                        double want = reference(img, ow, oh, x, y, ch);
                        assertEquals(
                                want,
                                out.get(x, y, ch),
                                0.51 + 1e-3,
                                "trial " + trial + " (" + x + "," + y + "," + ch + ")");
                    }
                }
            }
        }
    }

    /** Separable triangle filter evaluated directly, in double precision, without rounding. */
    private static double reference(DecodedImage img, int ow, int oh, int x, int y, int c) {
        double[] wx = weights(img.width(), ow, x);
        double[] wy = weights(img.height(), oh, y);
        double acc = 0;
        for (int j = 0; j < img.height(); j++) {
            for (int i = 0; i < img.width(); i++) {
                acc += wy[j] * wx[i] * img.get(i, j, c);
            }
        }
        return acc;
    }

    private static double[] weights(int in, int out, int o) {
        double scale = (double) in / out;
        double support = Math.max(1, scale);
        double centre = (o + 0.5) * scale - 0.5;
        double[] w = new double[in];
        double sum = 0;
        for (int j = 0; j < in; j++) {
            w[j] = Math.max(0, 1 - Math.abs(j - centre) / support);
            sum += w[j];
        }
        for (int j = 0; j < in; j++) {
            w[j] /= sum;
        }
        return w;
    }

    static DecodedImage gray(int w, int h, int... values) {
        return new DecodedImage(w, h, 1, bytes(values));
    }

    static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }
}
