package io.github.fusedopt.kernel;

import io.github.fusedopt.testing.Property;
import io.github.fusedopt.testing.Values;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ‖g‖₁} follows its documented order and stays within {@code 1e-6·log2(n)} relative error
 * of the {@code double} sum, on whichever kernels this run selected.
 */
class GradNormTest {

    private static final StepKernels KERNELS = KernelProvider.kernels();

    @Test
    void withinTheSpecsBoundOfTheDoubleSum() {
        Property.forAll("gradL1Norm accuracy", Property.tries(), new Property.Generator<float[]>() {
            @Override
            public int length(SplittableRandom random) {
                return random.nextInt(8) == 0 ? random.nextInt(1, 2_000_000) : Values.length(random, 5000);
            }

            @Override
            public float[] generate(SplittableRandom random, int length) {
                return Values.array(random, length, Values.Mix.plain(Math.pow(10, random.nextInt(-20, 20))));
            }
        }, g -> {
            StepScalars s = new StepScalars();
            s.gradient(1, 0, 0, 1e-3);
            double exact = 0;
            for (float x : g) {
                exact += Math.abs((double) x);
            }
            double norm = KERNELS.gradL1Norm(s, g, 0, g, 0, g.length);
            double bound = 1e-6 * Math.log(Math.max(g.length, 1)) / Math.log(2) * exact;
            assertTrue(Math.abs(norm - exact) <= bound,
                    "n = " + g.length + ": " + norm + " vs " + exact + ", bound " + bound);
        });
    }

    @Test
    void followsTheDocumentedStripesAndHalvingTree() {
        SplittableRandom r = new SplittableRandom(11);
        for (int length : new int[] {0, 1, 15, 16, 17, 255, 256, 257, 1000, 70_000}) {
            float[] g = Values.array(r, length, Values.Mix.plain(1));
            StepScalars s = new StepScalars();
            s.gradient(1, 0, 0, 1e-3);
            assertEquals(documentedOrder(g), KERNELS.gradL1Norm(s, g, 0, g, 0, length), "n = " + length);
        }
    }

    @Test
    void appliesScaleAndCoupledDecayBeforeTheAbsoluteValue() {
        float[] p = {2, -4, 8};
        float[] g = {1, 1, -1};
        StepScalars s = new StepScalars();
        s.gradient(-2, 0.5, 0, 1e-3);
        // |0.5·2 − 2| + |0.5·(−4) − 2| + |0.5·8 + 2| = 1 + 4 + 6
        assertEquals(11.0, KERNELS.gradL1Norm(s, p, 0, g, 0, 3));
    }

    /** The order written out independently: 64 stripe arrays, an explicit halving, double sums. */
    private static double documentedOrder(float[] g) {
        double total = 0;
        for (int chunk = 0; chunk < g.length; chunk += StepKernels.NORM_CHUNK) {
            double chunkSum = 0;
            for (int block = chunk; block < Math.min(g.length, chunk + StepKernels.NORM_CHUNK);
                 block += StepKernels.NORM_BLOCK) {
                float[] stripes = new float[StepKernels.NORM_STRIPES];
                int end = Math.min(Math.min(g.length, chunk + StepKernels.NORM_CHUNK), block + StepKernels.NORM_BLOCK);
                for (int i = block; i < end; i++) {
                    stripes[(i - block) % 64] += Math.abs(g[i]);
                }
                for (int h = 32; h >= 1; h /= 2) {
                    for (int j = 0; j < h; j++) {
                        stripes[j] += stripes[j + h];
                    }
                }
                chunkSum += stripes[0];
            }
            total += chunkSum;
        }
        return total;
    }
}
