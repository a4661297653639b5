package io.github.fusedopt.study;

import io.github.fusedopt.AdaBelief;
import io.github.fusedopt.AdaL;
import io.github.fusedopt.Adam;
import io.github.fusedopt.AdamL;
import io.github.fusedopt.AdamW;
import io.github.fusedopt.EAdam;
import io.github.fusedopt.GradientOptimizer;
import io.github.fusedopt.Optimizer;
import io.github.fusedopt.OptimizerState;
import io.github.fusedopt.TensorGroup;

/**
 * The six optimizers of the study, each with its defaults except the learning rate (AdamW keeps
 * its default decoupled decay λ = 0.01). AdamL's loss is the objective at the step's parameters.
 */
enum Contender {
    ADAM("Adam"), ADAMW("AdamW"), EADAM("EAdam"), ADABELIEF("AdaBelief"), ADAML("AdamL"), ADAL("AdaL");

    final String label;

    Contender(String label) {
        this.label = label;
    }

    Optimizer build(double learningRate) {
        return switch (this) {
            case ADAM -> Adam.builder().learningRate(learningRate).build();
            case ADAMW -> AdamW.builder().learningRate(learningRate).build();
            case EADAM -> EAdam.builder().learningRate(learningRate).build();
            case ADABELIEF -> AdaBelief.builder().learningRate(learningRate).build();
            case ADAML -> AdamL.builder().learningRate(learningRate).build();
            case ADAL -> AdaL.builder().learningRate(learningRate).build();
        };
    }

    static void step(Optimizer optimizer, OptimizerState state, double loss, float[] params, float[] grads) {
        switch (optimizer) {
            case AdamL adamL -> adamL.step(state, loss, params, grads);
            case GradientOptimizer g -> g.step(state, params, grads);
        }
    }

    static void step(Optimizer optimizer, OptimizerState state, double loss, TensorGroup group) {
        switch (optimizer) {
            case AdamL adamL -> adamL.step(state, loss, group);
            case GradientOptimizer g -> g.step(state, group);
        }
    }
}
