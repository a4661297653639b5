package io.github.fusedopt;

/** Copies the shared hyperparameters of one optimizer into another's builder. */
final class Hyperparameters {

    private Hyperparameters() {
    }

    static <B extends Optimizer.Builder<B>> B copy(Optimizer from, B to) {
        return to.learningRate(from.learningRate()).beta1(from.beta1()).beta2(from.beta2()).eps(from.eps())
                .weightDecay(from.weightDecay()).weightDecayMode(from.weightDecayMode());
    }
}
