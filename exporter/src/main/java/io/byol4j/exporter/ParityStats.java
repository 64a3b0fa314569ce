package io.byol4j.exporter;

/**
 * How far ONNX Runtime's values of one output are from DJL's on one kind of input (random or dataset
 * images). {@link ParityTolerance#accepts} decides whether they are close enough.
 *
 * @param samples number of input images compared
 * @param maxAbsDiff largest absolute difference ({@code +Infinity} if either side produced NaN)
 * @param meanAbsDiff mean absolute difference over every value of the output
 * @param maxAbsReference largest absolute value DJL produced, the scale the relative tolerance applies to
 */
public record ParityStats(int samples, double maxAbsDiff, double meanAbsDiff, double maxAbsReference) {}
