package io.github.fusedopt;

/** What AdaL's {@code ‖g‖₁} is taken over when it steps a {@link TensorGroup}. */
public enum NormScope {
    /** Each tensor is scaled by its own gradient's norm (the default). */
    TENSOR,
    /**
     * Every tensor is scaled by the norm of the whole group's gradient: the sum, tensor by tensor
     * in group order, of the per-tensor norms.
     */
    GROUP
}
