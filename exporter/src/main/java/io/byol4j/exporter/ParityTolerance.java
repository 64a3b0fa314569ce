package io.byol4j.exporter;

import java.util.Locale;

/**
 * How far ONNX Runtime's outputs may be from DJL's for an export to pass. An output passes when
 *
 * <pre>  max |djl - ort|  &lt;=  absolute + relative * max |djl|</pre>
 *
 * where both maxima run over every value of that output (embedding, or class probabilities) for all
 * compared inputs of one kind (random or dataset images). This is numpy's {@code allclose} rule with a
 * per-tensor scale instead of a per-element one: float32 rounding in a convolution or a sum grows with
 * the magnitude of the terms, so a feature that happens to be near zero carries the same absolute error
 * as its large neighbours, and a per-element relative bound would reject correct graphs. The relative
 * term lets the same defaults serve small and large encoders (outputs from about 1 to several hundred).
 *
 * @param absolute the absolute term, at least 0
 * @param relative the relative term, a fraction of the output scale, at least 0
 */
public record ParityTolerance(double absolute, double relative) {

    /**
     * Default for float32 weights. Measured on every encoder family (resnet10/18/34/50, both stems) at
     * widths 4, 16 and 64, float32 disagreement stays below 1.8e-6 of the output scale (up to 5.3e-4
     * absolute for resnet50 at width 64, whose outputs reach 840), so this bound leaves a margin of
     * about 30. A subtly wrong graph, such as a BatchNorm epsilon of 1e-3 instead of 1e-5, is off by
     * at least 3e-3 of the scale and fails by a factor of 60.
     */
    public static final ParityTolerance FLOAT32 = new ParityTolerance(1e-5, 5e-5);

    /**
     * Default for float16 weights. Rounding the weights to 11 significant bits moves the outputs by up
     * to 3.7e-3 of their scale on the same encoders; this bound leaves a margin of about 5. At this
     * precision the check catches wrong operators and wiring, not errors smaller than rounding.
     */
    public static final ParityTolerance FLOAT16 = new ParityTolerance(1e-3, 2e-2);

    /** Validates both terms. */
    public ParityTolerance {
        if (!(absolute >= 0) || Double.isInfinite(absolute)) {
            throw new IllegalArgumentException("absolute tolerance must be a finite number >= 0, got " + absolute);
        }
        if (!(relative >= 0) || Double.isInfinite(relative)) {
            throw new IllegalArgumentException("relative tolerance must be a finite number >= 0, got " + relative);
        }
    }

    /** {@link #FLOAT16} or {@link #FLOAT32}. */
    public static ParityTolerance defaultFor(boolean float16) {
        return float16 ? FLOAT16 : FLOAT32;
    }

    /** The largest difference allowed for an output whose largest absolute value is {@code scale}. */
    public double allowedDiff(double scale) {
        return absolute + relative * scale;
    }

    /** True when {@code stats} stays within {@link #allowedDiff} of its own scale (NaN never passes). */
    public boolean accepts(ParityStats stats) {
        return stats.maxAbsDiff() <= allowedDiff(stats.maxAbsReference());
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "atol %.3g + rtol %.3g * max|djl|", absolute, relative);
    }
}
