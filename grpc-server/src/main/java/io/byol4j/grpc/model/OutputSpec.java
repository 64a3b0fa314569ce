package io.byol4j.grpc.model;

/**
 * One FP32 output of a served model: its name, its shape ({@code -1} for the batch) and where its values
 * sit in a result row ({@code offset}, {@code width} floats).
 */
public record OutputSpec(String name, long[] shape, int offset, int width) {}
