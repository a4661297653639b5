package io.github.fusedopt.kernel;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BiasCorrectionTest {

    private static final double[] BETAS = {
        0, 0.5, (float) 0.9, (float) 0.95, (float) 0.99, (float) 0.999, (float) 0.9999, (float) 0.99999,
        Math.nextDown(1f)};

    @Test
    void equalsOneMinusPowForEveryStepUpToTwoHundredThousand() {
        for (double beta : BETAS) {
            BiasCorrection correction = new BiasCorrection();
            for (long t = 1; t <= 200_000; t++) {
                assertBits(beta, t, correction.at(beta, t));
            }
        }
    }

    @Test
    void equalsOneMinusPowAroundEachSaturationAndFarBeyond() {
        SplittableRandom random = new SplittableRandom(7);
        for (double beta : BETAS) {
            BiasCorrection correction = new BiasCorrection();
            long boundary = beta == 0 ? 1 : (long) Math.ceil(54 / -(Math.log(beta) / Math.log(2)));
            for (long t = Math.max(1, boundary - 2000); t <= boundary * 2 + 2000; t += 1 + random.nextInt(50)) {
                assertBits(beta, t, correction.at(beta, t));
            }
            assertBits(beta, Long.MAX_VALUE, correction.at(beta, Long.MAX_VALUE));
        }
    }

    @Test
    void followsAChangeOfBeta() {
        BiasCorrection correction = new BiasCorrection();
        for (int round = 0; round < 3; round++) {
            for (double beta : BETAS) {
                assertBits(beta, 500, correction.at(beta, 500));
                assertBits(beta, 50_000, correction.at(beta, 50_000));
            }
        }
    }

    private static void assertBits(double beta, long t, double actual) {
        double expected = 1 - Math.pow(beta, t);
        assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(actual),
                () -> "β = " + beta + ", t = " + t + ": expected " + expected + ", got " + actual);
    }
}
