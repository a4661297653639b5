package io.github.fusedopt.kernel;

/**
 * {@code 1 − β^t} in {@code double}, bit for bit what {@code 1 - Math.pow(β, t)} gives, without the
 * {@code pow} once {@code β^t < 2^-64}: from there on the difference rounds to exactly 1. For
 * {@code β = 0.9} that is after 421 steps, for {@code 0.999} after about 44,300. Remembers the
 * threshold of the last {@code β} it saw; one instance per state and rate.
 */
final class BiasCorrection {

    private double beta = Double.NaN;
    private long saturatedFrom;

    double at(double beta, long t) {
        if (beta != this.beta) {
            this.beta = beta;
            // β^t ≤ 2^-64 for t ≥ 64 / −log2(β); the +1 absorbs the logarithm's rounding.
            this.saturatedFrom = beta == 0 ? 1 : (long) Math.ceil(64 / -(Math.log(beta) / Math.log(2))) + 1;
        }
        return t >= saturatedFrom ? 1 : 1 - Math.pow(beta, t);
    }
}
