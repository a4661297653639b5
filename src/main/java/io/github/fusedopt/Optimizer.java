package io.github.fusedopt;

import io.github.fusedopt.kernel.StepKernels;
import io.github.fusedopt.kernel.StepScalars;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The hyperparameters every optimizer shares, and the shape of a step.
 *
 * <p>An optimizer is immutable and thread-safe: build it once, then call {@link #newState(int)}
 * for each parameter tensor and {@code step} once per iteration. A step validates every argument
 * before it writes anything: a rejected call throws {@link IllegalArgumentException} (or
 * {@link NullPointerException} for a null) naming the argument and its value, and leaves every
 * array and the state exactly as they were. A step returns {@link StepOutcome#APPLIED}, or, with
 * the {@link NonFinitePolicy#SKIP} policy and NaN or ±∞ in the scaled gradient,
 * {@link StepOutcome#SKIPPED} having written nothing.
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
    private final NonFinitePolicy nonFinitePolicy;
    private final boolean skipsNonFinite;

    Optimizer(Builder<?> builder) {
        this.learningRate = builder.learningRate;
        this.beta1 = builder.beta1;
        this.beta2 = builder.beta2;
        this.eps = builder.eps;
        this.weightDecay = builder.weightDecay;
        this.weightDecayMode = builder.weightDecayMode;
        this.nonFinitePolicy = builder.nonFinitePolicy;
        this.skipsNonFinite = nonFinitePolicy == NonFinitePolicy.SKIP;
    }

    /** {@return the learning rate {@code α}} */
    public double learningRate() {
        return learningRate;
    }

    /** {@return the decay rate {@code β1} of the first moment} */
    public double beta1() {
        return beta1;
    }

    /** {@return the decay rate {@code β2} of the second moment} */
    public double beta2() {
        return beta2;
    }

    /** {@return the stability constant {@code ε}} */
    public double eps() {
        return eps;
    }

    /** {@return the weight decay {@code λ}; 0 means none} */
    public double weightDecay() {
        return weightDecay;
    }

    /** {@return how {@link #weightDecay()} is applied} */
    public WeightDecayMode weightDecayMode() {
        return weightDecayMode;
    }

    /** {@return what a step does with a gradient out of range (see {@link NonFinitePolicy})} */
    public NonFinitePolicy nonFinitePolicy() {
        return nonFinitePolicy;
    }

    /**
     * A fresh state for a tensor of {@code size} elements: zero moments on the heap, step counter 0.
     *
     * @param size number of elements, {@code ≥ 0} and at most {@code Integer.MAX_VALUE − 8}, the
     *        longest array the JVM allocates (off the heap, any {@code int} size works)
     * @return the new state
     * @throws IllegalArgumentException if {@code size} is negative or too long for a heap array
     */
    public OptimizerState newState(int size) {
        checkSize(size);
        Moments.checkHeapSize(size, "size");
        return new OptimizerState(algorithm(), new Moments[] {Moments.onHeap(size)}, false, initialReferenceLoss());
    }

    /**
     * A fresh state for a tensor of {@code size} elements with its moments off the heap: two
     * zeroed, 64-byte aligned segments allocated from {@code arena}, valid as long as the arena is
     * open. A step over a closed arena's state is rejected.
     *
     * @param size number of elements, {@code ≥ 0}
     * @param arena where the moments are allocated
     * @return the new state
     * @throws NullPointerException if {@code arena} is null
     * @throws IllegalArgumentException if {@code size < 0}, or if {@code arena} is a custom arena that
     *         returns memory of another size, misaligned for floats, read-only, or overlapping
     * @throws IllegalStateException if the arena is closed or confined to another thread
     */
    public OptimizerState newState(int size, Arena arena) {
        checkSize(size);
        Checks.notNull(arena, "arena");
        return new OptimizerState(algorithm(), new Moments[] {Moments.offHeap(size, arena)}, true,
                initialReferenceLoss());
    }

    /**
     * A fresh state for a group: zero moments on the heap for each tensor, one step counter.
     *
     * @param group the tensors this state will step
     * @return the new state
     * @throws NullPointerException if {@code group} is null
     * @throws IllegalArgumentException if a tensor is too long for a heap array (see {@link #newState(int)})
     */
    public OptimizerState newState(TensorGroup group) {
        Checks.notNull(group, "group");
        return new OptimizerState(algorithm(), Moments.onHeap(group), false, initialReferenceLoss());
    }

    /**
     * A fresh state for a group with its moments off the heap, allocated from {@code arena} as in
     * {@link #newState(int, Arena)}.
     *
     * @param group the tensors this state will step
     * @param arena where the moments are allocated
     * @return the new state
     * @throws NullPointerException if an argument is null
     * @throws IllegalStateException if the arena is closed or confined to another thread
     */
    public OptimizerState newState(TensorGroup group, Arena arena) {
        Checks.notNull(group, "group");
        Checks.notNull(arena, "arena");
        return new OptimizerState(algorithm(), Moments.offHeap(group, arena), true, initialReferenceLoss());
    }

    private static void checkSize(int size) {
        if (size < 0) {
            throw Checks.invalid("size", size, "must be >= 0");
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[learningRate=" + learningRate + ", beta1=" + beta1
                + ", beta2=" + beta2 + ", eps=" + eps + ", weightDecay=" + weightDecay
                + ", weightDecayMode=" + weightDecayMode + ", nonFinitePolicy=" + nonFinitePolicy
                + extraToString() + "]";
    }

    /**
     * A builder holding this optimizer's hyperparameters, to build a variant (another learning rate,
     * say) or a copy.
     *
     * @return a new builder of this optimizer's class
     */
    public abstract Builder<?> toBuilder();

    abstract Algorithm algorithm();

    /** Checks the per-step inputs of this optimizer (AdamL's loss, AdaL's given norm). */
    void checkStepInputs(double loss, double gradNorm) {
    }

    /**
     * Fills the optimizer's own per-step scalars for step {@code t}; writes nothing else.
     *
     * @param referenceLoss the reference loss this step uses (AdamL), as {@link #referenceLossFor} gave it
     */
    abstract void prepare(StepScalars scalars, double referenceLoss, long t, double loss);

    /** AdaL: one {@code ‖g‖₁} over a whole group rather than one per tensor. */
    boolean normOverGroup() {
        return false;
    }

    double initialReferenceLoss() {
        return Double.NaN;
    }

    String extraToString() {
        return "";
    }

    /** Whether this optimizer skips steps whose gradient is out of range. */
    final boolean skipsNonFinite() {
        return skipsNonFinite;
    }

    /** The reference loss a step records: the state's for every optimizer but AdamL. */
    double referenceLossFor(double stateReferenceLoss, double loss) {
        return stateReferenceLoss;
    }

    /** The whole-array form: both arrays must have exactly the state's size. */
    final StepOutcome stepWhole(StepKernels kernels, OptimizerState state, double loss, double gradNorm,
                                float[] params, float[] grads) {
        checkState(state);
        Checks.notNull(params, "params");
        Checks.notNull(grads, "grads");
        int size = state.size(0);
        if (params.length != size) {
            throw Checks.invalid("params.length", params.length, "must equal the state's size " + size);
        }
        if (grads.length != size) {
            throw Checks.invalid("grads.length", grads.length, "must equal the state's size " + size);
        }
        return step(kernels, state, loss, gradNorm, params, 0, grads, 0, size, 1.0);
    }

    /** Sets the gradient scale and this optimizer's weight decay in {@code scalars}. */
    final void prepareGradient(StepScalars scalars, double gradScale) {
        boolean coupled = weightDecayMode == WeightDecayMode.COUPLED;
        scalars.gradient(gradScale, coupled ? weightDecay : 0, coupled ? 0 : weightDecay, learningRate);
    }

    /** The array step every array overload ends in: validate everything, then step. */
    final StepOutcome step(StepKernels kernels, OptimizerState state, double loss, double gradNorm,
                           float[] params, int paramsOffset, float[] grads, int gradsOffset, int length,
                           double gradScale) {
        checkState(state);
        Checks.notNull(params, "params");
        Checks.notNull(grads, "grads");
        if (length != state.size(0)) {
            throw Checks.invalid("length", length, "must equal the state's size " + state.size(0));
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
        state.checkAccessible();
        return state.run.arrays(this, kernels, loss, gradNorm, gradScale, params, paramsOffset, grads, gradsOffset,
                length);
    }

    /** The segment step every single-tensor segment overload ends in. */
    final StepOutcome step(StepKernels kernels, OptimizerState state, double loss, double gradNorm,
                           MemorySegment params, MemorySegment grads, double gradScale) {
        checkState(state);
        int length = Checks.floats(params, "params", true);
        Checks.floats(grads, "grads", false);
        long bytes = (long) state.size(0) * Float.BYTES;
        if (params.byteSize() != bytes) {
            throw Checks.invalid("params.byteSize()", params.byteSize(),
                    "must equal 4 × the state's size " + state.size(0) + " = " + bytes);
        }
        if (grads.byteSize() != bytes) {
            throw Checks.invalid("grads.byteSize()", grads.byteSize(),
                    "must equal 4 × the state's size " + state.size(0) + " = " + bytes);
        }
        Checks.disjoint(params, "params", grads, "grads");
        state.checkDisjoint(params, "params");
        state.checkDisjoint(grads, "grads");
        Checks.finite(gradScale, "gradScale");
        checkStepInputs(loss, gradNorm);
        state.checkAccessible();
        return state.run.segments(this, kernels, loss, gradNorm, gradScale, params, grads, length);
    }

    /** The group step every group overload ends in. */
    final StepOutcome step(StepKernels kernels, OptimizerState state, double loss, double gradNorm,
                           TensorGroup group, double gradScale, StepExecutor executor) {
        Checks.notNull(state, "state");
        Checks.notNull(group, "group");
        Checks.notNull(executor, "executor");
        checkAlgorithm(state);
        state.checkMatches(group);
        Checks.finite(gradScale, "gradScale");
        checkStepInputs(loss, gradNorm);
        executor.checkOpen();
        group.checkAccessible();
        state.checkAccessible();
        state.checkDisjoint(group);
        return state.run.group(this, kernels, loss, gradNorm, gradScale, group, executor);
    }

    private void checkState(OptimizerState state) {
        Checks.notNull(state, "state");
        checkAlgorithm(state);
        if (state.tensorCount() != 1) {
            throw Checks.invalid("state", state, "holds " + state.tensorCount()
                    + " tensors; step it with the TensorGroup it was made for");
        }
    }

    private void checkAlgorithm(OptimizerState state) {
        if (state.algorithm != algorithm()) {
            throw Checks.invalid("state", state, "was created by " + state.algorithm
                    + " and cannot be stepped by " + getClass().getSimpleName());
        }
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
        NonFinitePolicy nonFinitePolicy = NonFinitePolicy.PROPAGATE;

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

        /**
         * What a step does with NaN or ±∞ in the scaled gradient. Default
         * {@link NonFinitePolicy#PROPAGATE}.
         *
         * @param nonFinitePolicy {@link NonFinitePolicy#PROPAGATE} or {@link NonFinitePolicy#SKIP}
         * @return this builder
         */
        public final B nonFinitePolicy(NonFinitePolicy nonFinitePolicy) {
            this.nonFinitePolicy = nonFinitePolicy;
            return self();
        }

        /** Sets every shared hyperparameter to {@code optimizer}'s. */
        final B copyShared(Optimizer optimizer) {
            return learningRate(optimizer.learningRate).beta1(optimizer.beta1).beta2(optimizer.beta2).eps(optimizer.eps)
                    .weightDecay(optimizer.weightDecay).weightDecayMode(optimizer.weightDecayMode)
                    .nonFinitePolicy(optimizer.nonFinitePolicy);
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
         * @throws NullPointerException if the weight decay mode or the non-finite policy is null
         */
        public abstract Optimizer build();

        /**
         * Validates the shared hyperparameters; the subclasses' {@code build()} calls it first. Beyond
         * each value's own range, the per-step scalars they make must be floats: the step size, at
         * most {@code α/(1 − β1)} (its value at {@code t = 1}), and decoupled decay's factor
         * {@code 1 − α·λ}.
         */
        void validate() {
            Checks.positive(learningRate, "learningRate");
            Checks.unitInterval(beta1, "beta1");
            Checks.unitInterval(beta2, "beta2");
            Checks.positive(eps, "eps");
            Checks.nonNegative(weightDecay, "weightDecay");
            Checks.notNull(weightDecayMode, "weightDecayMode");
            Checks.notNull(nonFinitePolicy, "nonFinitePolicy");
            double firstStep = learningRate / (1 - StepScalars.asApplied(beta1));
            if (!Float.isFinite((float) firstStep)) {
                throw Checks.invalid("learningRate", learningRate, "makes the first step's size α/(1 − β1) = "
                        + firstStep + " with beta1 = " + beta1 + ", beyond float range");
            }
            if (weightDecayMode == WeightDecayMode.DECOUPLED && !Float.isFinite((float) (1 - learningRate * weightDecay))) {
                throw Checks.invalid("weightDecay", weightDecay, "makes decoupled decay's factor 1 − α·λ = "
                        + (1 - learningRate * weightDecay) + " with learningRate = " + learningRate
                        + ", beyond float range");
            }
        }

        /**
         * For the rules that add {@code ε} into the second moment (EAdam, AdamL, AdaBelief): with no
         * gradient {@code v} settles at {@code ε/(1 − β2)}, which must stay below {@code 2^126} so
         * that {@code v} can never overflow.
         */
        void validateEpsFloor() {
            double floor = eps / (1 - StepScalars.asApplied(beta2));
            if (!(floor < 0x1p126)) {
                throw Checks.invalid("eps", eps, "accumulates in the second moment up to ε/(1 − β2) = " + floor
                        + " with beta2 = " + beta2 + "; it must stay below 2^126 so that v cannot overflow");
            }
        }
    }
}
