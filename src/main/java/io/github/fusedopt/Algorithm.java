package io.github.fusedopt;

import io.github.fusedopt.kernel.StepKernels.Family;

/**
 * The update rule a state's moments belong to, and the kernel family that runs it; AdamW is Adam
 * with decoupled decay.
 */
enum Algorithm {
    ADAM("Adam/AdamW", Family.ADAM),
    EADAM("EAdam", Family.EADAM),
    ADABELIEF("AdaBelief", Family.ADA_BELIEF),
    ADAML("AdamL", Family.EADAM),
    ADAL("AdaL", Family.ADAL);

    private final String displayName;
    final Family family;

    Algorithm(String displayName, Family family) {
        this.displayName = displayName;
        this.family = family;
    }

    @Override
    public String toString() {
        return displayName;
    }
}
