package io.github.fusedopt;

import io.github.fusedopt.kernel.StepKernels.Family;
import io.github.fusedopt.kernel.StepScalars;

import java.lang.foreign.MemorySegment;
import java.nio.FloatBuffer;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * The mutable state of one parameter tensor, or of a {@link TensorGroup}: per tensor its slots, the
 * first moment {@code m}, the second moment {@code v} (AdaBelief's {@code s}) and, with AMSGrad,
 * the running maximum {@code v_max}; and for the whole state one step counter {@code t} and, for
 * AdamL, the reference loss.
 *
 * <p>Create it with the optimizer's {@code newState}: {@code newState(size)} for one tensor,
 * {@code newState(group)} for a group, and the forms taking an {@link java.lang.foreign.Arena} or a
 * {@link StateStorage} for slots off the heap or in the caller's own memory. One state belongs to
 * one tensor or group and to the update rule that created it (Adam and AdamW share states). Steps
 * update it in place. A framework that counts iterations itself, or restores from its own files,
 * sets the counter with {@link #setStep(long)}.
 *
 * <p>A state is not thread-safe: never step the same state from two threads at once (a step that
 * sees another one in progress throws {@link java.util.ConcurrentModificationException}, but not
 * every overlap is seen). Distinct states may be stepped concurrently. A parallel step (see {@link StepExecutor}) uses worker
 * threads inside the one call, and returns only when they are done.
 */
public final class OptimizerState {

    /**
     * The largest step counter: {@code 2^53}, below which every count is exact as a {@code double}
     * (the form in which {@code t} enters {@code β^t} and AdaL's {@code √t}). A step at this count
     * is refused with {@link IllegalStateException}, and a checkpoint holding a larger one is
     * rejected as damaged.
     */
    public static final long MAX_STEP = 1L << 53;

    final OptimizerKind kind;
    final Family family;
    final Moments[] moments;
    final StateFormat format;
    final boolean offHeap;
    final boolean callerOwned;
    long step;
    /** The seed of bf16 slots' stochastic rounding; a checkpoint restores it with the counter. */
    long roundingSeed;
    double referenceLoss;
    final StepScalars scalars = new StepScalars();
    /** The step in progress: bound to its tensors for one call, reused so that a step allocates nothing. */
    final StepRun run = new StepRun(this);
    /** The last group found not to overlap these moments; groups are immutable, so it stays valid. */
    TensorGroup checkedGroup;

    OptimizerState(Optimizer optimizer, Moments[] moments, boolean callerOwned) {
        this(optimizer.kind().stateKind(), optimizer.family(), moments, optimizer.stateFormat(), callerOwned,
                optimizer.initialReferenceLoss());
        this.roundingSeed = optimizer.roundingSeed();
    }

    OptimizerState(OptimizerKind kind, Family family, Moments[] moments, StateFormat format, boolean callerOwned,
                   double referenceLoss) {
        this.kind = kind;
        this.family = family;
        this.moments = moments;
        this.format = format;
        this.offHeap = moments.length > 0 && moments[0] instanceof Moments.InSegments(MemorySegment[] slots, var _)
                && slots[0].isNative();
        this.callerOwned = callerOwned;
        this.referenceLoss = referenceLoss;
    }

    /** {@return the number of tensors: 1 for a state made by {@code newState(size)}} */
    public int tensorCount() {
        return moments.length;
    }

    /**
     * Number of elements of the tensor of a single-tensor state.
     *
     * @return the size
     * @throws IllegalStateException if the state holds more or fewer than one tensor
     */
    public int size() {
        requireSingle();
        return moments[0].size();
    }

    /**
     * Number of elements of one tensor.
     *
     * @param tensor the tensor's index in its group
     * @return its size
     * @throws IndexOutOfBoundsException if there is no such tensor
     */
    public int size(int tensor) {
        return moments[tensor].size();
    }

    /** {@return the number of elements over all tensors} */
    public long elementCount() {
        long count = 0;
        for (Moments m : moments) {
            count += m.size();
        }
        return count;
    }

    /** {@return whether the slots live off the heap} */
    public boolean offHeap() {
        return offHeap;
    }

    /** {@return the slots per element: 2 ({@code m}, {@code v}), 3 with AMSGrad ({@code v_max})} */
    public int slotCount() {
        return family.slots();
    }

    /** {@return how the slots are stored: as the creating optimizer's {@link Optimizer#stateFormat()}} */
    public StateFormat format() {
        return format;
    }

    /** {@return the seed of the slots' stochastic rounding when they are bf16 (see {@link StateFormat#BF16})} */
    public long roundingSeed() {
        return roundingSeed;
    }

    /** {@return the step counter {@code t}: 0 before the first step, then the number of completed steps} */
    public long step() {
        return step;
    }

    /**
     * Sets the step counter: the next step is {@code t + 1}, with its bias corrections and
     * schedule values. For frameworks that count iterations themselves (DL4J passes its iteration
     * to each update) or restore a run from their own files.
     *
     * @param t completed steps, in {@code [0, }{@link #MAX_STEP}{@code ]}
     * @throws IllegalArgumentException if {@code t} is out of range
     * @throws java.util.ConcurrentModificationException if a step of this state is in progress
     */
    public void setStep(long t) {
        if (t < 0 || t > MAX_STEP) {
            throw Checks.invalid("t", t, "must be in [0, " + MAX_STEP + "]");
        }
        run.requireIdle();
        this.step = t;
    }

    /**
     * Sets AdamL's reference loss {@code ℓ_ref}, as a framework restoring a run from its own files
     * does; steps then use it instead of recording the next step's loss.
     *
     * @param referenceLoss finite
     * @throws IllegalArgumentException if it is not finite
     * @throws IllegalStateException if this is not an AdamL state
     * @throws java.util.ConcurrentModificationException if a step of this state is in progress
     */
    public void setReferenceLoss(double referenceLoss) {
        if (kind != OptimizerKind.ADAML) {
            throw new IllegalStateException(this + " belongs to " + ruleName() + ", which keeps no reference loss");
        }
        if (!Double.isFinite(referenceLoss)) {
            throw Checks.invalid("referenceLoss", referenceLoss, "must be finite");
        }
        run.requireIdle();
        this.referenceLoss = referenceLoss;
    }

    /**
     * A read-only view of the first moment {@code m} of a single-tensor state; it follows later steps.
     *
     * @return the view
     * @throws IllegalStateException if the state holds more or fewer than one tensor, or as
     *         {@link #firstMoment(int)}
     */
    public FloatBuffer firstMoment() {
        requireSingle();
        return firstMoment(0);
    }

    /**
     * A read-only view of the second moment {@code v} (AdaBelief: {@code s}) of a single-tensor state.
     *
     * @return the view
     * @throws IllegalStateException if the state holds more or fewer than one tensor, or as
     *         {@link #firstMoment(int)}
     */
    public FloatBuffer secondMoment() {
        requireSingle();
        return secondMoment(0);
    }

    /**
     * A read-only view of one tensor's first moment {@code m}; it follows later steps. For a bf16
     * state it is instead a copy of the stored values widened to float, taken now.
     *
     * @param tensor the tensor's index in its group
     * @return the view
     * @throws IndexOutOfBoundsException if there is no such tensor
     * @throws IllegalStateException if the moments live off the heap and hold more than
     *         {@code Integer.MAX_VALUE / 4} floats, which no {@link FloatBuffer} over native memory can
     *         view; {@link #firstMomentSegment(int)} reads every size
     */
    public FloatBuffer firstMoment(int tensor) {
        return slot(tensor, 0);
    }

    /**
     * A read-only view of one tensor's second moment {@code v} (AdaBelief: {@code s}).
     *
     * @param tensor the tensor's index in its group
     * @return the view
     * @throws IndexOutOfBoundsException if there is no such tensor
     * @throws IllegalStateException as {@link #firstMoment(int)}
     */
    public FloatBuffer secondMoment(int tensor) {
        return slot(tensor, 1);
    }

    /**
     * A read-only view of one slot of one tensor: 0 is {@code m}, 1 is {@code v}, 2 is AMSGrad's
     * {@code v_max}. It follows later steps (a bf16 state's is a widened copy, as
     * {@link #firstMoment(int)}).
     *
     * @param tensor the tensor's index in its group
     * @param slot the slot, below {@link #slotCount()}
     * @return the view
     * @throws IndexOutOfBoundsException if there is no such tensor or slot
     * @throws IllegalStateException as {@link #firstMoment(int)}
     */
    public FloatBuffer slot(int tensor, int slot) {
        return moments[tensor].buffer(Objects.checkIndex(slot, slotCount()));
    }

    /**
     * A read-only segment of one slot of one tensor, of any size, as {@link #firstMomentSegment(int)}.
     * Its values are in the state's {@link #format()}: floats, or bf16 values of 2 bytes each.
     *
     * @param tensor the tensor's index in its group
     * @param slot the slot, below {@link #slotCount()}
     * @return the view
     * @throws IndexOutOfBoundsException if there is no such tensor or slot
     */
    public MemorySegment slotSegment(int tensor, int slot) {
        return moments[tensor].segment(Objects.checkIndex(slot, slotCount())).asReadOnly();
    }

    /**
     * A read-only segment of one tensor's first moment {@code m}: its values in native byte order,
     * floats or, for a bf16 state, 2-byte bf16 values; on or off the heap, of any size. It follows later steps, and is valid as long as the state's
     * arena is open.
     *
     * @param tensor the tensor's index in its group
     * @return the view
     * @throws IndexOutOfBoundsException if there is no such tensor
     */
    public MemorySegment firstMomentSegment(int tensor) {
        return slotSegment(tensor, 0);
    }

    /**
     * A read-only segment of one tensor's second moment {@code v} (AdaBelief: {@code s}), as
     * {@link #firstMomentSegment(int)}.
     *
     * @param tensor the tensor's index in its group
     * @return the view
     * @throws IndexOutOfBoundsException if there is no such tensor
     */
    public MemorySegment secondMomentSegment(int tensor) {
        return slotSegment(tensor, 1);
    }

    /**
     * {@return AdamL's reference loss {@code ℓ_ref}: the builder's value, or the loss of the first
     * step; empty before that, and for every other optimizer}
     */
    public OptionalDouble referenceLoss() {
        return Double.isNaN(referenceLoss) ? OptionalDouble.empty() : OptionalDouble.of(referenceLoss);
    }

    @Override
    public String toString() {
        return "OptimizerState[" + ruleName() + ", tensors=" + moments.length + ", elements=" + elementCount()
                + (offHeap ? ", off-heap" : "") + ", step=" + step
                + (Double.isNaN(referenceLoss) ? "" : ", referenceLoss=" + referenceLoss) + "]";
    }

    /** The update rule whose slots these are: {@code Adam/AdamW}, {@code Adam/AdamW with AMSGrad}, ... */
    String ruleName() {
        return (kind == OptimizerKind.ADAM ? "Adam/AdamW" : kind.displayName())
                + (family != kind.family() ? " with AMSGrad" : "");
    }

    /** Whether the slots are segments, which the segment kernels step. */
    boolean inSegments() {
        return moments.length > 0 && moments[0] instanceof Moments.InSegments;
    }

    /** Throws if a step would carry the counter past {@link #MAX_STEP}. */
    void checkCanStep() {
        if (step >= MAX_STEP) {
            throw new IllegalStateException("the step counter is at its maximum " + MAX_STEP + "; " + this
                    + " takes no further step");
        }
    }

    /** A copy of one tensor's slot as floats, for tests. */
    float[] slotCopy(int tensor, int slot) {
        FloatBuffer buffer = slot(tensor, slot);
        float[] out = new float[buffer.remaining()];
        buffer.get(out);
        return out;
    }

    private void requireSingle() {
        if (moments.length != 1) {
            throw new IllegalStateException("this state holds " + moments.length
                    + " tensors; use size(tensor), firstMoment(tensor) or secondMoment(tensor)");
        }
    }
}
