package io.github.fusedopt;

import io.github.fusedopt.testing.Values;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A tensor's own learning-rate multiplier and weight decay in a group equal, bit for bit, stepping
 * that tensor alone with an optimizer built with {@code μ·α} and its decay; the per-step scalars
 * are made once per distinct setting.
 */
class PerTensorOptionsTest {

    private static final double[] SCALES = {1, 0.5, 1, 3, 0.5};
    private static final double[] DECAYS = {Double.NaN, 0, 0, Double.NaN, 0};

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aTensorsOptionsEqualAnOptimizerOfItsOwn(Kind kind) {
        SplittableRandom r = new SplittableRandom(31 + kind.ordinal());
        for (int round = 0; round < 5; round++) {
            Optimizer optimizer = kind.random(r, false).toBuilder().weightDecay(2e-3).build();
            if (optimizer instanceof AdaL adaL && adaL.normScope() == NormScope.GROUP) {
                continue;   // one norm over the group: no tensor alone would see it
            }
            int tensors = SCALES.length;
            float[][] inGroup = new float[tensors][];
            float[][] alone = new float[tensors][];
            float[][] grads = new float[tensors][];
            TensorGroupBuilder builder = TensorGroup.builder();
            Optimizer[] own = new Optimizer[tensors];
            OptimizerState[] ownStates = new OptimizerState[tensors];
            for (int i = 0; i < tensors; i++) {
                int n = 1 + r.nextInt(3000);
                inGroup[i] = Values.array(r, n, Values.Mix.plain(1));
                alone[i] = inGroup[i].clone();
                grads[i] = new float[n];
                builder.add(inGroup[i], grads[i]).learningRateScale(SCALES[i]);
                if (!Double.isNaN(DECAYS[i])) {
                    builder.weightDecay(DECAYS[i]);
                }
                own[i] = optimizer.toBuilder().learningRate(SCALES[i] * optimizer.learningRate())
                        .weightDecay(Double.isNaN(DECAYS[i]) ? optimizer.weightDecay() : DECAYS[i]).build();
                ownStates[i] = own[i].newState(n);
            }
            TensorGroup group = builder.build();
            assertEquals(4, group.settings().count(), "(1, λ), (0.5, 0), (1, 0), (3, λ), and (0.5, 0) again");
            OptimizerState state = optimizer.newState(group);
            for (int t = 1; t <= 6; t++) {
                Step step = new Step().loss(ScheduleTest.lossMin(optimizer) + 2.0 / t);
                for (int i = 0; i < tensors; i++) {
                    float[] g = Values.array(r, grads[i].length, Values.Mix.plain(0.1));
                    System.arraycopy(g, 0, grads[i], 0, g.length);
                    own[i].step(ownStates[i], alone[i], grads[i], step);
                }
                optimizer.step(state, group, step);
                for (int i = 0; i < tensors; i++) {
                    assertEquals(-1, Values.firstDifference(alone[i], inGroup[i]), "tensor " + i + ", step " + t);
                    for (int k = 0; k < state.slotCount(); k++) {
                        assertArrayEquals(ownStates[i].slotCopy(0, k), state.slotCopy(i, k));
                    }
                }
            }
        }
    }

    @Test
    void optionsAreValidatedWhereTheyAreSet() {
        TensorGroupBuilder builder = TensorGroup.builder();
        IllegalStateException none = assertThrows(IllegalStateException.class, () -> builder.weightDecay(0));
        assertTrue(none.getMessage().contains("add one first"), none.getMessage());
        builder.add(new float[3], new float[3]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> builder.learningRateScale(0));
        assertTrue(e.getMessage().startsWith("learningRateScale of tensor 0 = 0.0: must be > 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> builder.weightDecay(-1));
        assertTrue(e.getMessage().startsWith("weightDecay of tensor 0 = -1.0"), e.getMessage());
        TensorGroup group = builder.learningRateScale(2).weightDecay(0).build();
        assertEquals(2, group.learningRateScale(0));
        assertEquals(0, group.weightDecay(0).getAsDouble());
    }

    /** μ·α_t beyond float range is a bad step, refused before anything is written. */
    @Test
    void aMultiplierThatOverflowsTheStepIsRefused() {
        float[] p = {1, 2};
        TensorGroup group = TensorGroup.builder().add(p, new float[] {1, 1}).learningRateScale(1e38).build();
        Adam adam = Adam.builder().learningRate(1).build();
        OptimizerState state = adam.newState(group);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> adam.step(state, group, new Step()));
        assertTrue(e.getMessage().startsWith("learningRateScale × learningRate = 1.0E38 × 1.0"), e.getMessage());
        assertArrayEquals(new float[] {1, 2}, p);
        assertEquals(0, state.step());
    }
}
