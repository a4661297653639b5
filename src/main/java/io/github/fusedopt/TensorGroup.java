package io.github.fusedopt;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * An ordered group of parameter tensors that one call steps together, sharing one step counter:
 * for each tensor its parameters and its gradients, as array slices or memory segments, and
 * optionally its own options: a learning-rate multiplier, its own weight decay, and an array or
 * segment that receives its update instead of moving its parameters.
 *
 * <p>A group binds the arrays and segments themselves, not their contents: build it once, write
 * new gradients into the bound gradient storage each iteration, and step the same group. Every
 * binding is validated when it is added and the group as a whole when it is built (no parameter
 * range may overlap another tensor's parameters or any tensor's gradients), so a step checks only
 * what can change: that each segment is still alive.
 *
 * <p>Segments hold {@code float}s in native byte order, must be 4-byte aligned and must not be
 * read-only; gradient segments may be read-only. A group is immutable and may be shared between
 * threads; the storage it binds is stepped in place.
 *
 * <pre>{@code
 * TensorGroup group = TensorGroup.builder()
 *         .add(weights, weightGrads)            // whole arrays
 *         .add(bias, 0, flatGrads, 0, 128)      // a slice of one flat buffer...
 *         .weightDecay(0)                       // ...with no weight decay
 *         .add(embedding, embeddingGrads)       // MemorySegments, off the heap
 *         .learningRateScale(0.1)               // ...at a tenth of the learning rate
 *         .build();
 * OptimizerState state = adam.newState(group);
 * adam.step(state, group);
 * }</pre>
 */
public final class TensorGroup {

    private final Tensor[] tensors;
    private final long elementCount;
    private final boolean hasSegments;
    private final ChunkPlan normPlan;
    private final ChunkPlan updatePlan;
    private final double[] learningRateScales;
    private final double[] weightDecays;
    private final TensorSettings settings;

    private TensorGroup(List<Tensor> tensors, List<Double> learningRateScales, List<Double> weightDecays) {
        this.tensors = tensors.toArray(new Tensor[0]);
        this.learningRateScales = learningRateScales.stream().mapToDouble(Double::doubleValue).toArray();
        this.weightDecays = weightDecays.stream().mapToDouble(Double::doubleValue).toArray();
        this.settings = new TensorSettings(this.learningRateScales, this.weightDecays);
        long count = 0;
        boolean segments = false;
        for (Tensor t : this.tensors) {
            count += t.length();
            segments |= t instanceof Tensor.InSegments;
        }
        this.elementCount = count;
        this.hasSegments = segments;
        Overlaps.check(this.tensors);
        this.normPlan = new ChunkPlan(this.tensors, ChunkPlan.CHUNK);
        this.updatePlan = new ChunkPlan(this.tensors, ChunkPlan.UPDATE_CHUNK);
    }

    /**
     * An empty builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A group of one tensor over two whole arrays.
     *
     * @param params the parameters, updated in place
     * @param grads the gradients, of the same length; read only
     * @return the group
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the lengths differ or the arrays are the same
     */
    public static TensorGroup of(float[] params, float[] grads) {
        return builder().add(params, grads).build();
    }

    /**
     * A group of one tensor over two segments.
     *
     * @param params the parameters, updated in place
     * @param grads the gradients, of the same size; read only
     * @return the group
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException as {@link Builder#add(MemorySegment, MemorySegment)}
     * @throws IllegalStateException if a segment's arena is closed or confined to another thread
     */
    public static TensorGroup of(MemorySegment params, MemorySegment grads) {
        return builder().add(params, grads).build();
    }

    /** {@return the number of tensors} */
    public int tensorCount() {
        return tensors.length;
    }

    /**
     * Number of elements of one tensor.
     *
     * @param tensor its index, in the order the tensors were added
     * @return its length
     * @throws IndexOutOfBoundsException if there is no such tensor
     */
    public int length(int tensor) {
        return tensors[tensor].length();
    }

    /** {@return the number of elements over all tensors} */
    public long elementCount() {
        return elementCount;
    }

    /**
     * The learning-rate multiplier {@code μ} of one tensor: its steps use {@code μ·α_t}.
     *
     * @param tensor its index
     * @return {@code μ}, 1 unless set
     * @throws IndexOutOfBoundsException if there is no such tensor
     */
    public double learningRateScale(int tensor) {
        return learningRateScales[tensor];
    }

    /**
     * The weight decay of one tensor, if it has its own.
     *
     * @param tensor its index
     * @return its decay; empty when it takes the step's (the optimizer's, or its schedule's)
     * @throws IndexOutOfBoundsException if there is no such tensor
     */
    public OptionalDouble weightDecay(int tensor) {
        double decay = weightDecays[tensor];
        return Double.isNaN(decay) ? OptionalDouble.empty() : OptionalDouble.of(decay);
    }

