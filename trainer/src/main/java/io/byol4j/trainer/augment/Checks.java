package io.byol4j.trainer.augment;

/** Argument checks shared by the configuration records, with messages that name the field. */
final class Checks {

    private Checks() {}

    static void probability(String name, double p) {
        if (!(p >= 0.0 && p <= 1.0)) {
            throw new IllegalArgumentException(name + " must be a probability in [0, 1], got " + p);
        }
    }

    static void nonNegative(String name, double v) {
        if (!(v >= 0.0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + " must be finite and >= 0, got " + v);
        }
    }

    static void positive(String name, double v) {
        if (!(v > 0.0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + " must be finite and > 0, got " + v);
        }
    }

    static void ordered(String minName, double min, String maxName, double max) {
        if (min > max) {
            throw new IllegalArgumentException(
                    minName + " (" + min + ") must not exceed " + maxName + " (" + max + ")");
        }
    }

    static <T> T present(String name, T value) {
        if (value == null) {
            throw new IllegalArgumentException(name + " is missing");
        }
        return value;
    }
}
