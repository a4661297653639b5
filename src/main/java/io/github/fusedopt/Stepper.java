package io.github.fusedopt;

import io.github.fusedopt.kernel.KernelProvider;

import java.lang.foreign.MemorySegment;

/**
 * The step entry every {@link Optimizer} has: the forms of one step, each taking a {@link Step}
 * with what changes from step to step. Every optimizer takes every {@code Step}; see
 * {@link Optimizer} for the order of a step and for what a rejected call leaves behind.
 */
public sealed interface Stepper permits Optimizer {

    /**
     * One step over every tensor of a group, on the step's executor: the parameters move in place,
     * or tensors given an output receive their update.
     *
     * @param state the group's state
     * @param group the tensors
     * @param step this step's arguments
     * @return {@link StepOutcome#APPLIED}, or {@link StepOutcome#SKIPPED} when the skip policy found
     *         a gradient out of range
     * @throws NullPointerException if an argument, or the step's executor, is null
     * @throws IllegalArgumentException if the state's tensor count or lengths differ from the group's,
     *         the state belongs to another rule or overlaps the group, or a value of the step (or a
     *         schedule's) is out of range
     * @throws IllegalStateException if the executor is closed, a segment's arena is closed or
     *         confined to another thread, or the step counter is at its maximum
     */
    default StepOutcome step(OptimizerState state, TensorGroup group, Step step) {
        return StepEntry.group((Optimizer) this, KernelProvider.kernels(), state, group, step);
    }

    /**
     * One step over whole arrays, on the calling thread.
     *
     * @param state the tensor's state; its size must equal both lengths
     * @param params the parameters, updated in place
     * @param grads the gradients, read only
     * @param step this step's arguments (its executor is not used)
     * @return as {@link #step(OptimizerState, TensorGroup, Step)}
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if a length does not match, the arrays are the same, or as
     *         {@link #step(OptimizerState, TensorGroup, Step)}
     * @throws IllegalStateException as {@link #step(OptimizerState, TensorGroup, Step)}
     */
    default StepOutcome step(OptimizerState state, float[] params, float[] grads, Step step) {
        return StepEntry.whole((Optimizer) this, KernelProvider.kernels(), state, params, grads, step);
    }

    /**
     * One step over slices {@code params[paramsOffset, +length)} and {@code grads[gradsOffset, +length)}.
     *
     * @param state the tensor's state; its size must equal {@code length}
     * @param params the parameter array, updated in place inside the slice
     * @param paramsOffset first parameter, {@code ≥ 0}
     * @param grads the gradient array, read only
     * @param gradsOffset first gradient, {@code ≥ 0}
     * @param length number of elements
     * @param step this step's arguments (its executor is not used)
     * @return as {@link #step(OptimizerState, TensorGroup, Step)}
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if a slice is out of range, the slices overlap each other or
     *         the state, or as {@link #step(OptimizerState, TensorGroup, Step)}
     * @throws IllegalStateException as {@link #step(OptimizerState, TensorGroup, Step)}
     */
    default StepOutcome step(OptimizerState state, float[] params, int paramsOffset, float[] grads,
                                  int gradsOffset, int length, Step step) {
        return StepEntry.arrays((Optimizer) this, KernelProvider.kernels(), state, params, paramsOffset, grads, gradsOffset,
                null, 0, length, step);
    }

    /**
     * One step over two segments of floats in native byte order, as a framework holding native
     * buffers has them; no copies are made.
     *
     * @param state the tensor's state; its size must equal both segments' length in floats
     * @param params the parameters, updated in place: writable, 4-byte aligned
     * @param grads the gradients, read only (may be a read-only segment): 4-byte aligned
     * @param step this step's arguments (its executor is not used)
     * @return as {@link #step(OptimizerState, TensorGroup, Step)}
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if a segment is read-only (params), misaligned or of the wrong
     *         size, the segments overlap each other or the state, or as
     *         {@link #step(OptimizerState, TensorGroup, Step)}
     * @throws IllegalStateException as {@link #step(OptimizerState, TensorGroup, Step)}
     */
    default StepOutcome step(OptimizerState state, MemorySegment params, MemorySegment grads, Step step) {
        return StepEntry.segments((Optimizer) this, KernelProvider.kernels(), state, params, grads, null, step);
    }

    /**
     * One step that leaves the parameters alone and writes the update {@code u} into
     * {@code out[outOffset, +length)}: the parameters the in-place step would give are {@code p − u}
     * in float, bit for bit. The output may be the gradient slice itself (DL4J's and optax's
     * contract); it may overlap nothing else.
     *
     * @param state the tensor's state; its size must equal {@code length}
     * @param params the parameter array, read only; null when no weight decay applies to this step,
     *        which is then the only use of the parameters
     * @param paramsOffset first parameter, {@code ≥ 0} (ignored when {@code params} is null)
     * @param grads the gradient array, read only unless it is {@code out}
     * @param gradsOffset first gradient, {@code ≥ 0}
     * @param out the array that receives the update
     * @param outOffset first element of the update, {@code ≥ 0}
     * @param length number of elements
     * @param step this step's arguments (its executor is not used)
     * @return as {@link #step(OptimizerState, TensorGroup, Step)}; a skipped step writes no update
     * @throws NullPointerException if an argument other than {@code params} is null
     * @throws IllegalArgumentException if a slice is out of range, the output overlaps anything but
     *         exactly the gradients, {@code params} is null while a weight decay applies, or as
     *         {@link #step(OptimizerState, TensorGroup, Step)}
     * @throws IllegalStateException as {@link #step(OptimizerState, TensorGroup, Step)}
     */
    default StepOutcome update(OptimizerState state, float[] params, int paramsOffset, float[] grads,
                                    int gradsOffset, float[] out, int outOffset, int length, Step step) {
        Checks.notNull(out, "out");
        return StepEntry.arrays((Optimizer) this, KernelProvider.kernels(), state, params, paramsOffset, grads, gradsOffset,
                out, outOffset, length, step);
    }

    /**
     * As {@link #update(OptimizerState, float[], int, float[], int, float[], int, int, Step)}, over
     * segments of floats in native byte order.
     *
     * @param state the tensor's state
     * @param params the parameters, read only; null when no weight decay applies to this step
     * @param grads the gradients, read only unless they are {@code out}
     * @param out receives the update: writable, 4-byte aligned, of the same size
     * @param step this step's arguments (its executor is not used)
     * @return as {@link #step(OptimizerState, TensorGroup, Step)}
     * @throws NullPointerException if an argument other than {@code params} is null
     * @throws IllegalArgumentException as
     *         {@link #update(OptimizerState, float[], int, float[], int, float[], int, int, Step)}
     * @throws IllegalStateException as {@link #step(OptimizerState, TensorGroup, Step)}
     */
    default StepOutcome update(OptimizerState state, MemorySegment params, MemorySegment grads,
                                    MemorySegment out, Step step) {
        Checks.notNull(out, "out");
        return StepEntry.segments((Optimizer) this, KernelProvider.kernels(), state, params, grads, out, step);
    }
}
