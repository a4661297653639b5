package io.github.fusedopt;

import io.github.fusedopt.kernel.StepKernels.Family;
import io.github.fusedopt.kernel.StepScalars;

import java.lang.foreign.Arena;
import java.util.Map;
import java.util.Optional;

/**
 * An update rule with its hyperparameters, and the one step entry every optimizer shares.
 *
 * <p>An optimizer is immutable and thread-safe: build it once, make a state per tensor or group
 * ({@code newState}), and call {@code step} once per iteration with a {@link Step} holding
 * what changes from step to step (the loss, a learning rate, a gradient scale, the threads). Every
 * optimizer takes every {@code Step}: AdamL uses its loss and refuses a step without one, AdaL
 * uses a given norm, the others ignore both. A step validates every argument before it writes
 * anything: a rejected call throws {@link IllegalArgumentException} (or
 * {@link NullPointerException} for a null) naming the argument and its value, and leaves every
 * array and the state exactly as they were. A step returns {@link StepOutcome#APPLIED}, or, with
 * the {@link NonFinitePolicy#SKIP} policy and a gradient out of range, {@link StepOutcome#SKIPPED}
 * having written nothing.
 *
 * <p>Every step runs in this order: {@code t ← t + 1}; this step's learning rate {@code α_t} and
 * weight decay {@code d_t} (the {@code Step}'s, else the schedule's at {@code t}, else the
 * constants; times a tensor's multiplier, or its own decay); the gradient scale {@code g ← k·g};
 * coupled decay {@code g ← g + d_t·p}; the rule's moments and its update {@code u}; decoupled decay
 * {@code u ← u + α_t·d_t·p}; then {@code p ← p − u}. The arithmetic is {@code float}; per-step
 * scalars such as the bias corrections {@code bc1 = 1 − β1^t} and {@code bc2 = 1 − β2^t} are
 * computed in {@code double} and rounded once.
 *
 * <p><b>Update output.</b> The {@code update} forms, and tensors of a group given
 * {@link TensorGroupBuilder#updateInto}, leave {@code p} alone and write {@code u} instead. The
 * in-place step's last operation is the float subtraction {@code p − u} of that same {@code u}, so
 * a caller that computes {@code p − u} in float gets the in-place step's parameters bit for bit.
 */
public abstract sealed class Optimizer implements Stepper permits GradientOptimizer, AdamL {

    private final double learningRate;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final WeightDecayMode weightDecayMode;
    private final NonFinitePolicy nonFinitePolicy;
    private final Schedule learningRateSchedule;
    private final Schedule weightDecaySchedule;
    private final StateFormat stateFormat;
    private final long roundingSeed;

    Optimizer(OptimizerBuilder<?> builder) {
        this.learningRate = builder.learningRate;
        this.beta1 = builder.beta1;
        this.beta2 = builder.beta2;
        this.eps = builder.eps;
        this.weightDecay = builder.weightDecay;
        this.weightDecayMode = builder.weightDecayMode;
        this.nonFinitePolicy = builder.nonFinitePolicy;
        this.learningRateSchedule = builder.learningRateSchedule;
        this.weightDecaySchedule = builder.weightDecaySchedule;
        this.stateFormat = builder.stateFormat;
        this.roundingSeed = builder.roundingSeed;
    }

    /** {@return the learning rate {@code α}: every step's, unless a schedule or the step gives another} */
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

    /** {@return how weight decay is applied} */
    public WeightDecayMode weightDecayMode() {
        return weightDecayMode;
    }

    /** {@return what a step does with a gradient out of range (see {@link NonFinitePolicy})} */
    public NonFinitePolicy nonFinitePolicy() {
        return nonFinitePolicy;
    }

    /** {@return the learning-rate schedule, if the builder was given one} */
    public Optional<Schedule> learningRateSchedule() {
        return Optional.ofNullable(learningRateSchedule);
    }

    /** {@return the weight-decay schedule, if the builder was given one} */
    public Optional<Schedule> weightDecaySchedule() {
        return Optional.ofNullable(weightDecaySchedule);
    }

    /** {@return how the states that {@code newState} makes store their slots} */
    public StateFormat stateFormat() {
        return stateFormat;
    }

    /** {@return the stochastic-rounding seed that new bf16 states start with} */
    public long roundingSeed() {
        return roundingSeed;
    }

