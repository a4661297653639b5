package io.github.fusedopt;

import io.github.fusedopt.kernel.StepScalars;

/**
 * EAdam (Yuan &amp; Gao, 2020, as in the official code): Adam with {@code ε} added to the second
 * moment, where it accumulates, instead of to the denominator:
 *
 * <pre>
 * m ← β1·m + (1−β1)·g
 * v ← β2·v + (1−β2)·g² + ε
 * p ← p − (α/bc1) · m / √(v/bc2)
 * </pre>
 *
 * <p>Defaults: {@code α = 1e-3, β1 = 0.9, β2 = 0.999, ε = 1e-8}, no weight decay,
 * {@link WeightDecayMode#COUPLED} when it is set. See {@link Optimizer} for the order of a step
 * and for what is rejected.
 */
public final class EAdam extends GradientOptimizer {

    private EAdam(Builder builder) {
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
    public OptimizerKind kind() {
        return OptimizerKind.EADAM;
    }

    @Override
    void prepare(StepScalars scalars, double learningRate, double referenceLoss, long t, double loss) {
        scalars.eadam(learningRate, beta1(), beta2(), eps(), t, 1.0);
    }

    /** Builds an {@link EAdam}; see the class documentation for the defaults. */
    public static final class Builder extends OptimizerBuilder<Builder> {

        Builder() {
            super(1e-8, 0, WeightDecayMode.COUPLED);
        }

        @Override
        OptimizerKind kind() {
            return OptimizerKind.EADAM;
        }

        @Override
        public EAdam build() {
            validate();
            validateEpsFloor();
            return new EAdam(this);
        }
    }
}
