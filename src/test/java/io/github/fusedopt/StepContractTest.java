package io.github.fusedopt;

import io.github.fusedopt.kernel.KernelProvider;
import io.github.fusedopt.kernel.StepKernels;
import io.github.fusedopt.kernel.StepScalars;
import io.github.fusedopt.testing.Values;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What every step promises besides its arithmetic. */
class StepContractTest {

    private static final float SENTINEL = -12345.5f;

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aSliceStepWritesOnlyInsideTheParameterSliceAndNeverWritesGradients(Kind kind) {
        for (StepKernels kernels : kernelsOfThisRun()) {
            SplittableRandom r = new SplittableRandom(kind.ordinal());
            Optimizer optimizer = kind.defaults();
            int n = 37;
            float[] params = new float[5 + n + 9];
            Arrays.fill(params, SENTINEL);
            float[] slice = Values.array(r, n, Values.Mix.plain(1));
            System.arraycopy(slice, 0, params, 5, n);
            float[] grads = Values.array(r, 3 + n + 2, Values.Mix.plain(1));
            float[] gradsBefore = grads.clone();
            OptimizerState state = optimizer.newState(n);
            TestSteps.arrays(optimizer, kernels, state, 1.0, Double.NaN, params, 5, grads, 3, n, 1.0);
            assertArrayEquals(gradsBefore, grads);
            for (int i = 0; i < params.length; i++) {
                boolean inside = i >= 5 && i < 5 + n;
                assertEquals(inside, params[i] != SENTINEL, kernels.name() + " params[" + i + "]");
            }
            assertEquals(1, state.step());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void theWholeArrayFormEqualsTheSliceFormAtOffsetZero(Kind kind) {
        SplittableRandom r = new SplittableRandom(40 + kind.ordinal());
        Optimizer optimizer = kind.random(r);
        float[] initial = Values.array(r, 100, Values.Mix.plain(1));
        float[] grads = Values.array(r, 100, Values.Mix.plain(1));
        float[] whole = initial.clone();
        float[] sliced = initial.clone();
        OptimizerState a = optimizer.newState(100);
        OptimizerState b = optimizer.newState(100);
        for (int s = 0; s < 3; s++) {
            switch (optimizer) {
                case AdamL adamL -> {
                    adamL.step(a, 2.0 - s, whole, grads);
                    adamL.step(b, 2.0 - s, sliced, 0, grads, 0, 100);
                }
                case GradientOptimizer g -> {
                    g.step(a, whole, grads);
                    g.step(b, sliced, 0, grads, 0, 100);
                }
            }
        }
        assertArrayEquals(whole, sliced);
        assertEquals(3, a.step());
    }

    @Test
    void aGradientScaleActsAsScaledGradients() {
        Adam adam = Adam.builder().build();
        float[] grads = {0.5f, -2f, 3f};
        float[] doubled = {1f, -4f, 6f};
        float[] p1 = {1, 2, 3};
        float[] p2 = p1.clone();
        adam.step(adam.newState(3), p1, 0, grads, 0, 3, 2.0);
        adam.step(adam.newState(3), p2, doubled);
        assertArrayEquals(p2, p1);
    }

    @Test
    void adalWithItsOwnNormGivenEqualsAdalComputingIt() {
        SplittableRandom r = new SplittableRandom(5);
        AdaL adal = AdaL.builder().weightDecay(0.01).build();
        float[] grads = Values.array(r, 1000, Values.Mix.plain(1));
        float[] p1 = Values.array(r, 1000, Values.Mix.plain(1));
        float[] p2 = p1.clone();
        double norm = KernelProvider.kernels().gradL1Norm(scalarsFor(adal, 1.0), p1, 0, grads, 0, 1000);
        adal.step(adal.newState(1000), p1, grads);
        adal.stepWithGradNorm(adal.newState(1000), norm, p2, grads);
        assertArrayEquals(p1, p2);
    }

    @Test
    void adalStepsTwoHalvesWithTheGlobalNormLikeTheWhole() {
        SplittableRandom r = new SplittableRandom(6);
        AdaL adal = AdaL.builder().build();
        int n = 1001;
        float[] grads = Values.array(r, n, Values.Mix.plain(1));
        float[] whole = Values.array(r, n, Values.Mix.plain(1));
        float[] halves = whole.clone();
        OptimizerState wholeState = adal.newState(n);
        OptimizerState first = adal.newState(500);
        OptimizerState second = adal.newState(n - 500);
        for (int s = 0; s < 3; s++) {
            adal.step(wholeState, whole, grads);
            double global = KernelProvider.kernels().gradL1Norm(scalarsFor(adal, 1.0), halves, 0, grads, 0, n);
            adal.stepWithGradNorm(first, global, halves, 0, grads, 0, 500, 1.0);
            adal.stepWithGradNorm(second, global, halves, 500, grads, 500, n - 500, 1.0);
        }
        assertArrayEquals(whole, halves);
    }

    @Test
    void anEmptyTensorStillAdvancesTheStepCounter() {
        for (Kind kind : Kind.values()) {
            Optimizer optimizer = kind.defaults();
            OptimizerState state = optimizer.newState(0);
            TestSteps.arrays(optimizer, KernelProvider.kernels(), state, 1.0, Double.NaN, new float[0], 0, new float[0], 0, 0, 1.0);
            assertEquals(1, state.step(), kind.name());
        }
    }

    @Test
    void theMomentViewsAreReadOnlyAndFollowLaterSteps() {
        Adam adam = Adam.builder().build();
        OptimizerState state = adam.newState(2);
        FloatBuffer m = state.firstMoment();
        FloatBuffer v = state.secondMoment();
        assertTrue(m.isReadOnly());
        assertThrows(ReadOnlyBufferException.class, () -> m.put(0, 1f));
        assertThrows(ReadOnlyBufferException.class, () -> v.put(0, 1f));
        assertEquals(0f, m.get(0));
        adam.step(state, new float[] {1, 1}, new float[] {0.5f, -0.25f});
        assertEquals((1 - 0.9f) * 0.5f, m.get(0), 1e-8f);
        assertEquals((1 - 0.999f) * 0.0625f, v.get(1), 1e-11f);
        assertEquals(2, m.remaining());
    }

    @Test
    void adamLKeepsTheFirstLossAsReferenceUnlessOneIsGiven() {
        AdamL adamL = AdamL.builder().build();
        OptimizerState state = adamL.newState(1);
        assertFalse(state.referenceLoss().isPresent());
        adamL.step(state, 3.5, new float[] {1}, new float[] {1});
        adamL.step(state, 2.0, new float[] {1}, new float[] {1});
        assertEquals(3.5, state.referenceLoss().getAsDouble());

        AdamL given = AdamL.builder().referenceLoss(10).build();
        assertEquals(10, given.newState(1).referenceLoss().getAsDouble());
        assertFalse(Kind.ADAM.defaults().newState(1).referenceLoss().isPresent());
    }

    @Test
    void adamLScalesTheAdaptiveTermByTheRelativeLoss() {
        // At loss = ℓ_min the adaptive term vanishes: v holds only ε.
        AdamL adamL = AdamL.builder().referenceLoss(4).lossMin(1).build();
        OptimizerState state = adamL.newState(1);
        adamL.step(state, 1.0, new float[] {0}, new float[] {3});
        assertEquals((float) 1e-8, state.secondMoment().get(0));
        // Halfway down, with γ = 2: λ = 0.25.
        AdamL squared = AdamL.builder().referenceLoss(5).lossMin(1).lossExponent(2).build();
        OptimizerState s2 = squared.newState(1);
        squared.step(s2, 3.0, new float[] {0}, new float[] {2});
        assertEquals((1 - 0.999f) * 0.25f * 4 + 1e-8f, s2.secondMoment().get(0), 1e-10f);
        assertNotEquals(0f, s2.firstMoment().get(0));
    }

    @Test
    void optimizersDescribeThemselves() {
        assertEquals("AdamL[learningRate=0.001, beta1=0.9, beta2=0.999, eps=1.0E-8, weightDecay=0.0, "
                + "weightDecayMode=COUPLED, nonFinitePolicy=PROPAGATE, lossExponent=1.0, lossMin=0.0]", AdamL.builder().build().toString());
        assertTrue(Kind.ADAM.defaults().newState(3).toString().contains("elements=3"));
    }

    private static StepScalars scalarsFor(Optimizer optimizer, double gradScale) {
        StepScalars s = new StepScalars();
        optimizer.prepareGradient(s, gradScale, optimizer.learningRate(), optimizer.weightDecay());
        return s;
    }

    private static StepKernels[] kernelsOfThisRun() {
        return KernelProvider.vector().map(v -> new StepKernels[] {v, KernelProvider.scalar()})
                .orElse(new StepKernels[] {KernelProvider.scalar()});
    }
}