    /** {@return which optimizer this is} */
    public abstract OptimizerKind kind();

    /** {@return the slots per parameter: 2 ({@code m}, {@code v}), 3 with AMSGrad; see {@link #stateFloats}} */
    public final int stateSlots() {
        return family().slots();
    }

    /**
     * The floats of caller-owned storage ({@link StateStorage#of(float[], int)},
     * {@link StateStorage#of(java.lang.foreign.MemorySegment)}) that a state of {@code elements}
     * elements needs: {@link #stateSlots()}{@code ·elements}, or half that rounded up when the
     * slots are bf16 (two values to a float).
     *
     * @param elements the tensor's or the group's element count, {@code ≥ 0}
     * @return the floats
     * @throws IllegalArgumentException if {@code elements} is negative
     */
    public final long stateFloats(long elements) {
        if (elements < 0) {
            throw Checks.invalid("elements", elements, "must be >= 0");
        }
        return stateFormat.floats(stateSlots() * elements);
    }

    /**
     * The hyperparameters by name, as text that {@link OptimizerBuilder#set} reads back bit for bit:
     * {@code optimizer} (the {@linkplain OptimizerKind#displayName() display name}) first, then the
     * shared ones, then this optimizer's own. Schedules are code and are not included.
     *
     * @return an unmodifiable map in that order
     */
    public final Map<String, String> hyperparameters() {
        return HyperparameterText.map(this);
    }

    /**
     * The optimizer that {@code values} describe, as {@link #hyperparameters()} gives them.
     *
     * @param values names and values; {@code optimizer} is required, the rest default
     * @return the optimizer
     * @throws NullPointerException if {@code values} or a value is null
     * @throws IllegalArgumentException if the optimizer or a name is unknown, or a value is invalid
     */
    public static Optimizer of(Map<String, String> values) {
        Checks.notNull(values, "values");
        String name = Checks.notNull(values.get("optimizer"), "optimizer");
        return OptimizerKind.of(name).builder().setAll(values).build();
    }

    /**
     * A fresh state for a tensor of {@code size} elements: zeroed slots on the heap, step counter 0.
     *
     * @param size number of elements, {@code ≥ 0} and at most {@code Integer.MAX_VALUE − 8}, the
     *        longest array the JVM allocates (off the heap, any {@code int} size works)
     * @return the new state
     * @throws IllegalArgumentException if {@code size} is negative or too long for a heap array
     */
    public final OptimizerState newState(int size) {
        return newState(size, StateStorage.heap());
    }

    /**
     * A fresh state for a tensor of {@code size} elements with its slots off the heap, as
     * {@link StateStorage#allocate(Arena)}. A step over a closed arena's state is rejected.
     *
     * @param size number of elements, {@code ≥ 0}
     * @param arena where the slots are allocated
     * @return the new state
     * @throws NullPointerException if {@code arena} is null
     * @throws IllegalArgumentException if {@code size < 0}, or if {@code arena} is a custom arena that
     *         returns memory of another size, misaligned for floats, read-only, or overlapping
     * @throws IllegalStateException if the arena is closed or confined to another thread
     */
    public final OptimizerState newState(int size, Arena arena) {
        return newState(size, StateStorage.allocate(arena));
    }

    /**
     * A state for a tensor of {@code size} elements with its slots in {@code storage}: fresh
     * zeroed memory, or the caller's own (which then holds the moments, and is not cleared).
     *
     * @param size number of elements, {@code ≥ 0}
     * @param storage where the slots live
     * @return the new state, with step counter 0
     * @throws NullPointerException if {@code storage} is null
     * @throws IllegalArgumentException if {@code size < 0}, or the caller's storage is not as long
     *         as {@link #stateSlots()}{@code ·size} floats (bf16 slots: half as many, rounded up), or as
     *         {@link #newState(int, Arena)}
     * @throws IllegalStateException if the arena or segment is closed or confined to another thread
     */
    public final OptimizerState newState(int size, StateStorage storage) {
        if (size < 0) {
            throw Checks.invalid("size", size, "must be >= 0");
        }
        Checks.notNull(storage, "storage");
        Moments moments = StateLayout.single(storage, size, stateSlots(), stateFormat);
        return new OptimizerState(this, new Moments[] {moments}, storage.callerOwned());
    }

