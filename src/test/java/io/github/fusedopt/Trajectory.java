package io.github.fusedopt;

import io.github.fusedopt.kernel.StepKernels;
import io.github.fusedopt.testing.Property;
import io.github.fusedopt.testing.Values;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A generated multi-step run: an optimizer, slices at offsets (sometimes in one shared array),
 * initial parameters, and per step a gradient, a loss (AdamL), a gradient scale and optionally a
 * given {@code ‖g‖₁} (AdaL; NaN = computed).
 */
record Trajectory(Optimizer optimizer, int length, boolean sharedArray, int paramsOffset, int gradsOffset,
                  int arrayLength, float[] initialParams, float[][] grads, double[] losses,
                  double[] gradScales, double[] gradNorms) {

    int steps() {
        return grads.length;
    }

    /** Draws {@link #random(Kind, SplittableRandom, int)} trajectories of lengths up to {@code maxLength}. */
    static Property.Generator<Trajectory> generator(Kind kind, int maxLength) {
        return new Property.Generator<>() {
            @Override
            public int length(SplittableRandom random) {
                return Values.length(random, maxLength);
            }

            @Override
            public Trajectory generate(SplittableRandom random, int length) {
                return Trajectory.random(kind, random, length);
            }
        };
    }

    /** A random trajectory with edge values, non-finite values, offsets and up to 100 steps. */
    static Trajectory random(Kind kind, SplittableRandom r, int length) {
        return random(kind.random(r), r, length);
    }

    /** As {@link #random(Kind, SplittableRandom, int)}, for a given optimizer. */
    static Trajectory random(Optimizer optimizer, SplittableRandom r, int length) {
        int steps = r.nextInt(5) == 0 ? 50 + r.nextInt(51) : 1 + r.nextInt(12);
        Values.Mix paramMix = Values.Mix.random(r);
        Values.Mix gradMix = Values.Mix.random(r);
        return generate(optimizer, r, length, steps, paramMix, gradMix, true);
    }

    /** A trajectory of plain values: finite, normal-range gradients around {@code gradScale}. */
    static Trajectory plain(Optimizer optimizer, SplittableRandom r, int length, int steps, double gradScale) {
        return generate(optimizer, r, length, steps, Values.Mix.plain(1), Values.Mix.plain(gradScale), false);
    }

    private static Trajectory generate(Optimizer optimizer, SplittableRandom r, int length, int steps,
                                       Values.Mix paramMix, Values.Mix gradMix, boolean varyScalars) {
        boolean shared = r.nextInt(4) == 0;
        int paramsOffset = r.nextInt(4) == 0 ? 0 : r.nextInt(1, 40);
        int gradsOffset = shared ? paramsOffset + length + r.nextInt(0, 9) : (r.nextInt(4) == 0 ? 0 : r.nextInt(1, 40));
        int arrayLength = Math.max(paramsOffset, gradsOffset) + length + r.nextInt(0, 20);
        float[] params = Values.array(r, arrayLength, paramMix);
        float[][] grads = new float[steps][];
        double[] losses = new double[steps];
        double[] scales = new double[steps];
        double[] norms = new double[steps];
        double lossMin = optimizer instanceof AdamL a ? a.lossMin() : 0;
        double loss = lossMin + 10 * r.nextDouble();
        for (int s = 0; s < steps; s++) {
            grads[s] = Values.array(r, length, gradMix);
            loss = r.nextInt(10) == 0 ? lossMin : Math.max(lossMin, loss * (0.8 + 0.3 * r.nextDouble()) - 0.01);
            losses[s] = loss;
            scales[s] = varyScalars && r.nextInt(5) == 0 ? Kind.pick(r, 0, -1, 0.5, 1.0 / 1024, 1e3, 65536) : 1;
            norms[s] = varyScalars && r.nextInt(5) == 0 ? Kind.pick(r, 0, 1e-3, 1, 17.5, 1e6) : Double.NaN;
        }
        return new Trajectory(optimizer, length, shared, paramsOffset, gradsOffset, arrayLength, params,
                grads, losses, scales, norms);
    }

    /** A fresh run of this trajectory. */
    Run start() {
        return new Run(optimizer);
    }

    /** A fresh run of this trajectory's inputs through another optimizer. */
    Run start(Optimizer other) {
        return new Run(other);
    }

    /** The arrays and state of one run; {@link #step} feeds the next recorded gradient. */
    final class Run {
        final Optimizer runOptimizer;
        final float[] params = initialParams.clone();
        final float[] gradsArray = sharedArray ? params : new float[arrayLength];
        final OptimizerState state;

        Run(Optimizer runOptimizer) {
            this.runOptimizer = runOptimizer;
            this.state = runOptimizer.newState(length);
        }

        StepOutcome step(StepKernels kernels, int s) {
            System.arraycopy(grads[s], 0, gradsArray, gradsOffset, length);
            float[] gradsBefore = gradsArray.clone();
            StepOutcome outcome = TestSteps.arrays(runOptimizer, kernels, state, losses[s], gradNorms[s], params,
                    paramsOffset, gradsArray, gradsOffset, length, gradScales[s]);
            float[] gradsAfter = sharedArray ? slice(gradsArray, gradsOffset) : gradsArray;
            float[] expected = sharedArray ? slice(gradsBefore, gradsOffset) : gradsBefore;
            if (!Arrays.equals(expected, gradsAfter)) {
                throw new AssertionError("step " + s + " wrote into the gradients");
            }
            return outcome;
        }

        float[] paramSlice() {
            return slice(params, paramsOffset);
        }

        private float[] slice(float[] array, int offset) {
            return Arrays.copyOfRange(array, offset, offset + length);
        }
    }
}
