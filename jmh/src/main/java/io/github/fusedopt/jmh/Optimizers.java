package io.github.fusedopt.jmh;

import io.github.fusedopt.AdaBelief;
import io.github.fusedopt.AdaL;
import io.github.fusedopt.Adam;
import io.github.fusedopt.AdamL;
import io.github.fusedopt.AdamW;
import io.github.fusedopt.EAdam;
import io.github.fusedopt.GradientOptimizer;
import io.github.fusedopt.Optimizer;
import io.github.fusedopt.OptimizerState;
import io.github.fusedopt.StepOutcome;

import java.util.SplittableRandom;

/** The benchmarks' shared set-up: optimizers by name, and gradients of a typical scale. */
final class Optimizers {

    /** The loss every AdamL step gets. */
    static final double LOSS = 10;

    private Optimizers() {
    }

    static Optimizer byName(String name) {
        return switch (name) {
            case "adam" -> Adam.builder().build();
            case "adamw" -> AdamW.builder().build();
            case "eadam" -> EAdam.builder().build();
            case "adabelief" -> AdaBelief.builder().build();
            case "adaml" -> AdamL.builder().build();
            case "adal" -> AdaL.builder().build();
            default -> throw new IllegalArgumentException("optimizer " + name);
        };
    }

    /** One whole-array step; AdamL gets {@link #LOSS}. */
    static StepOutcome step(Optimizer optimizer, OptimizerState state, float[] params, float[] grads) {
        return switch (optimizer) {
            case AdamL adamL -> adamL.step(state, LOSS, params, grads);
            case GradientOptimizer g -> g.step(state, params, grads);
        };
    }

    /** Fills parameters with N(0, 1) and gradients with N(0, 0.01²). */
    static void fill(SplittableRandom random, float[] params, float[] grads) {
        for (int i = 0; i < params.length; i++) {
            params[i] = (float) random.nextGaussian();
            grads[i] = (float) (1e-2 * random.nextGaussian());
        }
    }
}
