package io.github.fusedopt;

import java.lang.foreign.MemorySegment;

/** Argument checks; every message names the argument and its value. */
final class Checks {

    /** Never started: a segment it may access is accessible from every thread. */
    private static final Thread OTHER_THREAD = new Thread(() -> { });

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

    /**
     * A segment of floats: non-null, writable when {@code writable}, 4-byte aligned, a whole number
     * of floats, at most {@link Integer#MAX_VALUE} of them, alive and accessible from this thread.
     *
     * @return its length in floats
     */
    static int floats(MemorySegment segment, String name, boolean writable) {
        long floats = floatCount(segment, name, writable);
        if (floats > Integer.MAX_VALUE) {
            throw invalid(name + ".byteSize()", segment.byteSize(), "exceeds Integer.MAX_VALUE floats per tensor");
        }
        return (int) floats;
    }

    /** As {@link #floats}, of any length. */
    static long floatCount(MemorySegment segment, String name, boolean writable) {
        notNull(segment, name);
        if (writable && segment.isReadOnly()) {
            throw invalid(name, segment, "is read-only; it must be writable");
        }
        if (segment.maxByteAlignment() < Float.BYTES) {
            throw invalid(name, segment, "is not 4-byte aligned; floats need 4-byte alignment");
        }
        long bytes = segment.byteSize();
        if (bytes % Float.BYTES != 0) {
            throw invalid(name + ".byteSize()", bytes, "is not a whole number of floats");
        }
        accessible(segment, name);
        return bytes / Float.BYTES;
    }

    /** Throws if two segments share memory, naming the shared bytes by their offsets in each. */
    static void disjoint(MemorySegment written, String writtenName, MemorySegment other, String otherName) {
        var shared = written.asOverlappingSlice(other);
        if (shared.isPresent()) {
            long inWritten = shared.get().address() - written.address();
            long inOther = shared.get().address() - other.address();
            long bytes = shared.get().byteSize();
            throw invalid(otherName, "bytes [" + inOther + ", " + (inOther + bytes) + ")",
                    "overlaps " + writtenName + " (its bytes [" + inWritten + ", " + (inWritten + bytes) + "))");
        }
    }

    /** The segment is alive and this thread may access it. */
    static void accessible(MemorySegment segment, String name) {
        if (!segment.scope().isAlive()) {
            throw new IllegalStateException(name + " = " + segment + ": its arena is closed");
        }
        if (!segment.isAccessibleBy(Thread.currentThread())) {
            throw new IllegalStateException(name + " = " + segment + ": belongs to a confined arena of another thread");
        }
    }

    /** Whether threads other than its owner may access the segment (it is not confined). */
    static boolean shareable(MemorySegment segment) {
        return segment.isAccessibleBy(OTHER_THREAD);
    }
}
