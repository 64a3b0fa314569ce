package io.byol4j.sdk.data;

import io.byol4j.sdk.image.DecodedImage;
import java.util.SplittableRandom;

/**
 * One randomly drawn picture of a {@link SyntheticShape}: background (solid or a two-colour linear
 * gradient), an optional small distractor disk, the shape (colour, position, scale, rotation), and
 * uniform pixel noise. Rendering is an antialiased software rasteriser (4×4 samples per pixel) using
 * only {@link StrictMath} and strict double arithmetic, so an image is bit-identical on every JVM.
 *
 * <p>The shape's gray level always differs from every gray level of the background by at least
 * {@link #MIN_LUMA_CONTRAST}, so the shape survives a grayscale augmentation.
 */
final class ShapeScene {

    /** Smallest and largest shape diameter as a fraction of the image side. */
    static final double MIN_SCALE = 0.35;
    static final double MAX_SCALE = 0.80;
    /** Least BT.601 luma difference between the shape and any background pixel (before noise). */
    static final int MIN_LUMA_CONTRAST = 48;

    private static final int MAX_GRADIENT_LUMA_SPREAD = 70;
    private static final int SUBSAMPLES = 4;
    private static final double TWO_PI = 2 * Math.PI;

    private final int size;
    private final SyntheticShape shape;
    private final double[] background1;
    private final double[] background2;
    private final double gradientCos;
    private final double gradientSin;
    private final double[] shapeColour;
    private final double centreX;
    private final double centreY;
    private final double radius;
    private final double rotCos;
    private final double rotSin;
    private final boolean hasDistractor;
    private final double distractorX;
    private final double distractorY;
    private final double distractorRadius;
    private final double[] distractorColour;
    private final int noise;

    /** Draws every nuisance factor of one image from {@code rng}, in a fixed order. */
    ShapeScene(SyntheticShape shape, int size, SplittableRandom rng) {
        this.size = size;
        this.shape = shape;

        boolean gradient = rng.nextBoolean();
        int[] c1 = randomColour(rng);
        int l1 = luma(c1);
        int[] c2 = c1;
        if (gradient) {
            int lo = Math.max(0, l1 - MAX_GRADIENT_LUMA_SPREAD);
            int hi = Math.min(255, l1 + MAX_GRADIENT_LUMA_SPREAD);
            c2 = withLuma(randomColour(rng), lo + rng.nextInt(hi - lo + 1));
        }
        double angle = rng.nextDouble() * TWO_PI;
        this.gradientCos = StrictMath.cos(angle);
        this.gradientSin = StrictMath.sin(angle);
        this.background1 = toDouble(c1);
        this.background2 = toDouble(c2);

        int bgLo = Math.min(l1, luma(c2));
        int bgHi = Math.max(l1, luma(c2));
        this.shapeColour = toDouble(withLuma(randomColour(rng), contrastingLuma(bgLo, bgHi, rng)));

        double scale = MIN_SCALE + (MAX_SCALE - MIN_SCALE) * rng.nextDouble();
        this.radius = scale * size / 2;
        this.centreX = radius + (size - 2 * radius) * rng.nextDouble();
        this.centreY = radius + (size - 2 * radius) * rng.nextDouble();
        double rotation = rng.nextDouble() * TWO_PI;
        this.rotCos = StrictMath.cos(rotation);
        this.rotSin = StrictMath.sin(rotation);

        boolean wantDistractor = rng.nextBoolean();
        double dr = size * (0.06 + 0.06 * rng.nextDouble());
        double dx = size * rng.nextDouble();
        double dy = size * rng.nextDouble();
        int[] dc = randomColour(rng);
        double gap = radius + dr * 0.5;
        this.hasDistractor = wantDistractor
                && (dx - centreX) * (dx - centreX) + (dy - centreY) * (dy - centreY) >= gap * gap;
        this.distractorX = dx;
        this.distractorY = dy;
        this.distractorRadius = dr;
        this.distractorColour = toDouble(dc);

        this.noise = 2 + rng.nextInt(7);
    }

