package io.github.fusedopt;

import io.github.fusedopt.kernel.StepKernels.Family;

import java.util.Locale;
import java.util.function.Supplier;

/**
 * The optimizers of this library, one row each: the name a checkpoint stores, the short name the
 * replay command and the benchmarks use, the kernel family, and a builder. Checkpoints, replay,
 * benchmarks and tests read this table; adding an optimizer adds its facade class, a row here, its
 * per-step scalars and its kernel.
 */
public enum OptimizerKind {
    /** {@link Adam}. */
    ADAM("Adam", Family.ADAM, Adam::builder),
    /** {@link AdamW}: Adam with decoupled decay; it steps Adam's states. */
    ADAMW("AdamW", Family.ADAM, AdamW::builder),
    /** {@link EAdam}. */
    EADAM("EAdam", Family.EADAM, EAdam::builder),
    /** {@link AdaBelief}. */
    ADABELIEF("AdaBelief", Family.ADA_BELIEF, AdaBelief::builder),
    /** {@link AdamL}: EAdam's kernel with the loss folded into a per-step scalar. */
    ADAML("AdamL", Family.EADAM, AdamL::builder),
    /** {@link AdaL}. */
    ADAL("AdaL", Family.ADAL, AdaL::builder);

    private final String displayName;
    private final Family family;
    private final Supplier<OptimizerBuilder<?>> builder;

    OptimizerKind(String displayName, Family family, Supplier<OptimizerBuilder<?>> builder) {
        this.displayName = displayName;
        this.family = family;
        this.builder = builder;
    }

    /** {@return the class's simple name, as checkpoints store it: {@code "AdamL"}} */
    public String displayName() {
        return displayName;
    }

    /** {@return the short name that replay cases and benchmarks use: {@code "adaml"}} */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@return a builder of this optimizer, holding its defaults} */
    public OptimizerBuilder<?> builder() {
        return builder.get();
    }

    /** The kernel family of this optimizer with default options (AMSGrad changes Adam's). */
    Family family() {
        return family;
    }

    /** The kind whose states this one steps: AdamW steps Adam's. */
    OptimizerKind stateKind() {
        return this == ADAMW ? ADAM : this;
    }

    /**
     * The kind of a short name or a display name.
     *
     * @param name {@code "adam"}, {@code "AdamW"}, ...: a short name in any case, or a display name
     * @return the kind
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if no optimizer has that name
     */
    public static OptimizerKind of(String name) {
        Checks.notNull(name, "name");
        for (OptimizerKind kind : values()) {
            if (kind.id().equalsIgnoreCase(name) || kind.displayName.equals(name)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("name = " + name + ": no such optimizer; known: " + ids());
    }

    /** {@return every short name, in table order, comma-separated} */
    public static String ids() {
        StringBuilder s = new StringBuilder();
        for (OptimizerKind kind : values()) {
            s.append(s.isEmpty() ? "" : ", ").append(kind.id());
        }
        return s.toString();
    }
}
