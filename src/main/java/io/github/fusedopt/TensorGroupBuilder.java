package io.github.fusedopt;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects the bindings of a {@link TensorGroup}; each {@code add} validates its arguments at once,
 * and each option applies to the tensor added last.
 */
public final class TensorGroupBuilder {

    private final List<Tensor> tensors = new ArrayList<>();
    private final List<Double> learningRateScales = new ArrayList<>();
    private final List<Double> weightDecays = new ArrayList<>();

    TensorGroupBuilder() {
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
    public TensorGroupBuilder add(float[] params, float[] grads) {
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
    public TensorGroupBuilder add(float[] params, int paramsOffset, float[] grads, int gradsOffset, int length) {
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
    public TensorGroupBuilder add(MemorySegment params, MemorySegment grads) {
        int length = Checks.floats(params, name("params"), true);
        Checks.floats(grads, name("grads"), false);
        if (grads.byteSize() != params.byteSize()) {
            throw Checks.invalid(name("grads.byteSize()"), grads.byteSize(),
                    "must equal params.byteSize() = " + params.byteSize());
        }
        return added(new Tensor.InSegments().bind(params, grads, length));
    }

    private TensorGroupBuilder added(Tensor tensor) {
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
    public TensorGroupBuilder learningRateScale(double scale) {
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
    public TensorGroupBuilder weightDecay(double weightDecay) {
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
    public TensorGroupBuilder updateInto(float[] out, int outOffset) {
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
    public TensorGroupBuilder updateInto(MemorySegment out) {
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
