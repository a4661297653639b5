package io.github.fusedopt;

/**
 * {@code λ_t = clamp((ℓ_t − ℓ_min)/(ℓ_ref − ℓ_min), 0, 1)^γ}, with the relative loss taken as 0
 * when {@code ℓ_ref ≤ ℓ_min}. {@code 0^0 = 1}, so {@code γ = 0} gives {@code λ_t = 1}: EAdam.
 *
 * <p>The differences of finite losses can overflow (a range from {@code −1e308} to {@code 1e308}):
 * then both are taken of halved losses, which changes the ratio by no more than its rounding, so
 * {@code λ_t} is finite for every pair of finite losses.
 */
record RelativeLossScale(double exponent, double lossMin) implements LossScaleRule {

    @Override
    public double scale(double loss, double referenceLoss) {
        if (!(referenceLoss > lossMin)) {
            return Math.pow(0, exponent);
        }
        double above = loss - lossMin;
        double range = referenceLoss - lossMin;
        if (Double.isInfinite(above) || Double.isInfinite(range)) {
            above = loss / 2 - lossMin / 2;
            range = referenceLoss / 2 - lossMin / 2;
        }
        return Math.pow(Math.clamp(above / range, 0.0, 1.0), exponent);
    }
}
