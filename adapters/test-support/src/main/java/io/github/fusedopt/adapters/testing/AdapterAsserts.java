package io.github.fusedopt.adapters.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Comparisons the adapters' tests make: floats bit for bit, loss curves within a tolerance. */
public final class AdapterAsserts {

    private AdapterAsserts() {
    }

    /**
     * Asserts that two float arrays hold the same bits.
     *
     * @param expected the expected values
     * @param actual the actual values
     * @param message what is compared
     */
    public static void assertSameBits(float[] expected, float[] actual, String message) {
        assertArrayEquals(bits(expected), bits(actual), message);
    }

    private static int[] bits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }

    /**
     * Asserts that two loss curves agree within a relative tolerance at every iteration, and prints
     * the worst difference.
     *
     * @param framework the curve of the framework's own optimizer
     * @param ours the curve through the adapter
     * @param tolerance the largest relative difference allowed
     * @param label what the curves are, for the printout
     */
    public static void assertCurvesAgree(double[] framework, double[] ours, double tolerance, String label) {
        double worst = 0;
        for (int i = 0; i < framework.length; i++) {
            worst = Math.max(worst, Math.abs(framework[i] - ours[i]) / Math.abs(framework[i]));
        }
        System.out.printf("%s: worst relative difference %.3g over %d iterations (first %.6f, last %.6f vs %.6f)%n",
                label, worst, framework.length, framework[0], framework[framework.length - 1], ours[ours.length - 1]);
        assertTrue(worst <= tolerance, label + ": worst relative difference " + worst);
    }
}
