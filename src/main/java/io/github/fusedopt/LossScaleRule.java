package io.github.fusedopt;

/**
 * AdamL's mapping from the loss of a step to {@code λ_t ∈ [0, 1]}, the scale of the adaptive
 * term {@code g²}. Kept behind this interface so that another published mapping can replace it
 * without touching the kernels.
 */
interface LossScaleRule {

    /**
     * @param loss the loss of this step, already validated
     * @param referenceLoss the reference loss {@code ℓ_ref}
     * @return {@code λ_t}
     */
    double scale(double loss, double referenceLoss);
}
