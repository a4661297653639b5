package io.github.fusedopt;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * An ordered group of parameter tensors that one call steps together, sharing one step counter:
 * for each tensor its parameters and its gradients, as array slices or memory segments.
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
 *         .add(flat, 0, flatGrads, 0, 128)      // a slice of one flat buffer
 *         .add(embedding, embeddingGrads)       // MemorySegments, off the heap
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

    private TensorGroup(List<Tensor> tensors) {
        this.tensors = tensors.toArray(new Tensor[0]);
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
            tensors.add(new Tensor.OnHeap().bind(params, paramsOffset, grads, gradsOffset, length));
            return this;
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
            tensors.add(new Tensor.InSegments().bind(params, grads, length));
            return this;
        }

        private String name(String argument) {
            return argument + " of tensor " + tensors.size();
        }

        /**
         * Builds the group.
         *
         * @return the group, possibly empty
         * @throws IllegalArgumentException if a tensor's parameters overlap another tensor's
         *         parameters or any tensor's gradients
         */
        public TensorGroup build() {
            return new TensorGroup(tensors);
        }
    }
}
