package io.github.fusedopt.testing;

import java.util.SplittableRandom;
import java.util.stream.IntStream;

/** Edge-case pools and mixed value generators for the property tests. */
public final class Values {

    private Values() {
    }

    /** Finite floats that break naive kernels: zeros, subnormals, the extremes, tiny and huge values. */
    public static final float[] FINITE_EDGES = {
        0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, 1e-40f, -3.5e-39f, Float.MIN_NORMAL, -Float.MIN_NORMAL,
        1f, -1f, 0.5f, Math.ulp(1f), 1e-20f, -1e-20f, 1e-30f, 1e20f, -1e20f, 3e30f, 1.8e19f, -1.9e19f,
        65504f, Float.MAX_VALUE, -Float.MAX_VALUE,
    };

    /** NaN and the infinities: they flow through a step like any value. */
    public static final float[] NON_FINITE = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};

    /** Primes up to 5000. */
    public static final int[] PRIMES = IntStream.rangeClosed(2, 5000).filter(Values::isPrime).toArray();

    /** Lengths around the vector widths of 4, 8 and 16 lanes and the norm's 64-stripe, 1024-element blocks. */
    public static final int[] EDGE_LENGTHS = IntStream.concat(
            IntStream.of(0, 1, 2, 3, 63, 64, 65, 127, 1023, 1024, 1025, 2047, 2048, 2049, 4099),
            IntStream.of(4, 8, 16, 32).flatMap(l -> IntStream.of(l - 1, l, l + 1, 2 * l - 1, 2 * l, 2 * l + 1)))
            .distinct().sorted().toArray();

    /**
     * A length for a case: often an edge length or a prime up to 5000, otherwise uniform in
     * {@code [0, max]}.
     */
    public static int length(SplittableRandom random, int max) {
        int roll = random.nextInt(10);
        if (roll < 3) {
            return EDGE_LENGTHS[random.nextInt(EDGE_LENGTHS.length)];
        }
        if (roll < 6) {
            return PRIMES[random.nextInt(PRIMES.length)];
        }
        return random.nextInt(max + 1);
    }

    /** How a case mixes its values. */
    public record Mix(double scale, double edgeRate, double nonFiniteRate) {

        /** Plain gaussian values of the given scale. */
        public static Mix plain(double scale) {
            return new Mix(scale, 0, 0);
        }

        /** A random mix: scale from 1e-30 to 1e19, sometimes with edge and non-finite values. */
        public static Mix random(SplittableRandom random) {
            double scale = Math.pow(10, -30 + 49 * random.nextDouble());
            double edgeRate = random.nextInt(3) == 0 ? 0 : Math.pow(10, -3 * random.nextDouble());
            double nonFiniteRate = random.nextInt(4) == 0 ? 0.01 * random.nextDouble() : 0;
            return new Mix(scale, edgeRate, nonFiniteRate);
        }
    }

    /** One value drawn from {@code mix}. */
    public static float value(SplittableRandom random, Mix mix) {
        double roll = random.nextDouble();
        if (roll < mix.nonFiniteRate()) {
            return NON_FINITE[random.nextInt(NON_FINITE.length)];
        }
        if (roll < mix.nonFiniteRate() + mix.edgeRate()) {
            return FINITE_EDGES[random.nextInt(FINITE_EDGES.length)];
        }
        return (float) (random.nextGaussian() * mix.scale());
    }

    /** An array of {@code length} values drawn from {@code mix}. */
    public static float[] array(SplittableRandom random, int length, Mix mix) {
        float[] values = new float[length];
        for (int i = 0; i < length; i++) {
            values[i] = value(random, mix);
        }
        return values;
    }

    /** Bitwise float equality with all NaNs equal ({@link Float#floatToIntBits}). */
    public static boolean sameBits(float a, float b) {
        return Float.floatToIntBits(a) == Float.floatToIntBits(b);
    }

    /** The first index where the arrays differ in bits, or -1. */
    public static int firstDifference(float[] a, float[] b) {
        if (a.length != b.length) {
            return Math.min(a.length, b.length);
        }
        for (int i = 0; i < a.length; i++) {
            if (!sameBits(a[i], b[i])) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isPrime(int n) {
        if (n < 2) {
            return false;
        }
        for (int d = 2; d * d <= n; d++) {
            if (n % d == 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * A segment's bytes as floats in native order, for before-and-after comparisons: an odd-sized
     * segment (a view of bf16 slots) fills one more float, zero-padded.
     */
    public static float[] floatsOf(java.lang.foreign.MemorySegment segment) {
        float[] floats = new float[(int) ((segment.byteSize() + 3) / 4)];
        java.lang.foreign.MemorySegment.copy(segment, 0, java.lang.foreign.MemorySegment.ofArray(floats), 0,
                segment.byteSize());
        return floats;
    }
}
