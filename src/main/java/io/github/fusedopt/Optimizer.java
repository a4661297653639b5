package io.github.fusedopt;

import io.github.fusedopt.kernel.StepKernels;
import io.github.fusedopt.kernel.StepScalars;

/**
 * The hyperparameters every optimizer shares, and the shape of a step.
 *
 * <p>An optimizer is immutable and thread-safe: build it once, then call {@link #newState(int)}
 * for each parameter tensor and {@code step} once per iteration. A step validates every argument
 * before it writes anything: a rejected call throws {@link IllegalArgumentException} (or
 * {@link NullPointerException} for a null) naming the argument and its value, and leaves every
 * array and the state exactly as they were.
 *
 * <p>Every step runs in this order: {@code t ← t + 1}; the gradient scale {@code g ← k·g};
 * weight decay (coupled: {@code g ← g + λ·p}; decoupled: {@code p ← p·(1 − α·λ)}); then the
 * optimizer's own update. The arithmetic is {@code float}; per-step scalars such as the bias
 * corrections {@code bc1 = 1 − β1^t} and {@code bc2 = 1 − β2^t} are computed in {@code double}
 * and rounded once.
 */
public abstract sealed class Optimizer permits GradientOptimizer, AdamL {

    private final double learningRate;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final WeightDecayMode weightDecayMode;

    Optimizer(Builder<?> builder) {
        this.learningRate = builder.learningRate;
        this.beta1 = builder.beta1;
        this.beta2 = builder.beta2;
        this.eps = builder.eps;
        this.weightDecay = builder.weightDecay;
        this.weightDecayMode = builder.weightDecayMode;
    }

    /** The learning rate {@code α}. */
    public double learningRate() {
        return learningRate;
    }

    /** The decay rate {@code β1} of the first moment. */
    public double beta1() {
        return beta1;
    }

    /** The decay rate {@code β2} of the second moment. */
    public double beta2() {
        return beta2;
    }

    /** The stability constant {@code ε}. */
    public double eps() {
        return eps;
    }

    /** The weight decay {@code λ}; 0 means none. */
    public double weightDecay() {
        return weightDecay;
    }

    /** How {@link #weightDecay()} is applied. */
    public WeightDecayMode weightDecayMode() {
        return weightDecayMode;
    }

