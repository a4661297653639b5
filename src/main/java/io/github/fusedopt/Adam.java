package io.github.fusedopt;

import io.github.fusedopt.kernel.StepKernels.Family;
import io.github.fusedopt.kernel.StepScalars;

import java.util.List;
import java.util.Map;

import static io.github.fusedopt.HyperparameterValues.bool;

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

    private final boolean amsGrad;

    private Adam(Builder builder) {
        super(builder);
        this.amsGrad = builder.amsGrad;
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
        return new Builder().copyShared(this).amsGrad(amsGrad);
    }

    /** {@return whether the AMSGrad variant is on: the denominator uses {@code v_max}, a third state slot} */
    public boolean amsGrad() {
        return amsGrad;
    }

    @Override
    public OptimizerKind kind() {
        return OptimizerKind.ADAM;
    }

    @Override
    Family family() {
        return amsGrad ? Family.AMSGRAD : Family.ADAM;
    }

    @Override
    void putOwn(Map<String, String> values) {
        if (amsGrad) {
            values.put("amsGrad", "true");   // absent means false: files from before the option still read
        }
    }

    @Override
    void prepare(StepScalars scalars, double learningRate, double referenceLoss, long t, double loss) {
        if (amsGrad) {
            scalars.amsGrad(learningRate, beta1(), beta2(), eps(), t);
        } else {
            scalars.adam(learningRate, beta1(), beta2(), eps(), t);
        }
    }

    /** Builds an {@link Adam}; see the class documentation for the defaults. */
    public static final class Builder extends OptimizerBuilder<Builder> {

        private boolean amsGrad;

        Builder() {
            super(1e-8, 0, WeightDecayMode.COUPLED);
        }

        /**
         * The AMSGrad variant (Reddi et al. 2018; PyTorch's {@code amsgrad=True}): a third slot
         * keeps {@code v_max ← max(v_max, v)}, and the denominator uses it in place of {@code v}.
         * Default off.
         *
         * @param amsGrad whether to use it
         * @return this builder
         */
        public Builder amsGrad(boolean amsGrad) {
            this.amsGrad = amsGrad;
            return this;
        }

        @Override
        boolean setOwn(String name, String value) {
            if (!name.equals("amsGrad")) {
                return false;
            }
            amsGrad(bool(name, value));
            return true;
        }

        @Override
        List<String> ownNames() {
            return List.of("amsGrad");
        }

        @Override
        OptimizerKind kind() {
            return OptimizerKind.ADAM;
        }

        @Override
        public Adam build() {
            validate();
            return new Adam(this);
        }
    }
}