    /**
     * Whether one tensor's steps write its update into an output instead of moving its parameters.
     *
     * @param tensor its index
     * @return true when an output was bound with {@link Builder#updateInto}
     * @throws IndexOutOfBoundsException if there is no such tensor
     */
    public boolean updatesInto(int tensor) {
        return tensors[tensor].updatesOut();
    }

    /** The distinct per-tensor settings, and which one each tensor has. */
    TensorSettings settings() {
        return settings;
    }

    @Override
    public String toString() {
        return "TensorGroup[tensors=" + tensors.length + ", elements=" + elementCount + "]";
    }

    Tensor tensor(int index) {
        return tensors[index];
    }

    /** The bound tensors, in order; never modified. */
    Tensor[] tensors() {
        return tensors;
    }

    /** Whether a tensor is bound to segments. */
    boolean hasSegments() {
        return hasSegments;
    }

    /** The cut of a parallel norm pass: one unit per chunk of the norm's order. */
    ChunkPlan normPlan() {
        return normPlan;
    }

    /** The cut of a parallel update pass. */
    ChunkPlan updatePlan() {
        return updatePlan;
    }

    /** Throws if a bound segment cannot be used from this thread now. */
    void checkAccessible() {
        if (hasSegments) {
            for (int i = 0; i < tensors.length; i++) {
                tensors[i].checkAccessible(i);
            }
        }
    }

