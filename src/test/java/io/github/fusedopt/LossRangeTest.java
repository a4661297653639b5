package io.github.fusedopt;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * AdamL's relative loss from losses whose differences overflow a double: {@code λ_t} stays finite
 * and right, so the step writes finite values, as a step with the same ratio at ordinary losses.
 */
class LossRangeTest {

    @Test
    void aLossRangeThatOverflowsStillGivesTheRatio() {
        RelativeLossScale rule = new RelativeLossScale(1, -1e308);
        assertEquals(1.0, rule.scale(1e308, 1e308));
        assertEquals(0.5, rule.scale(0, 1e308), 1e-15);
        assertEquals(0.75, rule.scale(5e307, 1e308), 1e-15);
        assertEquals(0.0, rule.scale(-1e308, 1e308));
        assertEquals(0.25, new RelativeLossScale(2, -1e308).scale(0, 1e308), 1e-15);
        assertEquals(1.0, new RelativeLossScale(1, -Double.MAX_VALUE).scale(Double.MAX_VALUE, 1));
    }

    @Test
    void aStepAcrossTheWholeDoubleRangeWritesWhatTheSameRatioWrites() {
        AdamL wide = AdamL.builder().lossMin(-1e308).build();
        AdamL narrow = AdamL.builder().lossMin(-2).build();
        float[] p1 = {1, -2, 3};
        float[] p2 = p1.clone();
        float[] g = {0.5f, 0.25f, -1};
        OptimizerState s1 = wide.newState(3);
        OptimizerState s2 = narrow.newState(3);
        wide.step(s1, 1e308, p1, g);          // reference: the first loss
        narrow.step(s2, 2, p2, g);
        wide.step(s1, 0, p1, g);               // relative loss 1/2 in both runs
        narrow.step(s2, 0, p2, g);
        for (int i = 0; i < 3; i++) {
            assertTrue(Float.isFinite(p1[i]) && Float.isFinite(s1.slotCopy(0, 1)[i]), "element " + i);
        }
        assertEquals(java.util.Arrays.toString(p2), java.util.Arrays.toString(p1));
        assertEquals(java.util.Arrays.toString(s2.slotCopy(0, 1)), java.util.Arrays.toString(s1.slotCopy(0, 1)));
    }
}
