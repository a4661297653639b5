package io.github.fusedopt;

import io.github.fusedopt.kernel.KernelProvider;
import io.github.fusedopt.kernel.StepScalars;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;

import static io.github.fusedopt.HyperparameterValues.bool;
import static io.github.fusedopt.HyperparameterValues.constant;

/**
 * AdaL (Zhang et al., arXiv 2107.01525): the gradient is scaled by its own l1 norm before the
 * moments, so large gradients (early training) are amplified and small ones (late) shrink until
 * {@code ε} dominates and steps become small and uniform:
 *
 * <pre>
 * k_t = ‖g‖₁ = Σ|g_i|             (g after scaling and coupled decay)
 * ĝ = k_t · g
 * m ← β1·m + (1−β1)·ĝ
 * v ← β2·v + (1−β2)·ĝ²
 * α_t = α / √t                    (annealing; can be switched off)
 * p ← p − α_t · (m/bc1) · (1/√(v/bc2) + ε)      (m/√v counts as 0 where v = 0)
 * </pre>
 *
 * <p>By default {@code ‖g‖₁} is taken over the slice of the call, in a fixed summation order
 * (the same bits on every path), which costs a second read of the gradient. A caller that already
 * has the norm, for example from a distributed all-reduce over all shards, passes it to
 * {@link #stepWithGradNorm(OptimizerState, double, float[], int, float[], int, int, double)}.
 * Decoupled decay multiplies by {@code 1 − α·λ} with the base rate {@code α}.
 *
 * <p>Defaults: {@code α = 1e-3, β1 = 0.9, β2 = 0.999, ε = 1e-8}, annealing on, no weight
 * decay, {@link WeightDecayMode#COUPLED} when it is set. The update is taken from a public
 * summary of the paper. See {@link Optimizer} for the order of a step and for what is rejected.
 */
public final class AdaL extends GradientOptimizer {

    private final boolean anneal;
    private final NormScope normScope;

    private AdaL(Builder builder) {
        super(builder);
        this.anneal = builder.anneal;
        this.normScope = builder.normScope;
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
        return new Builder().copyShared(this).anneal(anneal).normScope(normScope);
    }

    /** {@return whether the learning rate is annealed as {@code α/√t}} */
    public boolean anneal() {
        return anneal;
    }

    /** {@return what {@code ‖g‖₁} is taken over in a group step} */
    public NormScope normScope() {
        return normScope;
    }

    /**
     * {@code ‖g‖₁} of a group's gradient after scaling and this optimizer's coupled decay: the sum,
     * tensor by tensor in group order and in {@code double}, of each tensor's norm in the fixed
     * order a step uses. A sharded trainer sums these over its shards (its own all-reduce) and passes
     * the total to {@link #stepWithGradNorm(OptimizerState, double, TensorGroup, double, StepExecutor)}.
     *
     * @param group the tensors; nothing is written
     * @param gradScale {@code k}, as the step will use it: finite, also as a float
     * @return the norm
     * @throws NullPointerException if {@code group} is null
     * @throws IllegalArgumentException if {@code gradScale} is not finite
     * @throws IllegalStateException if a bound segment's arena is closed or confined to another thread
     */
    public double gradL1Norm(TensorGroup group, double gradScale) {
        Checks.notNull(group, "group");
        Checks.finite(gradScale, "gradScale");
        group.checkAccessible();
        StepScalars scalars = new StepScalars();
        double total = 0;
        for (int i = 0; i < group.tensorCount(); i++) {
            double own = group.settings().weightDecay[group.settings().settingOf[i]];
            prepareGradient(scalars, gradScale, learningRate(), Double.isNaN(own) ? weightDecay() : own);
            total += group.tensor(i).gradL1Norm(KernelProvider.kernels(), scalars);
        }
        return total;
    }

    /**
     * One step over whole arrays with a given {@code ‖g‖₁}.
     *
     * @param state the tensor's state; its size must equal both array lengths
     * @param gradL1Norm {@code ‖g‖₁} of the preprocessed gradient: finite, {@code ≥ 0}
     * @param params the parameters, updated in place
     * @param grads the gradients, read only
     * @return {@link StepOutcome#APPLIED}, or {@link StepOutcome#SKIPPED} when the skip policy found
     *         a non-finite gradient
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the norm is rejected, a length does not match, the arrays
     *         are the same, or the state belongs to another optimizer
     */
    public StepOutcome stepWithGradNorm(OptimizerState state, double gradL1Norm, float[] params, float[] grads) {
        checkGradNorm(gradL1Norm);
        return StepEntry.whole(this, KernelProvider.kernels(), state, params, grads,
                conveniences(state).gradL1Norm(gradL1Norm));
    }

    /**
     * One step over slices with gradient scale {@code k} and a given {@code ‖g‖₁}: the norm of
     * the gradient after scaling and coupled decay, typically summed over several shards.
     *
     * @param state the tensor's state; its size must equal {@code length}
     * @param gradL1Norm {@code ‖g‖₁} of the preprocessed gradient: finite, {@code ≥ 0}
     * @param params the parameter array, updated in place inside the slice
     * @param paramsOffset first parameter, {@code ≥ 0}
     * @param grads the gradient array, read only
     * @param gradsOffset first gradient, {@code ≥ 0}
     * @param length number of elements
     * @param gradScale {@code k}: finite, also as a float
     * @return {@link StepOutcome#APPLIED}, or {@link StepOutcome#SKIPPED} when the skip policy found
     *         a non-finite gradient
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the norm or {@code gradScale} is rejected, a slice is out
     *         of range, the slices overlap, {@code length} differs from the state's size, or the
     *         state belongs to another optimizer
     */
    public StepOutcome stepWithGradNorm(OptimizerState state, double gradL1Norm, float[] params, int paramsOffset,
                                 float[] grads, int gradsOffset, int length, double gradScale) {
        checkGradNorm(gradL1Norm);
        return StepEntry.arrays(this, KernelProvider.kernels(), state, params, paramsOffset, grads, gradsOffset,
                null, 0, length, conveniences(state).gradL1Norm(gradL1Norm).gradScale(gradScale));
    }

