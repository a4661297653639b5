package io.github.fusedopt;

import io.github.fusedopt.kernel.StepScalars;

import java.lang.foreign.MemorySegment;
import java.nio.FloatBuffer;
import java.util.OptionalDouble;

/**
 * The mutable state of one parameter tensor, or of a {@link TensorGroup}: per tensor the first
 * moment {@code m} and the second moment {@code v} (AdaBelief's {@code s}), and for the whole state
 * one step counter {@code t} and, for AdamL, the reference loss.
 *
 * <p>Create it with the optimizer's {@code newState}: {@code newState(size)} for one tensor,
 * {@code newState(group)} for a group, and the forms taking an {@link java.lang.foreign.Arena} for
 * moments off the heap (64-byte aligned, freed with the arena). One state belongs to one tensor or
 * group and to the update rule that created it (Adam and AdamW share states). Steps update it in
 * place.
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

    final Algorithm algorithm;
    final Moments[] moments;
    final boolean offHeap;
    long step;
    double referenceLoss;
    final StepScalars scalars = new StepScalars();
    /** The step in progress: bound to its tensors for one call, reused so that a step allocates nothing. */
    final StepRun run = new StepRun(this);
    /** The last group found not to overlap these moments; groups are immutable, so it stays valid. */
    private TensorGroup checkedGroup;

    OptimizerState(Algorithm algorithm, Moments[] moments, boolean offHeap, double referenceLoss) {
        this.algorithm = algorithm;
        this.moments = moments;
        this.offHeap = offHeap;
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

    /** {@return whether the moments live off the heap, in the arena given to {@code newState}} */
    public boolean offHeap() {
        return offHeap;
    }

    /** {@return the step counter {@code t}: 0 before the first step, then the number of completed steps} */
    public long step() {
        return step;
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
     * A read-only view of one tensor's first moment {@code m}; it follows later steps.
     *
     * @param tensor the tensor's index in its group
     * @return the view
     * @throws IndexOutOfBoundsException if there is no such tensor
     * @throws IllegalStateException if the moments live off the heap and hold more than
     *         {@code Integer.MAX_VALUE / 4} floats, which no {@link FloatBuffer} over native memory can
     *         view; {@link #firstMomentSegment(int)} reads every size
     */
    public FloatBuffer firstMoment(int tensor) {
        return moments[tensor].first();
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
        return moments[tensor].second();
    }

    /**
     * A read-only segment of one tensor's first moment {@code m}: its floats in native byte order,
     * on or off the heap, of any size. It follows later steps, and is valid as long as the state's
     * arena is open.
     *
     * @param tensor the tensor's index in its group
     * @return the view
     * @throws IndexOutOfBoundsException if there is no such tensor
     */
    public MemorySegment firstMomentSegment(int tensor) {
        return moments[tensor].firstSegment().asReadOnly();
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
        return moments[tensor].secondSegment().asReadOnly();
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
        return "OptimizerState[" + algorithm + ", tensors=" + moments.length + ", elements=" + elementCount()
                + (offHeap ? ", off-heap" : "") + ", step=" + step
                + (Double.isNaN(referenceLoss) ? "" : ", referenceLoss=" + referenceLoss) + "]";
    }

    /** Throws unless the state has exactly the group's tensor lengths. */
    void checkMatches(TensorGroup group) {
        if (group.tensorCount() != moments.length) {
            throw Checks.invalid("group.tensorCount()", group.tensorCount(),
                    "must equal the state's tensor count " + moments.length);
        }
        for (int i = 0; i < moments.length; i++) {
            if (group.length(i) != moments[i].size()) {
                throw Checks.invalid("group.length(" + i + ")", group.length(i),
                        "must equal the state's size(" + i + ") = " + moments[i].size());
            }
        }
    }

    /** Throws if off-heap moments cannot be used from this thread now. */
    void checkAccessible() {
        if (offHeap) {
            for (int i = 0; i < moments.length; i++) {
                moments[i].checkAccessible("moments of tensor " + i);
            }
        }
    }

    /** Whether worker threads may step the moments. */
    boolean shareable() {
        return !offHeap || moments.length == 0 || moments[0].shareable();
    }

    /** Throws if a step would carry the counter past {@link #MAX_STEP}. */
    void checkCanStep() {
        if (step >= MAX_STEP) {
            throw new IllegalStateException("the step counter is at its maximum " + MAX_STEP + "; " + this
                    + " takes no further step");
        }
    }

    /**
     * Throws if a bound segment of a single-tensor step reaches these moments through any view:
     * a step writes them while it reads the gradients.
     */
    void checkDisjoint(MemorySegment segment, String name) {
        for (int i = 0; i < moments.length; i++) {
            MemorySegment m = moments[i].firstSegment();
            MemorySegment v = moments[i].secondSegment();
            if (segment.asOverlappingSlice(m).isPresent() || segment.asOverlappingSlice(v).isPresent()) {
                throw Checks.invalid(name, "a view of the state's moments",
                        "overlaps the moments this step writes; pass the gradients in memory of their own");
            }
        }
    }

    /** Throws if the group reaches these moments through any view; remembers the last group that passed. */
    void checkDisjoint(TensorGroup group) {
        if (group != checkedGroup) {
            Overlaps.check(group.tensors(), moments);
            checkedGroup = group;
        }
    }

    /** A copy of one tensor's {@code m}, for tests. */
    float[] m(int tensor) {
        return copy(firstMoment(tensor));
    }

    /** A copy of one tensor's {@code v}, for tests. */
    float[] v(int tensor) {
        return copy(secondMoment(tensor));
    }

    private static float[] copy(FloatBuffer buffer) {
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
