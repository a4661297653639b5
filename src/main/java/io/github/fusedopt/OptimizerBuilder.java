package io.github.fusedopt;

import io.github.fusedopt.kernel.StepScalars;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.github.fusedopt.HyperparameterValues.constant;
import static io.github.fusedopt.HyperparameterValues.integer;
import static io.github.fusedopt.HyperparameterValues.number;

/**
 * The hyperparameters every optimizer shares, and their builder. Setters only record;
 * {@code build()} validates. Each optimizer's {@code Builder} adds its own.
 *
 * @param <B> the concrete builder
 */
public abstract sealed class OptimizerBuilder<B extends OptimizerBuilder<B>>
        permits Adam.Builder, AdamW.Builder, EAdam.Builder, AdaBelief.Builder, AdamL.Builder, AdaL.Builder {

    double learningRate = 1e-3;
    double beta1 = 0.9;
    double beta2 = 0.999;
    double eps;
    double weightDecay;
    WeightDecayMode weightDecayMode;
    NonFinitePolicy nonFinitePolicy = NonFinitePolicy.PROPAGATE;
    Schedule learningRateSchedule;
    Schedule weightDecaySchedule;
    StateFormat stateFormat = StateFormat.F32;
    long roundingSeed;

    OptimizerBuilder(double eps, double weightDecay, WeightDecayMode weightDecayMode) {
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
     * A learning rate for each step, {@code α_t = schedule.valueAt(t)}, in place of the constant
     * {@link #learningRate(double)} (which checkpoints still record). A step's own
     * {@link Step#learningRate(double)} wins over both. Null for none.
     *
     * @param schedule the schedule, or null
     * @return this builder
     */
    public final B learningRateSchedule(Schedule schedule) {
        this.learningRateSchedule = schedule;
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
     * A weight decay for each step, {@code d_t = schedule.valueAt(t)}, in place of the constant
     * {@link #weightDecay(double)}. A step's own {@link Step#weightDecay(double)}, and a tensor's own
     * decay in its group, win over it. Null for none.
     *
     * @param schedule the schedule, or null
     * @return this builder
     */
    public final B weightDecaySchedule(Schedule schedule) {
        this.weightDecaySchedule = schedule;
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

    /**
     * How new states store their slots. Default {@link StateFormat#F32}; {@link StateFormat#BF16}
     * halves the state's memory and rounds stochastically.
     *
     * @param stateFormat the format of the slots of every state {@code newState} makes
     * @return this builder
     */
    public final B stateFormat(StateFormat stateFormat) {
        this.stateFormat = stateFormat;
        return self();
    }

    /**
     * The seed of a bf16 state's stochastic rounding (see {@link StateFormat#BF16}), which new
     * states keep and checkpoints save. Default 0. Runs with the same seed give the same bits.
     *
     * @param roundingSeed any value
     * @return this builder
     */
    public final B roundingSeed(long roundingSeed) {
        this.roundingSeed = roundingSeed;
        return self();
    }

    /**
     * Sets a hyperparameter by the name {@link Optimizer#hyperparameters()} gives it, from its text:
     * a number in Java's syntax, {@code true} or {@code false}, or a constant's name in any case.
     * This is how checkpoints and the replay command configure an optimizer, and how a framework
     * can keep one in its own configuration files.
     *
     * @param name a hyperparameter of this optimizer, such as {@code "learningRate"}
     * @param value its value as text
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if this optimizer has no such hyperparameter, or the text is
     *         not a value of its type (its range is checked by {@code build()})
     */
    public final B set(String name, String value) {
        Checks.notNull(name, "name");
        Checks.notNull(value, "value");
        switch (name) {
            case "learningRate" -> learningRate(number(name, value));
            case "beta1" -> beta1(number(name, value));
            case "beta2" -> beta2(number(name, value));
            case "eps" -> eps(number(name, value));
            case "weightDecay" -> weightDecay(number(name, value));
            case "weightDecayMode" -> weightDecayMode(constant(WeightDecayMode.class, name, value));
            case "nonFinitePolicy" -> nonFinitePolicy(constant(NonFinitePolicy.class, name, value));
            case "stateFormat" -> stateFormat(constant(StateFormat.class, name, value));
            case "roundingSeed" -> roundingSeed(integer(name, value));
            default -> {
                if (!setOwn(name, value)) {
                    throw Checks.invalid("name", name, "is not a hyperparameter of " + kind().displayName()
                            + "; it has " + String.join(", ", names()));
                }
            }
        }
        return self();
    }

    /**
     * Sets every entry of {@code values} with {@link #set}, except {@code optimizer}, which must name
     * this builder's optimizer if present.
     *
     * @param values names and values, such as {@link Optimizer#hyperparameters()} gives them
     * @return this builder
     * @throws NullPointerException if {@code values} or an entry is null
     * @throws IllegalArgumentException as {@link #set}, or if {@code optimizer} names another one
     */
    public final B setAll(Map<String, String> values) {
        Checks.notNull(values, "values");
        values.forEach((name, value) -> {
            if (!"optimizer".equals(name)) {
                set(name, value);
            } else if (OptimizerKind.of(Checks.notNull(value, "optimizer")) != kind()) {
                throw Checks.invalid("optimizer", value, "is not " + kind().displayName());
            }
        });
        return self();
    }

    /**
     * The names {@link #set} takes, shared ones first.
     *
     * @return the names, in the order {@link Optimizer#hyperparameters()} lists them
     */
    public final List<String> names() {
        List<String> names = new ArrayList<>(List.of("learningRate", "beta1", "beta2", "eps", "weightDecay",
                "weightDecayMode", "nonFinitePolicy"));
        names.addAll(ownNames());
        names.addAll(List.of("stateFormat", "roundingSeed"));
        return List.copyOf(names);
    }

    /** Sets an optimizer's own hyperparameter; false if it has no such one. */
    boolean setOwn(String name, String value) {
        return false;
    }

    /** The names {@link #setOwn} takes. */
    List<String> ownNames() {
        return List.of();
    }

    abstract OptimizerKind kind();

    /** Sets every shared hyperparameter to {@code optimizer}'s, schedules included. */
    final B copyShared(Optimizer optimizer) {
        B b = learningRate(optimizer.learningRate()).beta1(optimizer.beta1()).beta2(optimizer.beta2())
                .eps(optimizer.eps()).weightDecay(optimizer.weightDecay()).weightDecayMode(optimizer.weightDecayMode())
                .nonFinitePolicy(optimizer.nonFinitePolicy()).stateFormat(optimizer.stateFormat())
                .roundingSeed(optimizer.roundingSeed());
        learningRateSchedule = optimizer.learningRateSchedule().orElse(null);
        weightDecaySchedule = optimizer.weightDecaySchedule().orElse(null);
        return b;
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
     * each value's own range, the per-step scalars they make must be floats (see
     * {@link StepValues#check}).
     */
    void validate() {
        Checks.unitInterval(beta1, "beta1");
        Checks.unitInterval(beta2, "beta2");
        Checks.positive(eps, "eps");
        Checks.notNull(weightDecayMode, "weightDecayMode");
        Checks.notNull(nonFinitePolicy, "nonFinitePolicy");
        Checks.notNull(stateFormat, "stateFormat");
        StepValues.check(learningRate, "learningRate", weightDecay, "weightDecay", beta1,
                weightDecayMode == WeightDecayMode.DECOUPLED);
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
