package io.github.fusedopt.jmh;


import io.github.fusedopt.Optimizer;
import io.github.fusedopt.OptimizerKind;
import io.github.fusedopt.Step;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** The benchmarks' shared set-up: optimizers by name, and gradients of a typical scale. */
final class Optimizers {

    /** The loss every AdamL step gets. */
    static final double LOSS = 10;

    private Optimizers() {
    }

    /** The optimizer of a short name ({@link OptimizerKind#id()}), with its defaults. */
    static Optimizer byName(String name) {
        return OptimizerKind.of(name).builder().build();
    }

    /** Every short name, in the table's order. */
    static List<String> names() {
        return Arrays.stream(OptimizerKind.values()).map(OptimizerKind::id).toList();
    }

    /** The arguments of a benchmark's steps: the loss AdamL needs, on the calling thread. */
    static Step step() {
        return new Step().loss(LOSS);
    }

    /** Fills parameters with N(0, 1) and gradients with N(0, 0.01²). */
    static void fill(SplittableRandom random, float[] params, float[] grads) {
        for (int i = 0; i < params.length; i++) {
            params[i] = (float) random.nextGaussian();
            grads[i] = (float) (1e-2 * random.nextGaussian());
        }
    }
}
