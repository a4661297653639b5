package io.github.fusedopt;

import io.github.fusedopt.kernel.KernelProvider;

import java.lang.foreign.MemorySegment;

/**
 * The typed steps of {@link AdamL}, which takes the loss of every step: each is the
 * {@link Optimizer} step entry with a {@link Step} holding the loss (and the gradient scale and
 * executor given), reused so that it allocates nothing.
 */
public sealed interface LossSteps permits AdamL {

    /**
     * One step over whole arrays: {@link Stepper#step(OptimizerState, float[], float[], Step)} with this loss.
     *
     * @param state the tensor's state; its size must equal both array lengths
     * @param loss the loss at the parameters the gradient was taken at: finite, {@code ≥ ℓ_min}
     * @param params the parameters, updated in place
     * @param grads the gradients, read only
     * @return {@link StepOutcome#APPLIED}, or {@link StepOutcome#SKIPPED}
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the loss is rejected, or as the entry it calls
     */
    default StepOutcome step(OptimizerState state, double loss, float[] params, float[] grads) {
        return StepEntry.whole((Optimizer) this, KernelProvider.kernels(), state, params, grads,
                Optimizer.conveniences(state).loss(loss));
    }

    /**
     * One step over slices: {@link Stepper#step(OptimizerState, float[], int, float[], int, int, Step)} with
     * this loss.
     *
     * @param state the tensor's state; its size must equal {@code length}
     * @param loss the loss at the parameters the gradient was taken at: finite, {@code ≥ ℓ_min}
     * @param params the parameter array, updated in place inside the slice
     * @param paramsOffset first parameter, {@code ≥ 0}
     * @param grads the gradient array, read only
     * @param gradsOffset first gradient, {@code ≥ 0}
     * @param length number of elements
     * @return {@link StepOutcome#APPLIED}, or {@link StepOutcome#SKIPPED}
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the loss is rejected, or as the entry it calls
     */
    default StepOutcome step(OptimizerState state, double loss, float[] params, int paramsOffset, float[] grads,
                             int gradsOffset, int length) {
        return step(state, loss, params, paramsOffset, grads, gradsOffset, length, 1.0);
    }

    /**
     * As {@link #step(OptimizerState, double, float[], int, float[], int, int)}, with gradient scale
     * {@code k}: the step uses {@code k·g}.
     *
     * @param state the tensor's state; its size must equal {@code length}
     * @param loss the loss at the parameters the gradient was taken at: finite, {@code ≥ ℓ_min}
     * @param params the parameter array, updated in place inside the slice
     * @param paramsOffset first parameter, {@code ≥ 0}
     * @param grads the gradient array, read only
     * @param gradsOffset first gradient, {@code ≥ 0}
     * @param length number of elements
     * @param gradScale {@code k}: finite, also as a float
     * @return {@link StepOutcome#APPLIED}, or {@link StepOutcome#SKIPPED}
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the loss or {@code gradScale} is rejected, or as the entry it calls
     */
    default StepOutcome step(OptimizerState state, double loss, float[] params, int paramsOffset, float[] grads,
                             int gradsOffset, int length, double gradScale) {
        return StepEntry.arrays((Optimizer) this, KernelProvider.kernels(), state, params, paramsOffset, grads,
                gradsOffset, null, 0, length, Optimizer.conveniences(state).loss(loss).gradScale(gradScale));
    }

    /**
     * One step over two segments: {@link Stepper#step(OptimizerState, MemorySegment, MemorySegment, Step)}
     * with this loss.
     *
     * @param state the tensor's state, on or off the heap
     * @param loss the loss at the parameters the gradient was taken at: finite, {@code ≥ ℓ_min}
     * @param params the parameters, updated in place
     * @param grads the gradients, read only
     * @return {@link StepOutcome#APPLIED}, or {@link StepOutcome#SKIPPED}
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the loss is rejected, or as the entry it calls
     * @throws IllegalStateException if a segment's arena is closed or confined to another thread
     */
    default StepOutcome step(OptimizerState state, double loss, MemorySegment params, MemorySegment grads) {
        return step(state, loss, params, grads, 1.0);
    }

    /**
     * As {@link #step(OptimizerState, double, MemorySegment, MemorySegment)}, with gradient scale {@code k}.
     *
     * @param state the tensor's state, on or off the heap
     * @param loss the loss at the parameters the gradient was taken at: finite, {@code ≥ ℓ_min}
     * @param params the parameters, updated in place: writable, 4-byte aligned
     * @param grads the gradients, read only: 4-byte aligned
     * @param gradScale {@code k}: finite, also as a float
     * @return {@link StepOutcome#APPLIED}, or {@link StepOutcome#SKIPPED}
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the loss or {@code gradScale} is rejected, or as the entry it calls
     * @throws IllegalStateException if a segment's arena is closed or confined to another thread
     */
    default StepOutcome step(OptimizerState state, double loss, MemorySegment params, MemorySegment grads,
                            double gradScale) {
        return StepEntry.segments((Optimizer) this, KernelProvider.kernels(), state, params, grads, null,
                Optimizer.conveniences(state).loss(loss).gradScale(gradScale));
    }

    /**
     * One step over a group on the calling thread: {@link Stepper#step(OptimizerState, TensorGroup, Step)}
     * with this loss.
     *
     * @param state the group's state
     * @param loss the loss at the parameters the gradients were taken at: finite, {@code ≥ ℓ_min}
     * @param group the tensors, updated in place
     * @return {@link StepOutcome#APPLIED}, or {@link StepOutcome#SKIPPED}
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the loss is rejected, or as the entry it calls
     * @throws IllegalStateException if a bound segment's arena is closed or confined to another thread
     */
    default StepOutcome step(OptimizerState state, double loss, TensorGroup group) {
        return step(state, loss, group, 1.0, StepExecutor.serial());
    }

    /**
     * As {@link #step(OptimizerState, double, TensorGroup)}, with gradient scale {@code k}, on
     * {@code executor}; the result is the same bits for every executor.
     *
     * @param state the group's state
     * @param loss the loss at the parameters the gradients were taken at: finite, {@code ≥ ℓ_min}
     * @param group the tensors, updated in place
     * @param gradScale {@code k}: finite, also as a float
     * @param executor the threads to use; {@link StepExecutor#serial()} for none
     * @return {@link StepOutcome#APPLIED}, or {@link StepOutcome#SKIPPED}
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the loss or {@code gradScale} is rejected, or as the entry it calls
     * @throws IllegalStateException if the executor is closed, or a segment's arena is closed or
     *         confined to another thread
     */
    default StepOutcome step(OptimizerState state, double loss, TensorGroup group, double gradScale,
                             StepExecutor executor) {
        Step step = Optimizer.conveniences(state).loss(loss).gradScale(gradScale);
        return StepEntry.group((Optimizer) this, KernelProvider.kernels(), state, group,
                step.executor(Checks.notNull(executor, "executor")));
    }
}
