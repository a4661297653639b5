package io.github.fusedopt;

import java.lang.foreign.MemorySegment;
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

    TensorGroup(List<Tensor> tensors, List<Double> learningRateScales, List<Double> weightDecays) {
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
    public static TensorGroupBuilder builder() {
        return new TensorGroupBuilder();
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
     * @throws IllegalArgumentException as {@link TensorGroupBuilder#add(MemorySegment, MemorySegment)}
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
     * @return true when an output was bound with {@link TensorGroupBuilder#updateInto}
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
}
