package io.github.fusedopt;

import io.github.fusedopt.kernel.StepKernels;
import io.github.fusedopt.testing.Values;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The scale-out story of docs/api.md: two shards, each stepping its own half with the global loss
 * (AdamL) or the global {@code ‖g‖₁} (AdaL) that an all-reduce would give, end where one process
 * stepping the whole tensor ends.
 */
class ScaleOutTest {

    private static final int STEPS = 20;

    /** Runs one shard layout; returns the parameters after {@link #STEPS} steps. */
    private static float[] shardedRun(Optimizer optimizer, int n, int split) {
        SplittableRandom r = new SplittableRandom(5);
        float[] params = Values.array(r, n, Values.Mix.plain(1));
        float[] grads = new float[n];
        // Each shard holds its own half; here both halves are slices of one array.
        TensorGroup first = TensorGroup.builder().add(params, 0, grads, 0, split).build();
        TensorGroup second = TensorGroup.builder().add(params, split, grads, split, n - split).build();
        OptimizerState firstState = optimizer.newState(first);
        OptimizerState secondState = optimizer.newState(second);
        for (int step = 0; step < STEPS; step++) {
            fill(grads, r);
            double loss = 3.0 / (step + 1);
            if (optimizer instanceof AdamL adamL) {
                adamL.step(firstState, loss, first);          // every shard gets the global loss
                adamL.step(secondState, loss, second);
            } else if (optimizer instanceof AdaL adaL) {
                double global = adaL.gradL1Norm(first, 1.0) + adaL.gradL1Norm(second, 1.0);  // the all-reduce
                adaL.stepWithGradNorm(firstState, global, first, 1.0, StepExecutor.serial());
                adaL.stepWithGradNorm(secondState, global, second, 1.0, StepExecutor.serial());
            }
        }
        return params;
    }

    /** One process, the whole tensor: AdaL computes its own norm, or takes the given one. */
    private static float[] wholeRun(Optimizer optimizer, int n, boolean givenNorm) {
        SplittableRandom r = new SplittableRandom(5);
        float[] params = Values.array(r, n, Values.Mix.plain(1));
        float[] grads = new float[n];
        OptimizerState state = optimizer.newState(n);
        TensorGroup whole = TensorGroup.of(params, grads);
        for (int step = 0; step < STEPS; step++) {
            fill(grads, r);
            double loss = 3.0 / (step + 1);
            switch (optimizer) {
                case AdamL adamL -> adamL.step(state, loss, params, grads);
                case AdaL adaL when givenNorm -> {
                    int split = n / 2;
                    double global = adaL.gradL1Norm(TensorGroup.builder().add(params, 0, grads, 0, split).build(), 1.0)
                            + adaL.gradL1Norm(TensorGroup.builder().add(params, split, grads, split, n - split).build(), 1.0);
                    adaL.stepWithGradNorm(state, global, whole, 1.0, StepExecutor.serial());
                }
                case GradientOptimizer g -> g.step(state, params, grads);
            }
        }
        return params;
    }

    private static void fill(float[] grads, SplittableRandom r) {
        for (int i = 0; i < grads.length; i++) {
            grads[i] = (float) (0.05 * r.nextGaussian());
        }
    }

    @Test
    void adamLShardsWithTheGlobalLossEqualTheWhole() {
        AdamL adamL = AdamL.builder().learningRate(1e-2).build();
        int n = 100_003;
        assertEquals(-1, Values.firstDifference(wholeRun(adamL, n, false), shardedRun(adamL, n, n / 2)));
    }

    @Test
    void adaLShardsSplitAtAChunkEqualTheWholeWithItsOwnNorm() {
        // Halves of one norm chunk each: the whole's norm is c0 + c1, the shards' sum is the same.
        AdaL adaL = AdaL.builder().learningRate(1e-2).weightDecay(1e-3).build();
        int n = 2 * StepKernels.NORM_CHUNK;
        assertEquals(-1, Values.firstDifference(wholeRun(adaL, n, false), shardedRun(adaL, n, n / 2)));
    }

    @Test
    void adaLShardsAnywhereEqualTheWholeWithTheGlobalNorm() {
        AdaL adaL = AdaL.builder().learningRate(1e-2).build();
        int n = 300_007;
        float[] sharded = shardedRun(adaL, n, n / 2);
        assertEquals(-1, Values.firstDifference(wholeRun(adaL, n, true), sharded));
        // Against the whole's own norm the sums differ only in rounding: the parameters agree closely.
        float[] own = wholeRun(adaL, n, false);
        double worst = 0;
        for (int i = 0; i < n; i++) {
            worst = Math.max(worst, Math.abs(own[i] - sharded[i]));
        }
        assertEquals(0, worst, 1e-5, "largest difference " + worst + " of " + Arrays.toString(Arrays.copyOf(own, 2)));
    }
}