    /**
     * A fresh state for a tensor of {@code size} elements: zero moments, step counter 0.
     *
     * @param size number of elements, {@code ≥ 0}
     * @return the new state
     * @throws IllegalArgumentException if {@code size < 0}
     */
    public OptimizerState newState(int size) {
        return new OptimizerState(algorithm(), size, initialReferenceLoss());
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[learningRate=" + learningRate + ", beta1=" + beta1
                + ", beta2=" + beta2 + ", eps=" + eps + ", weightDecay=" + weightDecay
                + ", weightDecayMode=" + weightDecayMode + extraToString() + "]";
    }

    abstract Algorithm algorithm();

    /** Checks the per-step inputs of this optimizer (AdamL's loss, AdaL's given norm). */
    void checkStepInputs(double loss, double gradNorm) {
    }

    /** Fills the optimizer's own per-step scalars for step {@code t}; may record state (AdamL). */
    abstract void prepare(StepScalars scalars, OptimizerState state, long t, double loss);

    /** Runs the optimizer's kernel over the validated slices. */
    abstract void launch(StepKernels kernels, StepScalars scalars, OptimizerState state,
                         float[] params, int paramsOffset, float[] grads, int gradsOffset, int length,
                         double gradNorm);

    double initialReferenceLoss() {
        return Double.NaN;
    }

    String extraToString() {
        return "";
    }

    /** The whole-array form: both arrays must have exactly the state's size. */
    final void stepWhole(StepKernels kernels, OptimizerState state, double loss, double gradNorm,
                         float[] params, float[] grads) {
        Checks.notNull(state, "state");
        Checks.notNull(params, "params");
        Checks.notNull(grads, "grads");
        if (params.length != state.size()) {
            throw Checks.invalid("params.length", params.length, "must equal the state's size " + state.size());
        }
        if (grads.length != state.size()) {
            throw Checks.invalid("grads.length", grads.length, "must equal the state's size " + state.size());
        }
        step(kernels, state, loss, gradNorm, params, 0, grads, 0, state.size(), 1.0);
    }

    /** Sets the gradient scale and this optimizer's weight decay in {@code scalars}. */
    final void prepareGradient(StepScalars scalars, double gradScale) {
        boolean coupled = weightDecayMode == WeightDecayMode.COUPLED;
        scalars.gradient(gradScale, coupled ? weightDecay : 0, coupled ? 0 : weightDecay, learningRate);
    }

    /** The one step every public overload ends in: validate everything, then write. */
    final void step(StepKernels kernels, OptimizerState state, double loss, double gradNorm,
                    float[] params, int paramsOffset, float[] grads, int gradsOffset, int length,
                    double gradScale) {
        Checks.notNull(state, "state");
        Checks.notNull(params, "params");
        Checks.notNull(grads, "grads");
        if (state.algorithm != algorithm()) {
            throw Checks.invalid("state", state, "was created by " + state.algorithm
                    + " and cannot be stepped by " + getClass().getSimpleName());
        }
        if (length != state.size()) {
            throw Checks.invalid("length", length, "must equal the state's size " + state.size());
        }
        Checks.index(paramsOffset, "paramsOffset", length, params, "params");
        Checks.index(gradsOffset, "gradsOffset", length, grads, "grads");
        if (params == grads && length > 0
                && paramsOffset < gradsOffset + length && gradsOffset < paramsOffset + length) {
            throw Checks.invalid("grads", "params[" + gradsOffset + ".." + (gradsOffset + length) + ")",
                    "overlaps the parameters params[" + paramsOffset + ".." + (paramsOffset + length) + ")");
        }
        Checks.finite(gradScale, "gradScale");
        checkStepInputs(loss, gradNorm);

        long t = state.step + 1;
        StepScalars scalars = state.scalars;
        prepareGradient(scalars, gradScale);
        prepare(scalars, state, t, loss);
        launch(kernels, scalars, state, params, paramsOffset, grads, gradsOffset, length, gradNorm);
        state.step = t;
    }

    /**
     * The hyperparameters every optimizer shares. Setters only record; {@code build()} validates.
     *
     * @param <B> the concrete builder
     */
    public abstract static sealed class Builder<B extends Builder<B>>
            permits Adam.Builder, AdamW.Builder, EAdam.Builder, AdaBelief.Builder, AdamL.Builder, AdaL.Builder {

        double learningRate;
        double beta1;
        double beta2;
        double eps;
        double weightDecay;
        WeightDecayMode weightDecayMode;

        Builder(double eps, double weightDecay, WeightDecayMode weightDecayMode) {
            this.learningRate = 1e-3;
            this.beta1 = 0.9;
            this.beta2 = 0.999;
            this.eps = eps;
            this.weightDecay = weightDecay;
            this.weightDecayMode = weightDecayMode;
        }

        /**
         * The learning rate {@code α}: finite, {@code > 0}. Default {@code 1e-3}.
         *
         * @param learningRate the value
         * @return this builder
         */
        public final B learningRate(double learningRate) {
            this.learningRate = learningRate;
            return self();
        }

        /**
         * The first-moment decay {@code β1}: in {@code [0, 1)}. Default {@code 0.9}.
         *
         * @param beta1 the value
         * @return this builder
         */
        public final B beta1(double beta1) {
            this.beta1 = beta1;
            return self();
        }

        /**
         * The second-moment decay {@code β2}: in {@code [0, 1)}. Default {@code 0.999}.
         *
         * @param beta2 the value
         * @return this builder
         */
        public final B beta2(double beta2) {
            this.beta2 = beta2;
            return self();
        }

        /**
         * The stability constant {@code ε}: finite, {@code > 0}.
         *
         * @param eps the value
         * @return this builder
         */
        public final B eps(double eps) {
            this.eps = eps;
            return self();
        }

        /**
         * The weight decay {@code λ}: finite, {@code ≥ 0}; 0 turns it off.
         *
         * @param weightDecay the value
         * @return this builder
         */
        public final B weightDecay(double weightDecay) {
            this.weightDecay = weightDecay;
            return self();
        }

        /**
         * How weight decay is applied.
         *
         * @param weightDecayMode {@link WeightDecayMode#COUPLED} or {@link WeightDecayMode#DECOUPLED}
         * @return this builder
         */
        public final B weightDecayMode(WeightDecayMode weightDecayMode) {
            this.weightDecayMode = weightDecayMode;
            return self();
        }

        @SuppressWarnings("unchecked")
        private B self() {
            return (B) this;
        }

        /**
         * Validates the hyperparameters and builds the optimizer.
         *
         * @return the optimizer
         * @throws IllegalArgumentException naming the first invalid hyperparameter and its value
         * @throws NullPointerException if the weight decay mode is null
         */
        public abstract Optimizer build();

        /** Validates the shared hyperparameters; the subclasses' {@code build()} calls it first. */
        void validate() {
            Checks.positive(learningRate, "learningRate");
            Checks.unitInterval(beta1, "beta1");
            Checks.unitInterval(beta2, "beta2");
            Checks.positive(eps, "eps");
            Checks.nonNegative(weightDecay, "weightDecay");
            Checks.notNull(weightDecayMode, "weightDecayMode");
        }
    }
}
