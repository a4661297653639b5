package io.github.fusedopt;

import io.github.fusedopt.kernel.KernelProvider;
import io.github.fusedopt.kernel.StepScalars;

/**
 * The skip policy's rule, written out for tests: a step is applied only if every element of the
 * gradient as the moments receive it ({@code g·k}, then coupled decay, then AdaL's {@code ‖g‖₁}) is
 * finite and below {@code 2^62} in magnitude.
 */
final class SkipRule {

    private SkipRule() {
    }

    /** Whether a step over these parameters (before the step) and gradients is applied. */
    static boolean applies(Optimizer o, float[] params, float[] grads, double gradScale, double adalFactor) {
        float k = (float) gradScale;
        boolean coupled = o.weightDecayMode() == WeightDecayMode.COUPLED && o.weightDecay() != 0;
        float wd = (float) o.weightDecay();
        float factor = o instanceof AdaL ? (float) adalFactor : 1f;
        for (int i = 0; i < grads.length; i++) {
            float x = grads[i] * k;
            if (coupled) {
                x = Math.fma(wd, params[i], x);
            }
            x = factor * x;
            if (!(Math.abs(x) < 0x1p62f)) {
                return false;
            }
        }
        return true;
    }

    /** A single-tensor step: AdaL's factor is the given norm, or the tensor's own. */
    static boolean appliesAlone(Optimizer o, float[] params, float[] grads, double gradScale, double givenNorm) {
        double factor = Double.isNaN(givenNorm) ? ownNorm(o, params, grads, gradScale) : givenNorm;
        return applies(o, params, grads, gradScale, factor);
    }

    /** {@code ‖g‖₁} of the preprocessed gradient, in the kernels' order (tested by {@code GradNormTest}). */
    static double ownNorm(Optimizer o, float[] params, float[] grads, double gradScale) {
        StepScalars s = new StepScalars();
        o.prepareGradient(s, gradScale, o.learningRate(), o.weightDecay());
        return KernelProvider.scalar().gradL1Norm(s, params, 0, grads, 0, grads.length);
    }

    /** A group step: AdaL's factor per tensor is the given norm, the group's, or each tensor's own. */
    static boolean appliesToGroup(Optimizer o, float[][] params, float[][] grads, double gradScale,
                                  double givenNorm) {
        double[] factors = new double[grads.length];
        double total = 0;
        for (int i = 0; i < grads.length; i++) {
            factors[i] = Double.isNaN(givenNorm) ? ownNorm(o, params[i], grads[i], gradScale) : givenNorm;
            total += factors[i];
        }
        boolean overGroup = o instanceof AdaL a && a.normScope() == NormScope.GROUP && Double.isNaN(givenNorm);
        for (int i = 0; i < grads.length; i++) {
            if (!applies(o, params[i], grads[i], gradScale, overGroup ? total : factors[i])) {
                return false;
            }
        }
        return true;
    }
}
