package io.github.fusedopt;

import io.github.fusedopt.kernel.StepScalars;

/**
 * AdaBelief (Zhuang et al., 2020, as in the official code with rectification off): the second
 * moment tracks the "belief" {@code (g − m)²} instead of {@code g²}:
 *
 * <pre>
 * m ← β1·m + (1−β1)·g
 * s ← β2·s + (1−β2)·(g − m)² + ε      (m is the value just updated)
 * p ← p − (α/bc1) · m / (√s/√bc2 + ε)
 * </pre>
 *
 * <p>Defaults: {@code α = 1e-3, β1 = 0.9, β2 = 0.999, ε = 1e-16} (the authors' current default;
 * they use {@code 1e-8} for CNNs), no weight decay, {@link WeightDecayMode#COUPLED} when it is set.
 * The state's {@link OptimizerState#secondMoment()} holds {@code s}. See {@link Optimizer} for the
 * order of a step and for what is rejected.
 */
public final class AdaBelief extends GradientOptimizer {

    private AdaBelief(Builder builder) {
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
        return OptimizerKind.ADABELIEF;
    }

    @Override
    void prepare(StepScalars scalars, double learningRate, double referenceLoss, long t, double loss) {
        scalars.adaBelief(learningRate, beta1(), beta2(), eps(), t);
    }

    /** Builds an {@link AdaBelief}; see the class documentation for the defaults. */
    public static final class Builder extends OptimizerBuilder<Builder> {

        Builder() {
            super(1e-16, 0, WeightDecayMode.COUPLED);
        }

        @Override
        OptimizerKind kind() {
            return OptimizerKind.ADABELIEF;
        }

        @Override
        public AdaBelief build() {
            validate();
            validateEpsFloor();
            return new AdaBelief(this);
        }
    }
}
