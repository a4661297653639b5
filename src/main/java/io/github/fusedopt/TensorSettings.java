package io.github.fusedopt;

import java.util.Arrays;

/**
 * The distinct per-tensor settings of a group (learning-rate multiplier, own weight decay or none)
 * and which one each tensor has, so that a step computes its per-step scalars once per setting,
 * not once per tensor. Setting 0 is always the first tensor's.
 */
final class TensorSettings {

    /** One tensor with no options: the single-tensor steps. */
    static final TensorSettings PLAIN = new TensorSettings(new double[] {1}, new double[] {Double.NaN});

    /** Setting of each tensor. */
    final int[] settingOf;
    /** Per setting: {@code μ}. */
    final double[] learningRateScale;
    /** Per setting: the tensor's own weight decay, NaN for the step's. */
    final double[] weightDecay;

    TensorSettings(double[] scales, double[] decays) {
        settingOf = new int[scales.length];
        double[] scale = new double[scales.length];
        double[] decay = new double[scales.length];
        int count = 0;
        for (int i = 0; i < scales.length; i++) {
            int found = -1;
            for (int j = 0; j < count && found < 0; j++) {
                if (Double.compare(scale[j], scales[i]) == 0 && Double.compare(decay[j], decays[i]) == 0) {
                    found = j;
                }
            }
            if (found < 0) {
                found = count++;
                scale[found] = scales[i];
                decay[found] = decays[i];
            }
            settingOf[i] = found;
        }
        this.learningRateScale = Arrays.copyOf(scale, Math.max(1, count));
        this.weightDecay = Arrays.copyOf(decay, Math.max(1, count));
        if (count == 0) {
            learningRateScale[0] = 1;
            weightDecay[0] = Double.NaN;
        }
    }

    int count() {
        return learningRateScale.length;
    }
}
