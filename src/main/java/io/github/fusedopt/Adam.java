package io.github.fusedopt;

import io.github.fusedopt.kernel.StepScalars;

/**
 * Adam (Kingma &amp; Ba, 2015), with the semantics of {@code torch.optim.Adam}:
 *
 * <pre>
 * m ← β1·m + (1−β1)·g
 * v ← β2·v + (1−β2)·g²
 * p ← p − (α/bc1) · m / (√v/√bc2 + ε)
 * </pre>
 *
 * <p>{@code ε} sits outside the square root, after bias correction (TensorFlow's {@code epsilon}
 * is {@code ε·√bc2} instead). Defaults: {@code α = 1e-3, β1 = 0.9, β2 = 0.999, ε = 1e-8},
 * no weight decay, {@link WeightDecayMode#COUPLED} when it is set. {@link AdamW} is Adam with
 * decoupled decay. See {@link Optimizer} for the order of a step and for what is rejected.
 *
 * <pre>{@code
 * Adam adam = Adam.builder().learningRate(3e-4).build();
 * OptimizerState state = adam.newState(weights.length);
 * adam.step(state, weights, grads);   // once per iteration
 * }</pre>
 */
public final class Adam extends GradientOptimizer {

    private Adam(Builder builder) {
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


    /** Builds an {@link Adam}; see the class documentation for the defaults. */
    public static final class Builder extends Optimizer.Builder<Builder> {

        Builder() {
            super(1e-8, 0, WeightDecayMode.COUPLED);
        }

        @Override
        public Adam build() {
            validate();
            return new Adam(this);
        }
    }
}
