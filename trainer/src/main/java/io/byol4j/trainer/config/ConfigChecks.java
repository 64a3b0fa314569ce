package io.byol4j.trainer.config;

/** Range checks with messages that name the offending key. */
final class ConfigChecks {

    private ConfigChecks() {}

    static void positive(String key, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(key + " must be positive, got " + value);
        }
    }

    static void nonNegative(String key, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(key + " must be zero or positive, got " + value);
        }
    }

    static void positiveFinite(String key, double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(key + " must be a positive number, got " + value);
        }
    }

    static void nonNegativeFinite(String key, double value) {
        if (!(value >= 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(key + " must be zero or a positive number, got " + value);
        }
    }

    /** Checks {@code 0 <= value < 1}. */
    static void unitInterval(String key, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(key + " must be in [0, 1), got " + value);
        }
    }

    static String nonBlank(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(key + " must not be empty");
        }
        return value.trim();
    }
}
