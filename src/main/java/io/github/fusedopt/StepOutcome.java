package io.github.fusedopt;

/** What a step did; every step method returns it. */
public enum StepOutcome {
    /** The step updated the parameters and the state, and counted one step. */
    APPLIED,
    /**
     * The optimizer's {@link NonFinitePolicy#SKIP} policy found NaN or ±∞ in the scaled gradient,
     * and the step wrote nothing.
     */
    SKIPPED
}
