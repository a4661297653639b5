package io.github.fusedopt;

import io.github.fusedopt.kernel.StepScalars;

/**
 * AdamW (Loshchilov &amp; Hutter, 2019): {@link Adam} with decoupled weight decay, as
 * {@code torch.optim.AdamW}:
 *
 * <pre>
 * p ← p·(1 − α·λ)
 * m ← β1·m + (1−β1)·g
 * v ← β2·v + (1−β2)·g²
 * p ← p − (α/bc1) · m / (√v/√bc2 + ε)
 * </pre>
 *
 * <p>Defaults: {@code α = 1e-3, β1 = 0.9, β2 = 0.999, ε = 1e-8, λ = 0.01},
 * {@link WeightDecayMode#DECOUPLED}. AdamW and Adam share their states, and AdamW gives the same
 * bits as an {@link Adam} built with the same hyperparameters and decoupled decay. See
 * {@link Optimizer} for the order of a step and for what is rejected.
 */
public final class AdamW extends GradientOptimizer {

    private AdamW(Builder builder) {
        super(builder);
    }

    /**
     * A builder holding the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding this optimizer's hyperparameters, to build a variant (another learning rate,
     * say) or a copy.
     *
     * @return a new builder
     */
    @Override
    public Builder toBuilder() {
        return new Builder().copyShared(this);
    }

    @Override
    Algorithm algorithm() {
        return Algorithm.ADAM;
    }

    @Override
    void prepare(StepScalars scalars, double referenceLoss, long t, double loss) {
        scalars.adam(learningRate(), beta1(), beta2(), eps(), t);
    }


    /** Builds an {@link AdamW}; see the class documentation for the defaults. */
    public static final class Builder extends Optimizer.Builder<Builder> {

        Builder() {
            super(1e-8, 0.01, WeightDecayMode.DECOUPLED);
        }

        @Override
        public AdamW build() {
            validate();
            return new AdamW(this);
        }
    }
}