    /**
     * One step over two segments with gradient scale {@code k} and a given {@code ‖g‖₁}; see
     * {@link GradientOptimizer#step(OptimizerState, MemorySegment, MemorySegment)} for the rules on segments.
     *
     * @param state the tensor's state, on or off the heap
     * @param gradL1Norm {@code ‖g‖₁} of the preprocessed gradient: finite, {@code ≥ 0}
     * @param params the parameters, updated in place
     * @param grads the gradients, read only
     * @param gradScale {@code k}: finite, also as a float
     * @return {@link StepOutcome#APPLIED}, or {@link StepOutcome#SKIPPED} when the skip policy found
     *         a non-finite gradient
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the norm or {@code gradScale} is rejected, or a segment
     *         is rejected as in the gradient-only form
     * @throws IllegalStateException if a segment's arena is closed or confined to another thread
     */
    public StepOutcome stepWithGradNorm(OptimizerState state, double gradL1Norm, MemorySegment params, MemorySegment grads,
                                 double gradScale) {
        checkGradNorm(gradL1Norm);
        return StepEntry.segments(this, KernelProvider.kernels(), state, params, grads, null,
                conveniences(state).gradL1Norm(gradL1Norm).gradScale(gradScale));
    }

    /**
     * One step over a group in which every tensor uses the given {@code ‖g‖₁}, typically the
     * global norm of a sharded model (see {@link #gradL1Norm(TensorGroup, double)}).
     *
     * @param state the group's state
     * @param gradL1Norm {@code ‖g‖₁} of the preprocessed gradient: finite, {@code ≥ 0}
     * @param group the tensors, updated in place
     * @param gradScale {@code k}: finite, also as a float
     * @param executor the threads to use; {@link StepExecutor#serial()} for none
     * @return {@link StepOutcome#APPLIED}, or {@link StepOutcome#SKIPPED} when the skip policy found
     *         a non-finite gradient
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the norm or {@code gradScale} is rejected, the state's
     *         tensor count or lengths differ from the group's, or the state belongs to another optimizer
     * @throws IllegalStateException if the executor is closed, or a segment's arena is closed or
     *         confined to another thread
     */
    public StepOutcome stepWithGradNorm(OptimizerState state, double gradL1Norm, TensorGroup group, double gradScale,
                                 StepExecutor executor) {
        checkGradNorm(gradL1Norm);
        return StepEntry.group(this, KernelProvider.kernels(), state, group, conveniences(state)
                .gradL1Norm(gradL1Norm).gradScale(gradScale).executor(Checks.notNull(executor, "executor")));
    }

    private static void checkGradNorm(double gradL1Norm) {
        Checks.nonNegative(gradL1Norm, "gradL1Norm");
    }

    @Override
    public OptimizerKind kind() {
        return OptimizerKind.ADAL;
    }

    @Override
    void checkStepInputs(Step step) {
        if (!Double.isNaN(step.gradL1Norm())) {
            Checks.nonNegative(step.gradL1Norm(), "step.gradL1Norm");
        }
    }

    @Override
    void prepare(StepScalars scalars, double learningRate, double referenceLoss, long t, double loss) {
        scalars.adal(learningRate, beta1(), beta2(), eps(), t, anneal);
    }

    @Override
    void putOwn(Map<String, String> values) {
        values.put("anneal", Boolean.toString(anneal));
        values.put("normScope", normScope.name());
    }


    @Override
    boolean normOverGroup() {
        return normScope == NormScope.GROUP;
    }


    /** Builds an {@link AdaL}; see the class documentation for the defaults. */
    public static final class Builder extends OptimizerBuilder<Builder> {

        private boolean anneal = true;
        private NormScope normScope = NormScope.TENSOR;

        Builder() {
            super(1e-8, 0, WeightDecayMode.COUPLED);
        }

        /**
         * Whether to anneal the learning rate as {@code α/√t}. Default {@code true}.
         *
         * @param anneal the value
         * @return this builder
         */
        public Builder anneal(boolean anneal) {
            this.anneal = anneal;
            return this;
        }

        /**
         * What {@code ‖g‖₁} is taken over when stepping a group: each tensor's own gradient
         * ({@link NormScope#TENSOR}, the default) or the whole group's ({@link NormScope#GROUP}).
         *
         * @param normScope the scope
         * @return this builder
         */
        public Builder normScope(NormScope normScope) {
            this.normScope = normScope;
            return this;
        }

        @Override
        boolean setOwn(String name, String value) {
            switch (name) {
                case "anneal" -> anneal(bool(name, value));
                case "normScope" -> normScope(constant(NormScope.class, name, value));
                default -> {
                    return false;
                }
            }
            return true;
        }

        @Override
        List<String> ownNames() {
            return List.of("anneal", "normScope");
        }

        @Override
        OptimizerKind kind() {
            return OptimizerKind.ADAL;
        }

        @Override
        public AdaL build() {
            validate();
            Checks.notNull(normScope, "normScope");
            return new AdaL(this);
        }
    }
}
