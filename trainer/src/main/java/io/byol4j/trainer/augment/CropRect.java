package io.byol4j.trainer.augment;

import java.util.SplittableRandom;

/** A crop rectangle in source pixels, and the two ways of choosing one. */
record CropRect(int x, int y, int width, int height) {

    private static final int ATTEMPTS = 10;

    /**
     * Random resized crop: up to ten draws of an area fraction (uniform) and an aspect ratio (log-uniform);
     * the first that fits inside the image wins and is placed uniformly. Otherwise the whole image is
     * centre-cropped to the nearest allowed aspect ratio.
     */
    static CropRect random(int width, int height, CropConfig cfg, SplittableRandom rng) {
        double area = (double) width * height;
        double logRatioMin = Math.log(cfg.ratioMin());
        double logRatioMax = Math.log(cfg.ratioMax());
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            double targetArea = area * uniform(cfg.scaleMin(), cfg.scaleMax(), rng);
            double ratio = Math.exp(uniform(logRatioMin, logRatioMax, rng));
            int w = (int) Math.round(Math.sqrt(targetArea * ratio));
            int h = (int) Math.round(Math.sqrt(targetArea / ratio));
            if (w > 0 && w <= width && h > 0 && h <= height) {
                int y = rng.nextInt(height - h + 1);
                int x = rng.nextInt(width - w + 1);
                return new CropRect(x, y, w, h);
            }
        }
        double inRatio = (double) width / height;
        int w;
        int h;
        if (inRatio < cfg.ratioMin()) {
            w = width;
            h = clamp((int) Math.round(w / cfg.ratioMin()), height);
        } else if (inRatio > cfg.ratioMax()) {
            h = height;
            w = clamp((int) Math.round(h * cfg.ratioMax()), width);
        } else {
            w = width;
            h = height;
        }
        return new CropRect((width - w) / 2, (height - h) / 2, w, h);
    }

    /** The largest centred square: what "resize the shorter side, then centre crop" sees. */
    static CropRect centreSquare(int width, int height) {
        int side = Math.min(width, height);
        return new CropRect((width - side) / 2, (height - side) / 2, side, side);
    }

    private static double uniform(double lo, double hi, SplittableRandom rng) {
        return lo + (hi - lo) * rng.nextDouble();
    }

    private static int clamp(int v, int max) {
        return Math.max(1, Math.min(v, max));
    }
}
