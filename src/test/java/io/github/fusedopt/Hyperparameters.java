package io.github.fusedopt;

/** Copies the shared hyperparameters of one optimizer into another's builder. */
final class Hyperparameters {

    private Hyperparameters() {
    }

    static <B extends OptimizerBuilder<B>> B copy(Optimizer from, B to) {
        return to.copyShared(from);
    }

    /** {@code optimizer} with another non-finite policy, every other hyperparameter the same. */
    static Optimizer withPolicy(Optimizer optimizer, NonFinitePolicy policy) {
        return optimizer.toBuilder().nonFinitePolicy(policy).build();
    }
}