    /** Whether worker threads may step every tensor. */
    boolean shareable() {
        if (hasSegments) {
            for (Tensor t : tensors) {
                if (!t.shareable()) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Collects bindings; each {@code add} validates its arguments at once. */
    public static final class Builder {

        private final List<Tensor> tensors = new ArrayList<>();
        private final List<Double> learningRateScales = new ArrayList<>();
        private final List<Double> weightDecays = new ArrayList<>();

        private Builder() {
        }

        /**
         * Adds a tensor over two whole arrays.
         *
         * @param params the parameters, updated in place by steps
         * @param grads the gradients, of the same length; read only
         * @return this builder
         * @throws NullPointerException if an argument is null
         * @throws IllegalArgumentException if the lengths differ or the arrays are the same
         */
        public Builder add(float[] params, float[] grads) {
            Checks.notNull(params, name("params"));
            Checks.notNull(grads, name("grads"));
            if (params.length != grads.length) {
                throw Checks.invalid(name("grads.length"), grads.length,
                        "must equal params.length = " + params.length);
            }
            return add(params, 0, grads, 0, params.length);
        }

        /**
         * Adds a tensor over two array slices: {@code params[paramsOffset, paramsOffset + length)} and
         * {@code grads[gradsOffset, gradsOffset + length)}.
         *
         * @param params the parameter array, updated in place inside the slice
         * @param paramsOffset first parameter, {@code ≥ 0}
         * @param grads the gradient array, read only
         * @param gradsOffset first gradient, {@code ≥ 0}
         * @param length number of elements, {@code ≥ 0}
         * @return this builder
         * @throws NullPointerException if an array is null
         * @throws IllegalArgumentException if a slice is out of range or the slices overlap
         */
        public Builder add(float[] params, int paramsOffset, float[] grads, int gradsOffset, int length) {
            Checks.notNull(params, name("params"));
            Checks.notNull(grads, name("grads"));
            if (length < 0) {
                throw Checks.invalid(name("length"), length, "must be >= 0");
            }
            Checks.index(paramsOffset, name("paramsOffset"), length, params, "params");
            Checks.index(gradsOffset, name("gradsOffset"), length, grads, "grads");
            return added(new Tensor.OnHeap().bind(params, paramsOffset, grads, gradsOffset, length));
        }

        /**
         * Adds a tensor over two segments of floats in native byte order.
         *
         * @param params the parameters: writable, 4-byte aligned, a whole number of floats
         * @param grads the gradients: the same size, 4-byte aligned; may be read-only
         * @return this builder
         * @throws NullPointerException if an argument is null
         * @throws IllegalArgumentException if a segment is read-only (params), misaligned, not a whole
         *         number of floats, or longer than {@link Integer#MAX_VALUE} floats, or if the sizes differ
         * @throws IllegalStateException if a segment's arena is closed or confined to another thread
         */
        public Builder add(MemorySegment params, MemorySegment grads) {
            int length = Checks.floats(params, name("params"), true);
            Checks.floats(grads, name("grads"), false);
            if (grads.byteSize() != params.byteSize()) {
                throw Checks.invalid(name("grads.byteSize()"), grads.byteSize(),
                        "must equal params.byteSize() = " + params.byteSize());
            }
            return added(new Tensor.InSegments().bind(params, grads, length));
        }

        private Builder added(Tensor tensor) {
            tensors.add(tensor);
            learningRateScales.add(1.0);
            weightDecays.add(Double.NaN);
            return this;
        }

        /**
         * Gives the tensor added last a learning-rate multiplier {@code μ}: its steps use
         * {@code μ·α_t}, computed in {@code double}, in every formula (PyTorch's per-group
         * {@code lr}). Its result equals, bit for bit, a step of an optimizer built with that
         * learning rate.
         *
         * @param scale {@code μ}: finite, {@code > 0}
         * @return this builder
         * @throws IllegalStateException if no tensor was added yet
         * @throws IllegalArgumentException if {@code scale} is out of range
         */
        public Builder learningRateScale(double scale) {
            int last = last("learningRateScale");
            learningRateScales.set(last, Checks.positive(scale, "learningRateScale of tensor " + last));
            return this;
        }

        /**
         * Gives the tensor added last its own weight decay, in the optimizer's mode, in place of
         * the step's: 0 exempts it (biases and norms, say).
         *
         * @param weightDecay finite, {@code ≥ 0}
         * @return this builder
         * @throws IllegalStateException if no tensor was added yet
         * @throws IllegalArgumentException if {@code weightDecay} is out of range
         */
        public Builder weightDecay(double weightDecay) {
            int last = last("weightDecay");
            weightDecays.set(last, Checks.nonNegative(weightDecay, "weightDecay of tensor " + last));
            return this;
        }

        /**
         * Makes the tensor added last (over arrays) write its update {@code u} into
         * {@code out[outOffset, outOffset + length)} and leave its parameters alone; see
         * {@link Optimizer} for how {@code p − u} relates to the in-place step. The output may be the
         * tensor's own gradient slice, exactly; it may overlap nothing else.
         *
         * @param out the array that receives the update
         * @param outOffset its first element, {@code ≥ 0}
         * @return this builder
         * @throws NullPointerException if {@code out} is null
         * @throws IllegalStateException if no tensor was added yet, or it is bound to segments
         * @throws IllegalArgumentException if the slice is out of range
         */
        public Builder updateInto(float[] out, int outOffset) {
            int last = last("updateInto");
            if (!(tensors.get(last) instanceof Tensor.OnHeap h)) {
                throw new IllegalStateException("tensor " + last + " is bound to segments; give it a segment to "
                        + "update into");
            }
            Checks.notNull(out, "out of tensor " + last);
            Checks.index(outOffset, "outOffset of tensor " + last, h.length(), out, "out");
            h.bind(h.params(), h.paramsOffset(), h.grads(), h.gradsOffset(), out, outOffset, h.length());
            return this;
        }

        /**
         * As {@link #updateInto(float[], int)}, for a tensor bound to segments.
         *
         * @param out a writable, 4-byte aligned segment of the tensor's size; may be its gradients
         * @return this builder
         * @throws NullPointerException if {@code out} is null
         * @throws IllegalStateException if no tensor was added yet, it is bound to arrays, or the
         *         segment's arena is closed or confined to another thread
         * @throws IllegalArgumentException if the segment is read-only, misaligned or of another size
         */
        public Builder updateInto(MemorySegment out) {
            int last = last("updateInto");
            if (!(tensors.get(last) instanceof Tensor.InSegments t)) {
                throw new IllegalStateException("tensor " + last + " is bound to arrays; give it an array to "
                        + "update into");
            }
            int length = Checks.floats(out, "out of tensor " + last, true);
            if (length != t.length()) {
                throw Checks.invalid("out.byteSize() of tensor " + last, out.byteSize(),
                        "must equal params.byteSize() = " + (long) t.length() * Float.BYTES);
            }
            t.bind(t.params(), t.grads(), out, length);
            return this;
        }

        private int last(String option) {
            if (tensors.isEmpty()) {
                throw new IllegalStateException(option + " applies to the tensor added last; add one first");
            }
            return tensors.size() - 1;
        }

        private String name(String argument) {
            return argument + " of tensor " + tensors.size();
        }

        /**
         * Builds the group.
         *
         * @return the group, possibly empty
         * @throws IllegalArgumentException if memory a step writes (a tensor's parameters or
         *         update output) overlaps anything else a step uses; an output may be its own
         *         tensor's gradients exactly
         */
        public TensorGroup build() {
            return new TensorGroup(tensors, learningRateScales, weightDecays);
        }
    }
}
