package io.github.fusedopt;

import io.github.fusedopt.kernel.KernelProvider;

import java.lang.foreign.MemorySegment;

/**
 * An optimizer whose step needs nothing but the gradients: {@link Adam}, {@link AdamW},
 * {@link EAdam}, {@link AdaBelief} and {@link AdaL} ({@link AdamL} also needs the loss). Its
 * methods are typed conveniences: each is the {@link Optimizer} step entry with a {@link Step} of
 * the given gradient scale and executor, and allocates nothing.
 */
public abstract sealed class GradientOptimizer extends Optimizer permits Adam, AdamW, EAdam, AdaBelief, AdaL {

    GradientOptimizer(OptimizerBuilder<?> builder) {
        super(builder);
    }

    /**
     * One step over whole arrays, updating {@code params} and the state in place.
     *
     * @param state the tensor's state; its size must equal both array lengths
     * @param params the parameters, updated in place
     * @param grads the gradients, read only
     * @return {@link StepOutcome#APPLIED}, or {@link StepOutcome#SKIPPED} when the skip policy found
     *         a non-finite gradient
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if a length does not match, the arrays are the same, or the
     *         state belongs to another optimizer
     */
    public final StepOutcome step(OptimizerState state, float[] params, float[] grads) {
        return StepEntry.whole(this, KernelProvider.kernels(), state, params, grads, conveniences(state));
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
     * @return {@link StepOutcome#APPLIED}, or {@link StepOutcome#SKIPPED} when the skip policy found
     *         a non-finite gradient
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if a slice is out of range, the slices overlap, {@code length}
     *         differs from the state's size, or the state belongs to another optimizer
     */
    public final StepOutcome step(OptimizerState state, float[] params, int paramsOffset, float[] grads,
                           int gradsOffset, int length) {
        return step(state, params, paramsOffset, grads, gradsOffset, length, 1.0);
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
     * @return {@link StepOutcome#APPLIED}, or {@link StepOutcome#SKIPPED} when the skip policy found
     *         a non-finite gradient
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException as {@link #step(OptimizerState, float[], int, float[], int, int)},
     *         or if {@code gradScale} is not finite
     */
    public final StepOutcome step(OptimizerState state, float[] params, int paramsOffset, float[] grads,
                           int gradsOffset, int length, double gradScale) {
        return StepEntry.arrays(this, KernelProvider.kernels(), state, params, paramsOffset, grads, gradsOffset,
                null, 0, length, conveniences(state).gradScale(gradScale));
    }

    /**
     * One step over two segments of floats in native byte order, as a framework holding native
     * buffers has them; no copies are made.
     *
     * @param state the tensor's state, on or off the heap; its size must equal both segments' length in floats
     * @param params the parameters, updated in place: writable, 4-byte aligned
     * @param grads the gradients, read only (may be a read-only segment): 4-byte aligned
     * @return {@link StepOutcome#APPLIED}, or {@link StepOutcome#SKIPPED} when the skip policy found
     *         a non-finite gradient
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if a segment is read-only (params), misaligned or of the wrong
     *         size, the segments overlap, or the state belongs to another optimizer or to a group
     * @throws IllegalStateException if a segment's arena (or the state's) is closed or confined to
     *         another thread
     */
    public final StepOutcome step(OptimizerState state, MemorySegment params, MemorySegment grads) {
        return step(state, params, grads, 1.0);
    }

    /**
     * As {@link #step(OptimizerState, MemorySegment, MemorySegment)}, with gradient scale {@code k}.
     *
     * @param state the tensor's state
     * @param params the parameters, updated in place
     * @param grads the gradients, read only
     * @param gradScale {@code k}: finite, also as a float
     * @return {@link StepOutcome#APPLIED}, or {@link StepOutcome#SKIPPED} when the skip policy found
     *         a non-finite gradient
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException as {@link #step(OptimizerState, MemorySegment, MemorySegment)},
     *         or if {@code gradScale} is not finite
     * @throws IllegalStateException if a segment's arena is closed or confined to another thread
     */
    public final StepOutcome step(OptimizerState state, MemorySegment params, MemorySegment grads, double gradScale) {
        return StepEntry.segments(this, KernelProvider.kernels(), state, params, grads, null,
                conveniences(state).gradScale(gradScale));
    }

    /**
     * One step over every tensor of a group, on the calling thread: the per-step scalars are
     * computed once, then each tensor's update runs.
     *
     * @param state the group's state, made by {@link #newState(TensorGroup)} or a group of the same lengths
     * @param group the tensors, updated in place
     * @return {@link StepOutcome#APPLIED}, or {@link StepOutcome#SKIPPED} when the skip policy found
     *         a non-finite gradient
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the state's tensor count or lengths differ from the group's,
     *         or the state belongs to another optimizer
     * @throws IllegalStateException if a bound segment's arena is closed or confined to another thread
     */
    public final StepOutcome step(OptimizerState state, TensorGroup group) {
        return step(state, group, 1.0, StepExecutor.serial());
    }

    /**
     * One step over every tensor of a group, in parallel when the group is large enough; the result
     * is the same bits for every executor.
     *
     * @param state the group's state
     * @param group the tensors, updated in place
     * @param executor the threads to use; {@link StepExecutor#serial()} for none
     * @return {@link StepOutcome#APPLIED}, or {@link StepOutcome#SKIPPED} when the skip policy found
     *         a non-finite gradient
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException as {@link #step(OptimizerState, TensorGroup)}
     * @throws IllegalStateException if the executor is closed, or a segment's arena is closed or
     *         confined to another thread
     */
    public final StepOutcome step(OptimizerState state, TensorGroup group, StepExecutor executor) {
        return step(state, group, 1.0, executor);
    }

    /**
     * As {@link #step(OptimizerState, TensorGroup, StepExecutor)}, with one gradient scale {@code k}
     * for every tensor.
     *
     * @param state the group's state
     * @param group the tensors, updated in place
     * @param gradScale {@code k}: finite, also as a float
     * @param executor the threads to use; {@link StepExecutor#serial()} for none
     * @return {@link StepOutcome#APPLIED}, or {@link StepOutcome#SKIPPED} when the skip policy found
     *         a non-finite gradient
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException as {@link #step(OptimizerState, TensorGroup)}, or if
     *         {@code gradScale} is not finite
     * @throws IllegalStateException if the executor is closed, or a segment's arena is closed or
     *         confined to another thread
     */
    public final StepOutcome step(OptimizerState state, TensorGroup group, double gradScale, StepExecutor executor) {
        return StepEntry.group(this, KernelProvider.kernels(), state, group,
                conveniences(state).gradScale(gradScale).executor(Checks.notNull(executor, "executor")));
    }
}
