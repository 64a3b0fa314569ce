package io.byol4j.sdk.data;

import io.byol4j.sdk.image.DecodedImage;
import java.util.SplittableRandom;

/**
 * One randomly drawn picture of a {@link SyntheticShape}: a solid background and {@link #COPIES} copies of
 * the shape, each at its own random position, size and rotation, all in
 * one colour, plus uniform pixel noise of a fixed amplitude. Because the shape repeats across the
 * picture, any large crop of it still shows the class; because every copy has its own pose, the picture
 * as a whole has no single position, size or orientation to tell apart from the class.
 *
 * <p>Rendering is an antialiased software rasteriser (4×4 samples per pixel) using only
 * {@link StrictMath} and strict double arithmetic, so an image is bit-identical on every JVM.
 *
 * <p>The shape has the background's hue and is lighter by {@link #SHAPE_LUMA_OFFSET} gray levels, so it
 * survives a grayscale augmentation and carries no colour of its own.
 */
final class ShapeScene {

    /** Copies of the shape in one picture. */
    static final int COPIES = 4;
    /** Smallest and largest diameter of one copy as a fraction of the image side. */
    static final double MIN_SCALE = 0.36;

    static final double MAX_SCALE = 0.46;
    /** BT.601 luma of the shape above that of the background (before noise). */
    static final int SHAPE_LUMA_OFFSET = 80;
    /** Least luma difference between the shape and the background (before noise and rounding). */
    static final int MIN_LUMA_CONTRAST = SHAPE_LUMA_OFFSET - 2;
    /** Amplitude of the uniform pixel noise, the same for every image so it carries no information. */
    static final int NOISE = 4;

    private static final int SUBSAMPLES = 4;
    private static final double TWO_PI = 2 * Math.PI;

    private final int size;
    private final SyntheticShape shape;
    private final double[] background;
    private final double[] shapeColour;
    private final double[] centreX;
    private final double[] centreY;
    private final double[] radius;
    private final double[] rotCos;
    private final double[] rotSin;

    /** Draws every nuisance factor of one image from {@code rng}, in a fixed order. */
    ShapeScene(SyntheticShape shape, int size, SplittableRandom rng) {
        this.size = size;
        this.shape = shape;
        // A background of any hue and saturation, dark enough for a lighter shape of the same hue: neither a
        // colour relation nor a light/dark polarity is left for a network to match views on.
        int[] bg = withLuma(randomColour(rng), rng.nextInt(256 - SHAPE_LUMA_OFFSET));
        this.background = toDouble(bg);
        this.shapeColour = toDouble(withLuma(bg, luma(bg) + SHAPE_LUMA_OFFSET));
        centreX = new double[COPIES];
        centreY = new double[COPIES];
        radius = new double[COPIES];
        rotCos = new double[COPIES];
        rotSin = new double[COPIES];
        for (int k = 0; k < COPIES; k++) {
            double scale = MIN_SCALE + (MAX_SCALE - MIN_SCALE) * rng.nextDouble();
            radius[k] = scale * size / 2;
            // centres anywhere in the picture: copies may overlap and be cut by the border
            centreX[k] = size * rng.nextDouble();
            centreY[k] = size * rng.nextDouble();
            double rotation = rng.nextDouble() * TWO_PI;
            rotCos[k] = StrictMath.cos(rotation);
            rotSin[k] = StrictMath.sin(rotation);
        }
    }

    /** Rasterises the scene; pixel noise is drawn from {@code rng}. */
    DecodedImage render(SplittableRandom rng) {
        byte[] pixels = new byte[size * size * 3];
        double[] colour = new double[3];
        int o = 0;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                System.arraycopy(background, 0, colour, 0, 3);
                blend(colour, shapeColour, shapeCoverage(x, y));
                for (int c = 0; c < 3; c++) {
                    int v = (int) Math.floor(colour[c] + 0.5) + rng.nextInt(2 * NOISE + 1) - NOISE;
                    pixels[o++] = (byte) Math.max(0, Math.min(255, v));
                }
            }
        }
        return new DecodedImage(size, size, 3, pixels);
    }

    /** Fraction of pixel {@code (x, y)} covered by any copy of the shape. */
    double shapeCoverage(int x, int y) {
        int inside = 0;
        for (int sy = 0; sy < SUBSAMPLES; sy++) {
            double py = y + (sy + 0.5) / SUBSAMPLES;
            for (int sx = 0; sx < SUBSAMPLES; sx++) {
                double px = x + (sx + 0.5) / SUBSAMPLES;
                if (covered(px, py)) {
                    inside++;
                }
            }
        }
        return inside / (double) (SUBSAMPLES * SUBSAMPLES);
    }

    private boolean covered(double px, double py) {
        for (int k = 0; k < radius.length; k++) {
            double dx = px - centreX[k];
            double dy = py - centreY[k];
            double r = radius[k];
            if (dx < -r || dx > r || dy < -r || dy > r) {
                continue;
            }
            double u = (dx * rotCos[k] + dy * rotSin[k]) / r;
            double v = (-dx * rotSin[k] + dy * rotCos[k]) / r;
            if (shape.contains(u, v)) {
                return true;
            }
        }
        return false;
    }

    private static void blend(double[] colour, double[] over, double coverage) {
        if (coverage <= 0) {
            return;
        }
        for (int c = 0; c < 3; c++) {
            colour[c] += (over[c] - colour[c]) * coverage;
        }
    }

    private static int[] randomColour(SplittableRandom rng) {
        return new int[] {rng.nextInt(256), rng.nextInt(256), rng.nextInt(256)};
    }

    /**
     * Shifts {@code rgb} towards black or white so its luma becomes {@code target} (luma is linear, so
     * scaling towards black or mixing with white hits it exactly up to rounding).
     */
    static int[] withLuma(int[] rgb, int target) {
        double l = lumaExact(rgb);
        double[] out = new double[3];
        if (target <= l) {
            double k = l == 0 ? 0 : target / l;
            for (int c = 0; c < 3; c++) {
                out[c] = rgb[c] * k;
            }
        } else {
            double k = (target - l) / (255 - l);
            for (int c = 0; c < 3; c++) {
                out[c] = rgb[c] + (255 - rgb[c]) * k;
            }
        }
        int[] result = new int[3];
        for (int c = 0; c < 3; c++) {
            result[c] = (int) Math.max(0, Math.min(255, Math.floor(out[c] + 0.5)));
        }
        return result;
    }

    static int luma(int[] rgb) {
        return (int) Math.floor(lumaExact(rgb) + 0.5);
    }

    private static double lumaExact(int[] rgb) {
        return 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2];
    }

    private static double[] toDouble(int[] rgb) {
        return new double[] {rgb[0], rgb[1], rgb[2]};
    }
}
