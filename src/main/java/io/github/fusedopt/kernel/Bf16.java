package io.github.fusedopt.kernel;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * bfloat16 storage with stochastic rounding, the scalar form. A bf16 value is the upper 16 bits of
 * a float. Rounding adds 16 random bits to the lower half and keeps the upper half, so a float
 * rounds up with probability
 * (its lower half)/2^16: the rounded value's expectation is the float itself, exactly, and small
 * steady changes (a second moment moving 0.1% per step, under half a bf16 ulp) are not lost.
 *
 * <p>The random bits come from a counter-based generator: a hash of (a key made once per step from
 * the state's seed and the step, the element's index in its tensor). Any order of evaluation, any
 * thread count and any kernel give the same bits; {@code VectorBf16} computes the same integers.
 */
final class Bf16 {

    /** The bf16 NaN a NaN float stores as (quiet, sign kept). */
    static final int QUIET_BIT = 0x0040;

    /** {@link #QUIET_BIT} in the float's bits. */
    static final int QUIET_HIGH = QUIET_BIT << 16;

    private Bf16() {
    }

    /** The per-step key of the generator. */
    static int key(long seed, long step) {
        int s = mix((int) seed ^ ((int) (seed >>> 32) * 0x9E3779B9));
        return mix((s + (int) step * 0x85EBCA6B) ^ (int) (step >>> 32));
    }

    /** The Weyl constant that spreads indices over the 32-bit circle: 2^32 over the golden ratio, odd. */
    static final int WEYL = 0x9E3779B9;

    /** The odd multiplier of the element hash's one multiply-xorshift round. */
    static final int MIX = 0x7FEB352D;

    /**
     * 32 random bits for the element at {@code index} under {@code key}: one multiply-xorshift round
     * over the Weyl sequence {@code index·WEYL + key}. For a fixed index the map from the key is a
     * bijection, so with the key uniform (a strong hash of seed and step) each element's 32 bits are
     * uniform and independent from step to step, and its low and high halves independent of each
     * other. One round, not a full finalizer: this runs once per element of every step.
     */
    static int randomBits(int key, int index) {
        int x = index * WEYL + key;
        x = (x ^ x >>> 16) * MIX;
        return x ^ x >>> 15;
    }

    /** A 32-bit finalizer: every input bit changes every output bit with probability close to 1/2. */
    static int mix(int x) {
        x ^= x >>> 16;
        x *= 0x21F0AAAD;
        x ^= x >>> 15;
        x *= 0x735A2D97;
        return x ^ x >>> 15;
    }

    /** {@code x} as bf16 bits, rounded up with probability (lower half)/2^16 by the low 16 bits of {@code random}. */
    static short round(float x, int random) {
        int bits = Float.floatToRawIntBits(x);
        if ((bits & 0x7FFF_FFFF) > 0x7F80_0000) {
            return (short) (bits >>> 16 | QUIET_BIT);
        }
        // No carry reaches the sign: the largest magnitude here is infinity's, 0x7F800000.
        return (short) ((bits + (random & 0xFFFF)) >>> 16);
    }

    /** The float a bf16 value stands for, exactly. */
    static float widen(short bf16) {
        return Float.intBitsToFloat(bf16 << 16);
    }

    /** Which 16 of an element's random bits round {@code m}: the low half. */
    static final int M_BITS = 0;

    /** Which 16 of an element's random bits round {@code v} and AMSGrad's {@code w}: the high half. */
    static final int V_BITS = 16;

    /**
     * Rounds {@code n} floats to bf16, element {@code i} with the random bits of index
     * {@code indexBase + i} shifted right by {@code shift} ({@link #M_BITS} or {@link #V_BITS}).
     */
    static void round(float[] x, int xo, short[] out, int oo, int n, int key, int indexBase, int shift) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = round(x[xo + i], randomBits(key, indexBase + i) >>> shift);
        }
    }

    /** Widens {@code n} bf16 values. */
    static void widen(short[] in, int io, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = widen(in[io + i]);
        }
    }

    /** Widens elements {@code [from, from + n)} of a segment of bf16 values in native byte order. */
    static void widen(MemorySegment in, long from, float[] out, int n) {
        for (int i = 0; i < n; i++) {
            out[i] = widen(in.getAtIndex(JAVA_SHORT, from + i));
        }
    }

    /**
     * Rounds {@code n} floats into elements {@code [from, from + n)} of a bf16 segment, element
     * {@code from + i} with the random bits of that index, shifted right by {@code shift}.
     */
    static void round(float[] x, MemorySegment out, long from, int n, int key, int shift) {
        for (int i = 0; i < n; i++) {
            out.setAtIndex(JAVA_SHORT, from + i, round(x[i], randomBits(key, (int) (from + i)) >>> shift));
        }
    }
}
