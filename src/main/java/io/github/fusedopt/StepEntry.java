package io.github.fusedopt;

import io.github.fusedopt.kernel.StepKernels;

import java.lang.foreign.MemorySegment;

/**
 * The checks of every step form, before a step runs: each argument in its own range, the bindings
 * disjoint where a step writes, and the state fit for the optimizer. Then {@link StepRun} takes
 * over; nothing here writes.
 */
final class StepEntry {

    private StepEntry() {
    }

    static StepOutcome group(Optimizer optimizer, StepKernels kernels, OptimizerState state, TensorGroup group,
                             Step step) {
        Checks.notNull(state, "state");
        Checks.notNull(group, "group");
        checkStep(optimizer, step);
        StepExecutor executor = Checks.notNull(step.executor(), "step.executor");
        checkRule(optimizer, state);
        StateChecks.checkMatches(state, group);
        executor.checkOpen();
        group.checkAccessible();
        StateChecks.checkAccessible(state);
        StateChecks.checkDisjoint(state, group);
        return state.run.group(optimizer, kernels, step, group);
    }

    static StepOutcome whole(Optimizer optimizer, StepKernels kernels, OptimizerState state, float[] params,
                             float[] grads, Step step) {
        checkSingle(optimizer, state);
        Checks.notNull(params, "params");
        Checks.notNull(grads, "grads");
        int size = state.size(0);
        if (params.length != size) {
            throw Checks.invalid("params.length", params.length, "must equal the state's size " + size);
        }
        if (grads.length != size) {
            throw Checks.invalid("grads.length", grads.length, "must equal the state's size " + size);
        }
        return arrays(optimizer, kernels, state, params, 0, grads, 0, null, 0, size, step);
    }

    /** Slices; {@code out} null for the in-place step, {@code params} null for an update without them. */
    static StepOutcome arrays(Optimizer optimizer, StepKernels kernels, OptimizerState state, float[] params,
                              int paramsOffset, float[] grads, int gradsOffset, float[] out, int outOffset,
                              int length, Step step) {
        checkSingle(optimizer, state);
        if (out == null) {
            Checks.notNull(params, "params");
        }
        Checks.notNull(grads, "grads");
        checkStep(optimizer, step);
        if (length != state.size(0)) {
            throw Checks.invalid("length", length, "must equal the state's size " + state.size(0));
        }
        if (params != null) {
            Checks.index(paramsOffset, "paramsOffset", length, params, "params");
        }
        Checks.index(gradsOffset, "gradsOffset", length, grads, "grads");
        if (out != null) {
            Checks.index(outOffset, "outOffset", length, out, "out");
        }
        if (params != null) {
            disjoint(params, paramsOffset, "params", grads, gradsOffset, "grads", length);
        }
        if (out != null) {
            if (params != null) {
                disjoint(out, outOffset, "out", params, paramsOffset, "params", length);
            }
            if (out != grads || outOffset != gradsOffset) {
                disjoint(out, outOffset, "out", grads, gradsOffset, "grads", length);
            }
            StateChecks.checkDisjoint(state, out, outOffset, length, "out");
        }
        if (params != null) {
            StateChecks.checkDisjoint(state, params, paramsOffset, length, "params");
        }
        StateChecks.checkDisjoint(state, grads, gradsOffset, length, "grads");
        StateChecks.checkAccessible(state);
        boolean withParams = params != null;
        return state.run.arrays(optimizer, kernels, step, withParams ? params : grads,
                withParams ? paramsOffset : gradsOffset, grads, gradsOffset, out, outOffset, length, withParams);
    }

    /** Segments; {@code out} null for the in-place step, {@code params} null for an update without them. */
    static StepOutcome segments(Optimizer optimizer, StepKernels kernels, OptimizerState state, MemorySegment params,
                                MemorySegment grads, MemorySegment out, Step step) {
        checkSingle(optimizer, state);
        if (out == null) {
            Checks.notNull(params, "params");
        }
        checkStep(optimizer, step);
        long bytes = (long) state.size(0) * Float.BYTES;
        int length = state.size(0);
        if (params != null) {
            Checks.floats(params, "params", out == null);
            requireBytes(params, "params", bytes, state);
        }
        Checks.floats(grads, "grads", false);
        requireBytes(grads, "grads", bytes, state);
        if (params != null) {
            Checks.disjoint(params, "params", grads, "grads");
        }
        if (out != null) {
            Checks.floats(out, "out", true);
            requireBytes(out, "out", bytes, state);
            if (params != null) {
                Checks.disjoint(out, "out", params, "params");
            }
            if (!Overlaps.sameMemory(out, grads)) {
                Checks.disjoint(out, "out", grads, "grads");
            }
            StateChecks.checkDisjoint(state, out, "out");
        }
        if (params != null) {
            StateChecks.checkDisjoint(state, params, "params");
        }
        StateChecks.checkDisjoint(state, grads, "grads");
        StateChecks.checkAccessible(state);
        boolean withParams = params != null;
        return state.run.segments(optimizer, kernels, step, withParams ? params : grads, grads, out, length,
                withParams);
    }

    private static void requireBytes(MemorySegment segment, String name, long bytes, OptimizerState state) {
        if (segment.byteSize() != bytes) {
            throw Checks.invalid(name + ".byteSize()", segment.byteSize(),
                    "must equal 4 × the state's size " + state.size(0) + " = " + bytes);
        }
    }

    /** Two slices of {@code length} floats must not share an element. */
    private static void disjoint(float[] a, int aOffset, String aName, float[] b, int bOffset, String bName,
                                 int length) {
        if (a == b && length > 0 && aOffset < bOffset + length && bOffset < aOffset + length) {
            throw Checks.invalid(bName, bName + "[" + bOffset + ".." + (bOffset + length) + ")",
                    "overlaps " + aName + "[" + aOffset + ".." + (aOffset + length) + ")");
        }
    }

    /** The values of a {@link Step} that do not depend on the step counter. */
    private static void checkStep(Optimizer optimizer, Step step) {
        Checks.notNull(step, "step");
        Checks.finite(step.gradScale(), "step.gradScale");
        if (!Double.isNaN(step.learningRate())) {
            Checks.positive(step.learningRate(), "step.learningRate");
        }
        if (!Double.isNaN(step.weightDecay())) {
            Checks.nonNegative(step.weightDecay(), "step.weightDecay");
        }
        optimizer.checkStepInputs(step);
    }

    private static void checkSingle(Optimizer optimizer, OptimizerState state) {
        Checks.notNull(state, "state");
        checkRule(optimizer, state);
        if (state.tensorCount() != 1) {
            throw Checks.invalid("state", state, "holds " + state.tensorCount()
                    + " tensors; step it with the TensorGroup it was made for");
        }
    }

    /** The state must hold this optimizer's slots: the same rule (Adam and AdamW share) and family. */
    static void checkRule(Optimizer optimizer, OptimizerState state) {
        if (state.kind != optimizer.kind().stateKind() || state.family != optimizer.family()) {
            throw Checks.invalid("state", state, "was created by " + state.ruleName()
                    + " and cannot be stepped by " + optimizer.kind().displayName()
                    + (optimizer.family() != optimizer.kind().family() ? " with AMSGrad" : ""));
        }
    }
}
