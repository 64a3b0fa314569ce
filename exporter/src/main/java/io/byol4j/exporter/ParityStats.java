package io.byol4j.exporter;

/**
 * How far ONNX Runtime's outputs are from DJL's on one kind of input. Every output value of every
 * compared sample counts (embeddings, and class probabilities when a head is fused).
 *
 * @param samples number of input images compared
 * @param maxAbsDiff largest absolute difference ({@code +Infinity} if either side produced NaN)
 * @param meanAbsDiff mean absolute difference
 * @param maxAbsReference largest absolute value DJL produced, the scale the differences compare to
 */
public record ParityStats(int samples, double maxAbsDiff, double meanAbsDiff, double maxAbsReference) {

    /** True when the largest difference is at most {@code tolerance}. */
    public boolean within(double tolerance) {
        return maxAbsDiff <= tolerance;
    }
}
