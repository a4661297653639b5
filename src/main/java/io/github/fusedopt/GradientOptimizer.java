package io.github.fusedopt;

import io.github.fusedopt.kernel.KernelProvider;

/**
 * An optimizer whose step needs nothing but the gradients: {@link Adam}, {@link AdamW},
 * {@link EAdam}, {@link AdaBelief} and {@link AdaL}. ({@link AdamL} also needs the loss.)
 */
public abstract sealed class GradientOptimizer extends Optimizer permits Adam, AdamW, EAdam, AdaBelief, AdaL {

    GradientOptimizer(Builder<?> builder) {
        super(builder);
    }

    /**
     * One step over whole arrays, updating {@code params} and the state in place.
     *
     * @param state the tensor's state; its size must equal both array lengths
     * @param params the parameters, updated in place
     * @param grads the gradients, read only
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if a length does not match, the arrays are the same, or the
     *         state belongs to another optimizer
     */
    public final void step(OptimizerState state, float[] params, float[] grads) {
        stepWhole(KernelProvider.kernels(), state, Double.NaN, Double.NaN, params, grads);
    }

    /**
     * One step over slices: {@code params[paramsOffset, paramsOffset + length)} and
     * {@code grads[gradsOffset, gradsOffset + length)}. Elements outside the slices are not touched.
     *
     * @param state the tensor's state; its size must equal {@code length}
     * @param params the parameter array, updated in place inside the slice
     * @param paramsOffset first parameter, {@code ≥ 0}
     * @param grads the gradient array, read only
     * @param gradsOffset first gradient, {@code ≥ 0}
     * @param length number of elements
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if a slice is out of range, the slices overlap, {@code length}
     *         differs from the state's size, or the state belongs to another optimizer
     */
    public final void step(OptimizerState state, float[] params, int paramsOffset, float[] grads,
                           int gradsOffset, int length) {
        step(state, params, paramsOffset, grads, gradsOffset, length, 1.0);
    }

    /**
     * One step over slices with gradient scale {@code k}: the step uses {@code k·g} in place of
     * {@code g} (to unscale a scaled loss, or to apply a clipping factor).
     *
     * @param state the tensor's state; its size must equal {@code length}
     * @param params the parameter array, updated in place inside the slice
     * @param paramsOffset first parameter, {@code ≥ 0}
     * @param grads the gradient array, read only
     * @param gradsOffset first gradient, {@code ≥ 0}
     * @param length number of elements
     * @param gradScale {@code k}: finite, also as a float
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException as {@link #step(OptimizerState, float[], int, float[], int, int)},
     *         or if {@code gradScale} is not finite
     */
    public final void step(OptimizerState state, float[] params, int paramsOffset, float[] grads,
                           int gradsOffset, int length, double gradScale) {
        step(KernelProvider.kernels(), state, Double.NaN, Double.NaN, params, paramsOffset, grads,
                gradsOffset, length, gradScale);
    }
}
