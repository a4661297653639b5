package io.github.fusedopt;

import io.github.fusedopt.kernel.StepScalars;

/**
 * The rule for a step's learning rate and weight decay, wherever they come from (the builder, a
 * schedule, a {@link Step}, a tensor's options): each in its own range, and the per-step scalars
 * they make within float range. The step size is at most {@code α/(1 − β1)} (its value at
 * {@code t = 1}), and decoupled decay's rate is {@code α·λ}.
 */
final class StepValues {

    private StepValues() {
    }

    /** Whether {@link #check} would pass: the test a step makes, which builds no message. */
    static boolean valid(double learningRate, double weightDecay, double beta1, boolean decoupled) {
        return learningRate > 0 && Double.isFinite(learningRate) && (float) learningRate > 0f
                && weightDecay >= 0 && Double.isFinite(weightDecay) && Float.isFinite((float) weightDecay)
                && Float.isFinite((float) (learningRate / (1 - StepScalars.asApplied(beta1))))
                && (!decoupled || Float.isFinite((float) (learningRate * weightDecay)));
    }

    static void check(double learningRate, String learningRateName, double weightDecay, String weightDecayName,
                      double beta1, boolean decoupled) {
        Checks.positive(learningRate, learningRateName);
        Checks.nonNegative(weightDecay, weightDecayName);
        double firstStep = learningRate / (1 - StepScalars.asApplied(beta1));
        if (!Float.isFinite((float) firstStep)) {
            throw Checks.invalid(learningRateName, learningRate, "makes the first step's size α/(1 − β1) = "
                    + firstStep + " with beta1 = " + beta1 + ", beyond float range");
        }
        if (decoupled && !Float.isFinite((float) (learningRate * weightDecay))) {
            throw Checks.invalid(weightDecayName, weightDecay, "makes decoupled decay's rate α·λ = "
                    + learningRate * weightDecay + " with learning rate " + learningRate + ", beyond float range");
        }
    }
}