    /**
     * A fresh state for a group: zeroed slots on the heap for each tensor, one step counter.
     *
     * @param group the tensors this state will step
     * @return the new state
     * @throws NullPointerException if {@code group} is null
     * @throws IllegalArgumentException if a tensor is too long for a heap array
     */
    public final OptimizerState newState(TensorGroup group) {
        return newState(group, StateStorage.heap());
    }

    /**
     * A fresh state for a group with its slots off the heap, as {@link #newState(int, Arena)}.
     *
     * @param group the tensors this state will step
     * @param arena where the slots are allocated
     * @return the new state
     * @throws NullPointerException if an argument is null
     * @throws IllegalStateException if the arena is closed or confined to another thread
     */
    public final OptimizerState newState(TensorGroup group, Arena arena) {
        return newState(group, StateStorage.allocate(arena));
    }

    /**
     * A state for a group with its slots in {@code storage}, laid out as {@link StateStorage}
     * describes for caller-owned memory.
     *
     * @param group the tensors this state will step
     * @param storage where the slots live
     * @return the new state, with step counter 0
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the caller's storage does not hold the group's slots
     * @throws IllegalStateException if the arena or segment is closed or confined to another thread
     */
    public final OptimizerState newState(TensorGroup group, StateStorage storage) {
        Checks.notNull(group, "group");
        Checks.notNull(storage, "storage");
        return new OptimizerState(this, StateLayout.group(storage, group, stateSlots(), stateFormat), storage.callerOwned());
    }

    @Override
    public String toString() {
        return HyperparameterText.describe(this);
    }

    /**
     * A builder holding this optimizer's hyperparameters and schedules, to build a variant (another
     * learning rate, say) or a copy.
     *
     * @return a new builder of this optimizer's class
     */
    public abstract OptimizerBuilder<?> toBuilder();

    /** The reused {@link Step} of the typed conveniences of {@code state}. */
    static Step conveniences(OptimizerState state) {
        return Checks.notNull(state, "state").run.conveniences();
    }

    /** The kernel family: the kind's, or AMSGrad's for Adam and AdamW with that option. */
    Family family() {
        return kind().family();
    }

    /** Puts this optimizer's own hyperparameters after the shared ones. */
    void putOwn(Map<String, String> values) {
    }

    /** Checks the per-step inputs this optimizer uses (AdamL's loss, AdaL's given norm). */
    void checkStepInputs(Step step) {
    }

    /**
     * Fills the optimizer's own per-step scalars for step {@code t}; writes nothing else.
     *
     * @param learningRate {@code α_t} of the tensors these scalars are for
     * @param referenceLoss the reference loss this step uses (AdamL), as {@link #referenceLossFor} gave it
     */
    abstract void prepare(StepScalars scalars, double learningRate, double referenceLoss, long t, double loss);

    /** AdaL: one {@code ‖g‖₁} over a whole group rather than one per tensor. */
    boolean normOverGroup() {
        return false;
    }

    double initialReferenceLoss() {
        return Double.NaN;
    }

    /** Whether this optimizer skips steps whose gradient is out of range. */
    final boolean skipsNonFinite() {
        return nonFinitePolicy == NonFinitePolicy.SKIP;
    }

    /** The reference loss a step records: the state's for every optimizer but AdamL. */
    double referenceLossFor(double stateReferenceLoss, double loss) {
        return stateReferenceLoss;
    }

    /** {@code α_t} without a step's own: the schedule's, else the constant. */
    final double learningRateAt(long t) {
        return learningRateSchedule == null ? learningRate : learningRateSchedule.valueAt(t);
    }

    /** {@code d_t} without a step's own: the schedule's, else the constant. */
    final double weightDecayAt(long t) {
        return weightDecaySchedule == null ? weightDecay : weightDecaySchedule.valueAt(t);
    }

    /** Sets the gradient scale and the weight decay of one setting in {@code scalars}. */
    final void prepareGradient(StepScalars scalars, double gradScale, double learningRate, double weightDecay) {
        boolean coupled = weightDecayMode == WeightDecayMode.COUPLED;
        scalars.gradient(gradScale, coupled ? weightDecay : 0, coupled ? 0 : weightDecay, learningRate);
    }
}
