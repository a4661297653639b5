package io.github.fusedopt.study;

import io.github.fusedopt.Optimizer;
import io.github.fusedopt.OptimizerKind;


/**
 * The six optimizers of the study, each with its defaults except the learning rate (AdamW keeps
 * its default decoupled decay λ = 0.01). AdamL's loss is the objective at the step's parameters.
 */
enum Contender {
    ADAM(OptimizerKind.ADAM), ADAMW(OptimizerKind.ADAMW), EADAM(OptimizerKind.EADAM),
    ADABELIEF(OptimizerKind.ADABELIEF), ADAML(OptimizerKind.ADAML), ADAL(OptimizerKind.ADAL);

    final String label;
    private final OptimizerKind kind;

    Contender(OptimizerKind kind) {
        this.kind = kind;
        this.label = kind.displayName();
    }

    Optimizer build(double learningRate) {
        return kind.builder().learningRate(learningRate).build();
    }
}
