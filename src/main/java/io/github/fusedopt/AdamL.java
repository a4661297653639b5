package io.github.fusedopt;

import io.github.fusedopt.kernel.StepScalars;

import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

import static io.github.fusedopt.HyperparameterValues.number;

/**
 * AdamL: Adam with loss-scaled denominators, after Xia &amp; Massei (arXiv 2312.15295). Each step
 * takes the current loss {@code ℓ_t}; the relative loss scales the adaptive {@code g²} term of the
 * second moment, so that the accumulated {@code ε} floor takes over as the loss falls and the step
 * turns from adaptive (EAdam-like) into uniform, SGD-with-momentum-like:
 *
 * <pre>
 * r_t = (ℓ_t − ℓ_min) / (ℓ_ref − ℓ_min)        (0 when ℓ_ref ≤ ℓ_min)
 * λ_t = clamp(r_t, 0, 1)^γ                     (0^0 = 1)
 * m ← β1·m + (1−β1)·g
 * v ← β2·v + (1−β2)·λ_t·g² + ε
 * p ← p − (α/bc1) · m / √(v/bc2)
 * </pre>
 *
 * <p>This formulation is this library's reading of the paper (its abstract fixes the ingredients;
 * the exact algorithm box could not be consulted). {@code ℓ_ref} is the builder's
 * {@link Builder#referenceLoss(double) referenceLoss}, or else the loss of the first step, kept in
 * the state. With {@code γ = 0} AdamL is {@link EAdam}, bit for bit.
 *
 * <p>Defaults: {@code α = 1e-3, β1 = 0.9, β2 = 0.999, ε = 1e-8, γ = 1, ℓ_min = 0}, no weight
 * decay, {@link WeightDecayMode#COUPLED} when it is set. A loss that is NaN, infinite or below
 * {@code ℓ_min} is rejected like any other bad argument; see {@link Optimizer}.
 *
 * <pre>{@code
 * AdamL adamL = AdamL.builder().lossMin(0).build();
 * OptimizerState state = adamL.newState(weights.length);
 * adamL.step(state, weights, grads, step.loss(loss));   // the loss at the weights of this gradient
 * }</pre>
 */
public final class AdamL extends Optimizer implements LossSteps {

    private final double lossExponent;
    private final double lossMin;
    private final double referenceLoss;
    private final LossScaleRule lossScale;

    private AdamL(Builder builder) {
        super(builder);
        this.lossExponent = builder.lossExponent;
        this.lossMin = builder.lossMin;
        this.referenceLoss = builder.referenceLossSet ? builder.referenceLoss : Double.NaN;
        this.lossScale = new RelativeLossScale(lossExponent, lossMin);
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
        Builder builder = new Builder().copyShared(this).lossExponent(lossExponent).lossMin(lossMin);
        return Double.isNaN(referenceLoss) ? builder : builder.referenceLoss(referenceLoss);
    }

    /** {@return the exponent {@code γ} of the relative loss} */
    public double lossExponent() {
        return lossExponent;
    }

    /** {@return the known lower bound {@code ℓ_min} of the loss} */
    public double lossMin() {
        return lossMin;
    }

    /** {@return the reference loss {@code ℓ_ref} set on the builder; empty when the first step's loss is used} */
    public OptionalDouble referenceLoss() {
        return Double.isNaN(referenceLoss) ? OptionalDouble.empty() : OptionalDouble.of(referenceLoss);
    }

    @Override
    public OptimizerKind kind() {
        return OptimizerKind.ADAML;
    }

    @Override
    double initialReferenceLoss() {
        return referenceLoss;
    }

    @Override
    void checkStepInputs(Step step) {
        double loss = step.loss();
        if (!step.hasLoss()) {
            throw Checks.invalid("loss", "none", "AdamL needs the loss of every step: set it with Step.loss(double)");
        }
        if (!Double.isFinite(loss)) {
            throw Checks.invalid("loss", loss, "must be finite");
        }
        if (loss < lossMin) {
            throw Checks.invalid("loss", loss, "must be >= lossMin = " + lossMin);
        }
    }

    /** The first step's loss becomes the reference, unless the builder or a checkpoint set one. */
    @Override
    double referenceLossFor(double stateReferenceLoss, double loss) {
        return Double.isNaN(stateReferenceLoss) ? loss : stateReferenceLoss;
    }

    @Override
    void prepare(StepScalars scalars, double learningRate, double referenceLoss, long t, double loss) {
        double lambda = lossScale.scale(loss, referenceLoss);
        scalars.eadam(learningRate, beta1(), beta2(), eps(), t, lambda);
    }

    @Override
    void putOwn(Map<String, String> values) {
        values.put("lossExponent", Double.toString(lossExponent));
        values.put("lossMin", Double.toString(lossMin));
        if (!Double.isNaN(referenceLoss)) {
            values.put("referenceLoss", Double.toString(referenceLoss));
        }
    }

    /** Builds an {@link AdamL}; see the class documentation for the defaults. */
    public static final class Builder extends OptimizerBuilder<Builder> {

        private double lossExponent = 1;
        private double lossMin = 0;
        private double referenceLoss;
        private boolean referenceLossSet;

        Builder() {
            super(1e-8, 0, WeightDecayMode.COUPLED);
        }

        /**
         * The exponent {@code γ} of the relative loss: finite, {@code ≥ 0}. Default 1; 0 makes
         * AdamL equal to EAdam.
         *
         * @param lossExponent the value
         * @return this builder
         */
        public Builder lossExponent(double lossExponent) {
            this.lossExponent = lossExponent;
            return this;
        }

        /**
         * A known lower bound {@code ℓ_min} of the loss: finite. Default 0.
         *
         * @param lossMin the value
         * @return this builder
         */
        public Builder lossMin(double lossMin) {
            this.lossMin = lossMin;
            return this;
        }

        /**
         * The reference loss {@code ℓ_ref}: finite, {@code ≥ ℓ_min}. By default the loss of the
         * first step is used.
         *
         * @param referenceLoss the value
         * @return this builder
         */
        public Builder referenceLoss(double referenceLoss) {
            this.referenceLoss = referenceLoss;
            this.referenceLossSet = true;
            return this;
        }

        @Override
        boolean setOwn(String name, String value) {
            switch (name) {
                case "lossExponent" -> lossExponent(number(name, value));
                case "lossMin" -> lossMin(number(name, value));
                case "referenceLoss" -> referenceLoss(number(name, value));
                default -> {
                    return false;
                }
            }
            return true;
        }

        @Override
        List<String> ownNames() {
            return List.of("lossExponent", "lossMin", "referenceLoss");
        }

        @Override
        OptimizerKind kind() {
            return OptimizerKind.ADAML;
        }

        @Override
        public AdamL build() {
            validate();
            validateEpsFloor();
            Checks.nonNegative(lossExponent, "lossExponent");
            if (!Double.isFinite(lossMin)) {
                throw Checks.invalid("lossMin", lossMin, "must be finite");
            }
            if (referenceLossSet) {
                if (!Double.isFinite(referenceLoss)) {
                    throw Checks.invalid("referenceLoss", referenceLoss, "must be finite");
                }
                if (referenceLoss < lossMin) {
                    throw Checks.invalid("referenceLoss", referenceLoss, "must be >= lossMin = " + lossMin);
                }
            }
            return new AdamL(this);
        }
    }
}
