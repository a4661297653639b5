package io.github.fusedopt;

import io.github.fusedopt.testing.Property;
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
 * Per-step hyperparameters: stepping with a schedule (or a {@link Step}'s own learning rate and
 * weight decay) equals rebuilding the optimizer with that step's values before every step, bit
 * for bit, on one tensor and on a group stepped by two threads; bad values from a schedule are
 * refused before anything is written.
 */
class ScheduleTest {

    /** A schedule with an edge of everything: warm-up, decay, a jump. */
    static Schedule learningRates(double base) {
        return t -> t % 7 == 3 ? base * 4 : base * Math.min(1, t / 4.0) / Math.sqrt(t);
    }

    /** AdamL's lower bound of the loss, so that every loss of these runs is valid; 0 for the others. */
    static double lossMin(Optimizer optimizer) {
        return optimizer instanceof AdamL adamL ? adamL.lossMin() : 0;
    }

    static final Schedule WEIGHT_DECAYS = t -> t % 2 == 0 ? 0 : 1e-3 * t;

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aScheduleEqualsRebuildingEveryStep(Kind kind) {
        Property.forAll("schedule = rebuild, " + kind, Math.max(1, Property.tries() / 20), new Property.Generator<long[]>() {
            @Override
            public int length(SplittableRandom random) {
                return Values.length(random, 3000);
            }

            @Override
            public long[] generate(SplittableRandom random, int length) {
                return new long[] {random.nextLong(), length};
            }
        }, seedAndLength -> {
            SplittableRandom r = new SplittableRandom(seedAndLength[0]);
            int n = (int) seedAndLength[1];
            Optimizer base = kind.random(r, false);
            Optimizer scheduled = base.toBuilder().learningRateSchedule(learningRates(base.learningRate()))
                    .weightDecaySchedule(WEIGHT_DECAYS).build();
            float[] p1 = Values.array(r, n, Values.Mix.plain(1));
            float[] p2 = p1.clone();
            float[] p3 = p1.clone();
            OptimizerState s1 = scheduled.newState(n);
            OptimizerState s2 = base.newState(n);
            OptimizerState s3 = base.newState(n);
            Step viaStep = new Step();
            for (int t = 1; t <= 15; t++) {
                float[] g = Values.array(r, n, Values.Mix.plain(0.1));
                double loss = lossMin(base) + 5.0 / t;
                double alpha = learningRates(base.learningRate()).valueAt(t);
                double decay = WEIGHT_DECAYS.valueAt(t);
                scheduled.step(s1, p1, g, new Step().loss(loss));
                Optimizer rebuilt = base.toBuilder().learningRate(alpha).weightDecay(decay).build();
                rebuilt.step(s2, p2, g, new Step().loss(loss));
                base.step(s3, p3, g, viaStep.loss(loss).learningRate(alpha).weightDecay(decay));
                assertEquals(-1, Values.firstDifference(p2, p1), "params, schedule, step " + t);
                assertEquals(-1, Values.firstDifference(p2, p3), "params, Step values, step " + t);
                for (int k = 0; k < s1.slotCount(); k++) {
                    assertArrayEquals(s2.slotCopy(0, k), s1.slotCopy(0, k), "slot " + k + ", step " + t);
                    assertArrayEquals(s2.slotCopy(0, k), s3.slotCopy(0, k), "slot " + k + ", step " + t);
                }
            }
        });
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aGroupOnTwoThreadsFollowsTheScheduleToo(Kind kind) {
        SplittableRandom r = new SplittableRandom(kind.ordinal());
        Optimizer base = kind.random(r, false);
        Optimizer scheduled = base.toBuilder().learningRateSchedule(learningRates(base.learningRate())).build();
        int[] lengths = {70_000, 33, 1024};
        float[][] p1 = new float[3][];
        float[][] p2 = new float[3][];
        float[][] g = new float[3][];
        TensorGroupBuilder b1 = TensorGroup.builder();
        TensorGroupBuilder b2 = TensorGroup.builder();
        for (int i = 0; i < 3; i++) {
            p1[i] = Values.array(r, lengths[i], Values.Mix.plain(1));
            p2[i] = p1[i].clone();
            g[i] = new float[lengths[i]];
            b1.add(p1[i], g[i]);
            b2.add(p2[i], g[i]);
        }
        TensorGroup group1 = b1.build();
        TensorGroup group2 = b2.build();
        OptimizerState s1 = scheduled.newState(group1);
        OptimizerState s2 = base.newState(group2);
        try (StepExecutor owner = StepExecutor.create(2)) {
            StepExecutor executor = owner.withMinParallelElements(0);
            for (int t = 1; t <= 10; t++) {
                for (float[] gi : g) {
                    float[] fresh = Values.array(r, gi.length, Values.Mix.plain(0.1));
                    System.arraycopy(fresh, 0, gi, 0, gi.length);
                }
                scheduled.step(s1, group1, new Step().loss(lossMin(base) + 1.0 / t).executor(executor));
                Optimizer rebuilt = base.toBuilder().learningRate(learningRates(base.learningRate()).valueAt(t)).build();
                rebuilt.step(s2, group2, new Step().loss(lossMin(base) + 1.0 / t));
                for (int i = 0; i < 3; i++) {
                    assertEquals(-1, Values.firstDifference(p2[i], p1[i]), "tensor " + i + ", step " + t);
                }
            }
        }
    }

    @Test
    void aBadValueFromAScheduleIsRefusedBeforeAnythingIsWritten() {
        Adam adam = Adam.builder().learningRateSchedule(t -> t == 3 ? -1e-3 : 1e-3).build();
        float[] p = {1, 2, 3};
        float[] g = {0.5f, 0.5f, 0.5f};
        OptimizerState state = adam.newState(3);
        Step step = new Step();
        adam.step(state, p, g, step);
        adam.step(state, p, g, step);
        float[] before = p.clone();
        float[] m = state.slotCopy(0, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> adam.step(state, p, g, step));
        assertTrue(e.getMessage().startsWith("learningRateSchedule.valueAt(3) = -0.001: must be > 0"), e.getMessage());
        assertArrayEquals(before, p);
        assertArrayEquals(m, state.slotCopy(0, 0));
        assertEquals(2, state.step());

        Adam decayed = Adam.builder().weightDecaySchedule(t -> Double.NaN).build();
        e = assertThrows(IllegalArgumentException.class, () -> decayed.step(decayed.newState(3), p, g, step));
        assertTrue(e.getMessage().startsWith("weightDecaySchedule.valueAt(1) = NaN"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> adam.step(adam.newState(3), p, g, new Step().learningRate(Double.POSITIVE_INFINITY)));
        assertTrue(e.getMessage().startsWith("step.learningRate = Infinity"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> adam.step(adam.newState(3), p, g, new Step().learningRate(1e38)));
        assertTrue(e.getMessage().startsWith("step.learningRate = 1.0E38: makes the first step's size"), e.getMessage());
    }

    /** AdaL's own annealing, α_t/√t, applies on top of a schedule's α_t. */
    @Test
    void adalAnnealsTheScheduledRate() {
        AdaL scheduled = AdaL.builder().learningRateSchedule(t -> 1e-2 * t).build();
        AdaL constant = AdaL.builder().build();
        float[] p1 = {1, -2, 3};
        float[] p2 = p1.clone();
        OptimizerState s1 = scheduled.newState(3);
        OptimizerState s2 = constant.newState(3);
        for (int t = 1; t <= 4; t++) {
            float[] g = {0.1f * t, -0.2f, 0.3f};
            scheduled.step(s1, p1, g, new Step());
            constant.toBuilder().learningRate(1e-2 * t).build().step(s2, p2, g, new Step());
            assertArrayEquals(p2, p1, "step " + t);
        }
    }
}
