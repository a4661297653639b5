package io.github.fusedopt;

import io.github.fusedopt.kernel.KernelProvider;
import io.github.fusedopt.testing.Property;
import io.github.fusedopt.testing.Values;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The float step (on this run's kernels) follows the {@code double} reference written from the
 * spec, over trajectories of up to 200 steps with ordinary values.
 *
 * <p>Tolerance: for every element of {@code p}, {@code m} and {@code v} after every step,
 * {@code |float − double| ≤ 8 · 2^-24 · bound}, where {@code bound} is the reference's running
 * error bound for that element (see {@link SpecReference}).
 *
 * <p>bf16 state: the reference models the rounding. After each step every stored slot value must be
 * one of the two bf16 values around the reference's (widened by the tolerance), and the reference
 * then continues from the stored value, as the float run does; {@code p} is held to the tolerance.
 */
class SpecReferenceTest {

    static final double UNIT_ROUNDOFF = Math.ulp(1f) / 2;
    static final double TOLERANCE = 8 * UNIT_ROUNDOFF;
    /** Beyond this the float run may overflow where the double run does not; the comparison stops there. */
    static final double FLOAT_RANGE = 1e30;
    private static final Map<Kind, Double> WORST_RATIO = new EnumMap<>(Kind.class);

    @ParameterizedTest
    @EnumSource(Kind.class)
    void floatStepFollowsTheDoubleReference(Kind kind) {
        Property.forAll("spec reference, " + kind, Math.max(1, Property.tries() / 5), new Property.Generator<Trajectory>() {
            @Override
            public int length(SplittableRandom random) {
                return Values.length(random, 2000);
            }

            @Override
            public Trajectory generate(SplittableRandom r, int length) {
                int steps = r.nextInt(3) == 0 ? r.nextInt(50, 201) : r.nextInt(1, 20);
                return Trajectory.plain(kind.random(r, false), r, length, steps, Math.pow(10, r.nextInt(-3, 3)));
            }
        }, trajectory -> assertFollowsReference(kind, trajectory));
        System.out.printf("spec reference, %s: worst error %.2f x 2^-24 x bound (allowed %.0f)%n",
                kind, WORST_RATIO.getOrDefault(kind, 0.0), TOLERANCE / UNIT_ROUNDOFF);
    }

    static void assertFollowsReference(Kind kind, Trajectory trajectory) {
        Trajectory.Run run = trajectory.start();
        SpecReference reference = new SpecReference(trajectory.optimizer(), trajectory.initialParams(),
                trajectory.paramsOffset(), trajectory.length());
        for (int s = 0; s < trajectory.steps(); s++) {
            run.step(KernelProvider.kernels(), s);
            reference.step(trajectory.grads()[s], 0, trajectory.losses()[s], trajectory.gradScales()[s],
                    trajectory.gradNorms()[s]);
            if (outOfFloatRange(reference.pBound) || outOfFloatRange(reference.vBound)) {
                return;
            }
            check(kind, "p", s, run.paramSlice(), reference.p, reference.pBound);
            boolean bf16 = run.state.format() == StateFormat.BF16;
            slot(kind, bf16, "m", s, run.state.slotCopy(0, 0), reference.m, reference.mBound);
            slot(kind, bf16, "v", s, run.state.slotCopy(0, 1), reference.v, reference.vBound);
            if (run.state.slotCount() == 3) {
                slot(kind, bf16, "v_max", s, run.state.slotCopy(0, 2), reference.vmax, reference.vmaxBound);
            }
        }
    }

    private static boolean outOfFloatRange(double[] bounds) {
        for (double b : bounds) {
            if (!(b < FLOAT_RANGE)) {
                return true;
            }
        }
        return false;
    }

    private static void slot(Kind kind, boolean bf16, String what, int step, float[] stored, double[] expected,
                             double[] scale) {
        if (!bf16) {
            check(kind, what, step, stored, expected, scale);
            return;
        }
        for (int i = 0; i < stored.length; i++) {
            double slack = TOLERANCE * scale[i];
            double low = bf16Floor(expected[i] - slack);
            double high = bf16Ceil(expected[i] + slack);
            if (!(stored[i] >= low && stored[i] <= high)) {
                throw new AssertionError(what + "[" + i + "] after step " + (step + 1) + ": bf16 " + stored[i]
                        + " is not a rounding of double " + expected[i] + " ± " + slack + " (bf16 neighbours " + low
                        + ", " + high + ")");
            }
            expected[i] = stored[i];   // the rounding, modelled: both runs continue from the stored value
        }
    }

    /** The largest bf16 value {@code ≤ x}. */
    static double bf16Floor(double x) {
        float f = (float) x;
        if (f > x) {
            f = Math.nextDown(f);
        }
        float truncated = Float.intBitsToFloat(Float.floatToRawIntBits(f) & 0xFFFF_0000);   // toward zero
        return truncated <= f ? truncated : Float.intBitsToFloat((Float.floatToRawIntBits(f) & 0xFFFF_0000) + 0x1_0000);
    }

    /** The smallest bf16 value {@code ≥ x}. */
    static double bf16Ceil(double x) {
        return -bf16Floor(-x);
    }

    private static void check(Kind kind, String what, int step, float[] actual, double[] expected, double[] scale) {
        for (int i = 0; i < actual.length; i++) {
            double error = Math.abs(actual[i] - expected[i]);
            if (scale[i] > 0) {
                WORST_RATIO.merge(kind, error / (UNIT_ROUNDOFF * scale[i]), Math::max);
            }
            if (!(error <= TOLERANCE * scale[i])) {
                throw new AssertionError(what + "[" + i + "] after step " + (step + 1) + ": float " + actual[i]
                        + ", double " + expected[i] + ", error " + error + " > " + TOLERANCE + " * " + scale[i]);
            }
        }
    }
}
