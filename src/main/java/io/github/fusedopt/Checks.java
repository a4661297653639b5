package io.github.fusedopt;

/** Argument checks; every message names the argument and its value. */
final class Checks {

    private Checks() {
    }

    static <T> T notNull(T value, String name) {
        if (value == null) {
            throw new NullPointerException(name + " = null: must not be null");
        }
        return value;
    }

    static IllegalArgumentException invalid(String name, Object value, String rule) {
        return new IllegalArgumentException(name + " = " + value + ": " + rule);
    }

    /** Finite, and finite once rounded to {@code float}. */
    static double finite(double value, String name) {
        if (!Double.isFinite(value) || !Float.isFinite((float) value)) {
            throw invalid(name, value, "must be finite (as a float too)");
        }
        return value;
    }

    /** Finite and {@code > 0}, also once rounded to {@code float}. */
    static double positive(double value, String name) {
        finite(value, name);
        if (!(value > 0)) {
            throw invalid(name, value, "must be > 0");
        }
        if ((float) value == 0f) {
            throw invalid(name, value, "rounds to 0 as a float; must be at least " + Float.MIN_VALUE);
        }
        return value;
    }

    /** Finite and {@code ≥ 0}. */
    static double nonNegative(double value, String name) {
        finite(value, name);
        if (!(value >= 0)) {
            throw invalid(name, value, "must be >= 0");
        }
        return value;
    }

    /** In {@code [0, 1)}, also once rounded to {@code float}. */
    static double unitInterval(double value, String name) {
        if (!(value >= 0 && value < 1)) {
            throw invalid(name, value, "must be in [0, 1)");
        }
        if ((float) value >= 1f) {
            throw invalid(name, value, "rounds to 1 as a float; must be at most " + Math.nextDown(1f));
        }
        return value;
    }

    static void index(int offset, String offsetName, int length, float[] array, String arrayName) {
        if (offset < 0) {
            throw invalid(offsetName, offset, "must be >= 0");
        }
        if ((long) offset + length > array.length) {
            throw invalid(offsetName + " + length", offset + " + " + length,
                    "exceeds " + arrayName + ".length = " + array.length);
        }
    }
}
