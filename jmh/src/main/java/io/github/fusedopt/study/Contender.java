package io.github.fusedopt.study;

import io.github.fusedopt.Optimizer;
import io.github.fusedopt.OptimizerKind;
import io.github.fusedopt.StateFormat;

/**
 * The six optimizers of the study, each with its defaults except the learning rate (AdamW keeps
 * its default decoupled decay λ = 0.01), and Adam and AdamL again with bf16 state (rounding seed
 * 0). AdamL's loss is the objective at the step's parameters.
 */
enum Contender {
    ADAM(OptimizerKind.ADAM, StateFormat.F32), ADAMW(OptimizerKind.ADAMW, StateFormat.F32),
    EADAM(OptimizerKind.EADAM, StateFormat.F32), ADABELIEF(OptimizerKind.ADABELIEF, StateFormat.F32),
    ADAML(OptimizerKind.ADAML, StateFormat.F32), ADAL(OptimizerKind.ADAL, StateFormat.F32),
    ADAM_BF16(OptimizerKind.ADAM, StateFormat.BF16), ADAML_BF16(OptimizerKind.ADAML, StateFormat.BF16);

    final String label;
    private final OptimizerKind kind;
    private final StateFormat format;

    Contender(OptimizerKind kind, StateFormat format) {
        this.kind = kind;
        this.format = format;
        this.label = kind.displayName() + (format == StateFormat.BF16 ? " bf16" : "");
    }

    /** The same rule with float state: this contender itself unless its state is bf16. */
    Contender floatSibling() {
        for (Contender c : values()) {
            if (c.kind == kind && c.format == StateFormat.F32) {
                return c;
            }
        }
        throw new IllegalStateException(this + " has no float-state sibling");
    }

    Optimizer build(double learningRate) {
        return kind.builder().learningRate(learningRate).stateFormat(format).build();
    }
}
