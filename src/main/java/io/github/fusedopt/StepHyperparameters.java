package io.github.fusedopt;

/**
 * The learning rate and weight decay of each distinct tensor setting for one step, reused from step
 * to step: the step's own, else the optimizer's schedule at {@code t}, else its constants; times a
 * setting's multiplier, or its own decay. Checked before anything is written; the names in a
 * message are built only when a value is refused, so that a step allocates nothing.
 */
final class StepHyperparameters {

    private double[] learningRates = new double[1];
    private double[] weightDecays = new double[1];

    double learningRate(int setting) {
        return learningRates[setting];
    }

    double weightDecay(int setting) {
        return weightDecays[setting];
    }

    /**
     * Each setting's learning rate and weight decay for step {@code t}, checked before anything is
     * written: the step's own, else the optimizer's schedule, else its constant; times the
     * setting's multiplier, with its own decay if it has one.
     */
    void resolve(Optimizer optimizer, Step step, long t, TensorSettings settings, boolean paramsAbsent) {
        boolean ownLearningRate = !Double.isNaN(step.learningRate());
        boolean ownWeightDecay = !Double.isNaN(step.weightDecay());
        double learningRate = ownLearningRate ? step.learningRate() : optimizer.learningRateAt(t);
        double weightDecay = ownWeightDecay ? step.weightDecay() : optimizer.weightDecayAt(t);
        int count = settings.count();
        if (learningRates.length < count) {
            learningRates = new double[count];
            weightDecays = new double[count];
        }
        boolean decoupled = optimizer.weightDecayMode() == WeightDecayMode.DECOUPLED;
        double beta1 = optimizer.beta1();
        if (!StepValues.valid(learningRate, weightDecay, beta1, decoupled)) {
            StepValues.check(learningRate, learningRateName(optimizer, ownLearningRate, t), weightDecay,
                    weightDecayName(optimizer, ownWeightDecay, t), beta1, decoupled);
        }
        for (int j = 0; j < count; j++) {
            double scale = settings.learningRateScale[j];
            double own = settings.weightDecay[j];
            learningRates[j] = scale * learningRate;
            weightDecays[j] = Double.isNaN(own) ? weightDecay : own;
            if (!StepValues.valid(learningRates[j], weightDecays[j], beta1, decoupled)) {
                StepValues.check(learningRates[j], "learningRateScale × " + learningRateName(optimizer,
                        ownLearningRate, t) + " = " + scale + " × " + learningRate, weightDecays[j],
                        Double.isNaN(own) ? weightDecayName(optimizer, ownWeightDecay, t) : "a tensor's weightDecay",
                        beta1, decoupled);
            }
            if (paramsAbsent && weightDecays[j] != 0) {
                throw Checks.invalid("params", null, "are needed: weight decay " + weightDecays[j] + " ("
                        + weightDecayName(optimizer, ownWeightDecay, t) + ") applies to this step");
            }
        }
    }

    private static String learningRateName(Optimizer optimizer, boolean own, long t) {
        return own ? "step.learningRate" : optimizer.learningRateSchedule().isPresent()
                ? "learningRateSchedule.valueAt(" + t + ")" : "learningRate";
    }

    private static String weightDecayName(Optimizer optimizer, boolean own, long t) {
        return own ? "step.weightDecay" : optimizer.weightDecaySchedule().isPresent()
                ? "weightDecaySchedule.valueAt(" + t + ")" : "weightDecay";
    }
}
