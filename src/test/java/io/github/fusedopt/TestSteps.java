package io.github.fusedopt;

import io.github.fusedopt.kernel.StepKernels;

import java.lang.foreign.MemorySegment;

/** Steps on given kernels (the vector or the scalar ones), through the same checks as the public entry. */
final class TestSteps {

    private TestSteps() {
    }

    static Step step(double loss, double gradNorm, double gradScale) {
        return new Step().loss(loss).gradL1Norm(gradNorm).gradScale(gradScale);
    }

    static StepOutcome arrays(Optimizer optimizer, StepKernels kernels, OptimizerState state, double loss,
                              double gradNorm, float[] params, int paramsOffset, float[] grads, int gradsOffset,
                              int length, double gradScale) {
        return StepEntry.arrays(optimizer, kernels, state, params, paramsOffset, grads, gradsOffset, null, 0, length,
                step(loss, gradNorm, gradScale));
    }

    static StepOutcome segments(Optimizer optimizer, StepKernels kernels, OptimizerState state, double loss,
                                double gradNorm, MemorySegment params, MemorySegment grads, double gradScale) {
        return StepEntry.segments(optimizer, kernels, state, params, grads, null, step(loss, gradNorm, gradScale));
    }

    /** Past the checks of the step's values: a non-finite given norm, as a group's may be. */
    static StepOutcome unchecked(Optimizer optimizer, StepKernels kernels, OptimizerState state, double gradNorm,
                                 float[] params, float[] grads, int length, double gradScale) {
        return state.run.arrays(optimizer, kernels, step(Double.NaN, gradNorm, gradScale), params, 0, grads, 0, null, 0,
                length, true);
    }
}