    /** Rasterises the scene; pixel noise is drawn from {@code rng}. */
    DecodedImage render(SplittableRandom rng) {
        byte[] pixels = new byte[size * size * 3];
        double half = size / 2.0;
        double gradientSpan = size * Math.sqrt(2);
        double[] colour = new double[3];
        int o = 0;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double px = x + 0.5 - half;
                double py = y + 0.5 - half;
                double t = clamp01((px * gradientCos + py * gradientSin) / gradientSpan + 0.5);
                for (int c = 0; c < 3; c++) {
                    colour[c] = background1[c] + (background2[c] - background1[c]) * t;
                }
                if (hasDistractor) {
                    blend(colour, distractorColour, distractorCoverage(x, y));
                }
                blend(colour, shapeColour, shapeCoverage(x, y));
                for (int c = 0; c < 3; c++) {
                    int v = (int) Math.floor(colour[c] + 0.5) + rng.nextInt(2 * noise + 1) - noise;
                    pixels[o++] = (byte) Math.max(0, Math.min(255, v));
                }
            }
        }
        return new DecodedImage(size, size, 3, pixels);
    }

    /** Fraction of pixel {@code (x, y)} covered by the shape. */
    double shapeCoverage(int x, int y) {
        if (x + 1 < centreX - radius || x > centreX + radius || y + 1 < centreY - radius || y > centreY + radius) {
            return 0;
        }
        int inside = 0;
        for (int sy = 0; sy < SUBSAMPLES; sy++) {
            double dy = y + (sy + 0.5) / SUBSAMPLES - centreY;
            for (int sx = 0; sx < SUBSAMPLES; sx++) {
                double dx = x + (sx + 0.5) / SUBSAMPLES - centreX;
                double u = (dx * rotCos + dy * rotSin) / radius;
                double v = (-dx * rotSin + dy * rotCos) / radius;
                if (shape.contains(u, v)) {
                    inside++;
                }
            }
        }
        return inside / (double) (SUBSAMPLES * SUBSAMPLES);
    }

    private double distractorCoverage(int x, int y) {
        double r = distractorRadius;
        if (x + 1 < distractorX - r || x > distractorX + r || y + 1 < distractorY - r || y > distractorY + r) {
            return 0;
        }
        int inside = 0;
        for (int sy = 0; sy < SUBSAMPLES; sy++) {
            double dy = y + (sy + 0.5) / SUBSAMPLES - distractorY;
            for (int sx = 0; sx < SUBSAMPLES; sx++) {
                double dx = x + (sx + 0.5) / SUBSAMPLES - distractorX;
                if (dx * dx + dy * dy <= r * r) {
                    inside++;
                }
            }
        }
        return inside / (double) (SUBSAMPLES * SUBSAMPLES);
    }

    private static void blend(double[] colour, double[] over, double coverage) {
        if (coverage <= 0) {
            return;
        }
        for (int c = 0; c < 3; c++) {
            colour[c] += (over[c] - colour[c]) * coverage;
        }
    }

    /** A luma at least {@link #MIN_LUMA_CONTRAST} away from every value in {@code [lo, hi]}. */
    private static int contrastingLuma(int lo, int hi, SplittableRandom rng) {
        int darkMax = lo - MIN_LUMA_CONTRAST; // allowed: [0, darkMax]
        int lightMin = hi + MIN_LUMA_CONTRAST; // allowed: [lightMin, 255]
        int darkCount = Math.max(0, darkMax + 1);
        int lightCount = Math.max(0, 256 - lightMin);
        int pick = rng.nextInt(darkCount + lightCount);
        return pick < darkCount ? pick : lightMin + (pick - darkCount);
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

    private static double clamp01(double v) {
        return v < 0 ? 0 : Math.min(1, v);
    }
}
