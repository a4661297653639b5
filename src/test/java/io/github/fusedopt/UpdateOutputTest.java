package io.github.fusedopt;

import io.github.fusedopt.testing.Property;
import io.github.fusedopt.testing.Values;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The update output: {@code p − u}, computed in float by the caller, is the in-place step's
 * {@code p} bit for bit, for random trajectories with edge values; the parameters are left alone;
 * the output may be the gradients; and an output that overlaps anything else is refused.
 */
class UpdateOutputTest {

    @ParameterizedTest
    @EnumSource(Kind.class)
    void paramsLessTheUpdateIsTheInPlaceStep(Kind kind) {
        Property.forAll("p - u, " + kind, Math.max(1, Property.tries() / 5), Trajectory.generator(kind, 3000), t -> {
            int n = t.length();
            float[] inPlace = Arrays.copyOfRange(t.initialParams(), t.paramsOffset(), t.paramsOffset() + n);
            float[] params = inPlace.clone();
            OptimizerState s1 = t.optimizer().newState(n);
            OptimizerState s2 = t.optimizer().newState(n);
            float[] separate = new float[n + 7];
            for (int s = 0; s < t.steps(); s++) {
                float[] g = t.grads()[s];
                Step step = new Step().loss(t.losses()[s]).gradScale(t.gradScales()[s]).gradL1Norm(t.gradNorms()[s]);
                StepOutcome expected = t.optimizer().step(s1, inPlace, g, step);
                float[] paramsBefore = params.clone();
                float[] intoGrads = g.clone();
                boolean intoTheGradients = s % 2 == 0;
                StepOutcome outcome = intoTheGradients
                        ? t.optimizer().update(s2, params, 0, intoGrads, 0, intoGrads, 0, n, step)
                        : t.optimizer().update(s2, params, 0, g, 0, separate, 7, n, step);
                assertEquals(expected, outcome);
                assertArrayEquals(paramsBefore, params, "the update form moved the parameters");
                if (outcome == StepOutcome.APPLIED) {
                    for (int i = 0; i < n; i++) {
                        params[i] -= intoTheGradients ? intoGrads[i] : separate[7 + i];
                    }
                }
                assertEquals(-1, Values.firstDifference(inPlace, params), "p - u after step " + (s + 1));
                for (int k = 0; k < s1.slotCount(); k++) {
                    assertEquals(-1, Values.firstDifference(s1.slotCopy(0, k), s2.slotCopy(0, k)), "slot " + k);
                }
            }
        });
    }

    @Test
    void segmentsAndParametersLeftOutWhenNoDecayApplies() {
        try (Arena arena = Arena.ofConfined()) {
            SplittableRandom r = new SplittableRandom(3);
            int n = 1000;
            Adam adam = Adam.builder().build();
            float[] reference = Values.array(r, n, Values.Mix.plain(1));
            MemorySegment grads = arena.allocate(4L * n, 4);
            OptimizerState inPlace = adam.newState(n);
            OptimizerState updates = adam.newState(n, arena);
            MemorySegment params = arena.allocate(4L * n, 4);
            MemorySegment.copy(reference, 0, params, JAVA_FLOAT, 0, n);
            for (int s = 0; s < 5; s++) {
                float[] g = Values.array(r, n, Values.Mix.plain(0.1));
                adam.step(inPlace, reference, g, new Step());
                MemorySegment.copy(g, 0, grads, JAVA_FLOAT, 0, n);
                // DL4J's contract: the updater sees the gradient view only, and overwrites it.
                adam.update(updates, null, grads, grads, new Step());
                for (int i = 0; i < n; i++) {
                    params.setAtIndex(JAVA_FLOAT, i, params.getAtIndex(JAVA_FLOAT, i) - grads.getAtIndex(JAVA_FLOAT, i));
                }
                assertEquals(-1, Values.firstDifference(reference, params.toArray(JAVA_FLOAT)), "step " + (s + 1));
            }
            float[] g = new float[n];
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> adam.update(updates, null, 0, g, 0, g, 0, n, new Step().weightDecay(1e-4)));
            assertTrue(e.getMessage().startsWith("params = null: are needed: weight decay 1.0E-4"), e.getMessage());
            assertEquals(5, updates.step());
        }
    }

    @Test
    void anOutputThatOverlapsAnythingButTheGradientsIsRefused() {
        Adam adam = Adam.builder().build();
        float[] shared = new float[30];
        float[] g = new float[10];
        OptimizerState state = adam.newState(10);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> adam.update(state, shared, 0, g, 0, shared, 5, 10, new Step()));
        assertTrue(e.getMessage().startsWith("params = params[0..10): overlaps out[5..15)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> adam.update(state, shared, 0, shared, 12, shared, 14, 10, new Step()));
        assertTrue(e.getMessage().startsWith("grads = grads[12..22): overlaps out[14..24)"), e.getMessage());
        float[] storage = new float[20];
        OptimizerState callers = adam.newState(10, StateStorage.of(storage, 0));
        e = assertThrows(IllegalArgumentException.class,
                () -> adam.update(callers, new float[10], 0, g, 0, storage, 10, 10, new Step()));
        assertTrue(e.getMessage().startsWith("out = out[10..20): overlaps the state's slot 1"), e.getMessage());
        TensorGroupBuilder builder = TensorGroup.builder().add(shared, 0, g, 0, 10).updateInto(shared, 9);
        e = assertThrows(IllegalArgumentException.class, builder::build);
        assertTrue(e.getMessage().contains("overlaps"), e.getMessage());
        assertEquals(0, state.step());
        assertEquals(0, callers.step());
        assertArrayEquals(new float[30], shared);
    }

    /** A skipped step writes no update: the output keeps what it held. */
    @Test
    void aSkippedStepWritesNoUpdate() {
        Adam adam = Adam.builder().nonFinitePolicy(NonFinitePolicy.SKIP).build();
        float[] g = {1, Float.NaN, 3};
        float[] out = {7, 8, 9};
        assertEquals(StepOutcome.SKIPPED, adam.update(adam.newState(3), new float[3], 0, g, 0, out, 0, 3, new Step()));
        assertArrayEquals(new float[] {7, 8, 9}, out);
    }
}
