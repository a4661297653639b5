package io.github.fusedopt;

/**
 * {@code λ_t = clamp((ℓ_t − ℓ_min)/(ℓ_ref − ℓ_min), 0, 1)^γ}, with the relative loss taken as 0
 * when {@code ℓ_ref ≤ ℓ_min}. {@code 0^0 = 1}, so {@code γ = 0} gives {@code λ_t = 1}: EAdam.
 */
record RelativeLossScale(double exponent, double lossMin) implements LossScaleRule {

    @Override
    public double scale(double loss, double referenceLoss) {
        double relative = referenceLoss > lossMin ? (loss - lossMin) / (referenceLoss - lossMin) : 0;
        return Math.pow(Math.clamp(relative, 0.0, 1.0), exponent);
    }
}
