package io.github.fusedopt.kernel;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * bf16 with stochastic rounding: exact values stay, the expectation of a rounded value is the float
 * itself, NaN and infinities keep their meaning, the generator's bits are balanced. That the
 * vector loops store these bits is {@code Bf16KernelExactnessTest}'s.
 */
class Bf16Test {

    @Test
    void bf16ValuesPassThroughWhateverTheRandomBits() {
        SplittableRandom r = new SplittableRandom(1);
        for (int k = 0; k < 10_000; k++) {
            short bf16 = (short) r.nextInt(1 << 16);
            float x = Bf16.widen(bf16);
            if (Float.isNaN(x)) {
                continue;
            }
            assertEquals(bf16, Bf16.round(x, r.nextInt()), "0x" + Integer.toHexString(bf16 & 0xFFFF));
        }
    }

    /** Over all 2^16 random draws, the mean of the rounded values is the float, exactly. */
    @Test
    void theRoundedValueIsUnbiasedExactly() {
        SplittableRandom r = new SplittableRandom(2);
        for (int k = 0; k < 200; k++) {
            float x = Float.intBitsToFloat(r.nextInt() & 0x7F7F_FFFF) * (r.nextBoolean() ? 1 : -1);
            double sum = 0;
            for (int random = 0; random < 1 << 16; random++) {
                sum += Bf16.widen(Bf16.round(x, random));
            }
            assertEquals(x, sum / (1 << 16), Math.ulp(x) * 1e-3, "x = " + x);
        }
    }

    @Test
    void nanStaysNanAndInfinitiesStay() {
        for (int random : new int[] {0, 0xFFFF, -1}) {
            assertTrue(Float.isNaN(Bf16.widen(Bf16.round(Float.NaN, random))));
            assertTrue(Float.isNaN(Bf16.widen(Bf16.round(Float.intBitsToFloat(0x7F80_0001), random))), "low NaN bits");
            assertTrue(Float.isNaN(Bf16.widen(Bf16.round(Float.intBitsToFloat(0xFFFF_FFFF), random))));
            assertEquals(Float.POSITIVE_INFINITY, Bf16.widen(Bf16.round(Float.POSITIVE_INFINITY, random)));
            assertEquals(Float.NEGATIVE_INFINITY, Bf16.widen(Bf16.round(Float.NEGATIVE_INFINITY, random)));
            assertEquals(0f, Bf16.widen(Bf16.round(0f, random)));
            assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(Bf16.widen(Bf16.round(-0f, random))));
        }
        assertEquals(Float.POSITIVE_INFINITY, Bf16.widen(Bf16.round(Float.MAX_VALUE, 0xFFFF)), "rounds up past the largest bf16");
    }

    @Test
    void theGeneratorDependsOnSeedStepAndIndex() {
        int key = Bf16.key(42, 7);
        assertEquals(key, Bf16.key(42, 7));
        assertNotEquals(key, Bf16.key(43, 7));
        assertNotEquals(key, Bf16.key(42, 8));
        assertNotEquals(Bf16.key(42, 7), Bf16.key(42, 7 + (1L << 32)));
        int[] ones = new int[16];
        int n = 1 << 16;
        for (int i = 0; i < n; i++) {
            int bits = Bf16.randomBits(key, i);
            for (int b = 0; b < 16; b++) {
                ones[b] += bits >>> b & 1;
            }
        }
        for (int b = 0; b < 16; b++) {
            assertEquals(0.5, ones[b] / (double) n, 0.01, "bit " + b);
        }
    }
}
