package io.github.fusedopt;

import io.github.fusedopt.kernel.KernelProvider;
import io.github.fusedopt.testing.Property;
import io.github.fusedopt.testing.Values;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Identities between optimizers, bit for bit on this run's kernels. */
class IdentityTest {

    @Test
    void adamLWithExponentZeroIsEAdam() {
        assertSameTrajectories("AdamL(γ = 0) == EAdam", r -> {
            AdamL random = (AdamL) Kind.ADAML.random(r);
            AdamL.Builder b = Hyperparameters.copy(random, AdamL.builder()).lossExponent(0).lossMin(random.lossMin());
            random.referenceLoss().ifPresent(b::referenceLoss);
            return b.build();
        }, adamL -> Hyperparameters.copy(adamL, EAdam.builder()).build());
    }

    @Test
    void adamWIsAdamWithDecoupledDecay() {
        assertSameTrajectories("AdamW == Adam with decoupled decay", Kind.ADAMW::random,
                adamW -> Hyperparameters.copy(adamW, Adam.builder()).amsGrad(((AdamW) adamW).amsGrad()).build());
    }

    @Test
    void adamWDefaultsToDecoupledDecayOfOneHundredth() {
        AdamW adamW = AdamW.builder().build();
        assertEquals(0.01, adamW.weightDecay());
        assertEquals(WeightDecayMode.DECOUPLED, adamW.weightDecayMode());
        assertSameRun(Trajectory.random(adamW, new SplittableRandom(3), 1000),
                Adam.builder().weightDecay(0.01).weightDecayMode(WeightDecayMode.DECOUPLED).build());
    }

    /** Runs trajectories generated for the first optimizer through both and compares bits. */
    private static void assertSameTrajectories(String name, Function<SplittableRandom, Optimizer> first,
                                               UnaryOperator<Optimizer> twin) {
        Property.forAll(name, Math.max(1, Property.tries() / 4), new Property.Generator<Object[]>() {
            @Override
            public int length(SplittableRandom random) {
                return Values.length(random, 3000);
            }

            @Override
            public Object[] generate(SplittableRandom random, int length) {
                Optimizer optimizer = first.apply(random);
                return new Object[] {Trajectory.random(optimizer, random, length), twin.apply(optimizer)};
            }
        }, pair -> assertSameRun((Trajectory) pair[0], (Optimizer) pair[1]));
    }

    private static void assertSameRun(Trajectory trajectory, Optimizer twin) {
        Trajectory.Run first = trajectory.start();
        Trajectory.Run second = trajectory.start(twin);
        for (int s = 0; s < trajectory.steps(); s++) {
            first.step(KernelProvider.kernels(), s);
            second.step(KernelProvider.kernels(), s);
            assertEquals(-1, Values.firstDifference(first.params, second.params), "params after step " + (s + 1));
            assertEquals(-1, Values.firstDifference(first.state.slotCopy(0, 0), second.state.slotCopy(0, 0)), "m after step " + (s + 1));
            assertEquals(-1, Values.firstDifference(first.state.slotCopy(0, 1), second.state.slotCopy(0, 1)), "v after step " + (s + 1));
        }
    }
}
