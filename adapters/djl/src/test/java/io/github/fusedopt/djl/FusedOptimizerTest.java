package io.github.fusedopt.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.tracker.Tracker;
import io.github.fusedopt.AdaL;
import io.github.fusedopt.Adam;
import io.github.fusedopt.AdamL;
import io.github.fusedopt.AdamW;
import io.github.fusedopt.Optimizer;
import io.github.fusedopt.OptimizerState;
import io.github.fusedopt.StateFormat;
import io.github.fusedopt.Step;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static io.github.fusedopt.adapters.testing.AdapterAsserts.assertSameBits;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The adapter against fusedopt itself: a parameter stepped through DJL's {@code update} on the
 * PyTorch engine's memory equals fusedopt's step over float arrays, bit for bit, at DJL's update
 * count and tracker, with DJL's gradient scale and weight decay; its gradient is zero afterwards.
 */
class FusedOptimizerTest {

    @Test
    void updatesEqualFusedoptsStepBitForBit() {
        Tracker tracker = Tracker.factor().setBaseValue(1e-2f).setFactor(0.9f).build();
        for (Optimizer optimizer : List.of(Adam.builder().build(), Adam.builder().amsGrad(true).build(),
                AdamW.builder().weightDecay(0.01).build(), AdamL.builder().build(), AdaL.builder().build(),
                Adam.builder().stateFormat(StateFormat.BF16).roundingSeed(8).build())) {
            FusedOptimizer djl = FusedOptimizer.builder(optimizer).optLearningRateTracker(tracker)
                    .setRescaleGrad(0.5f).build();
            int n = 1000;
            SplittableRandom random = new SplittableRandom(3);
            float[] reference = new float[n];
            for (int i = 0; i < n; i++) {
                reference[i] = (float) random.nextGaussian();
            }
            OptimizerState state = optimizer.newState(n);
            Step step = new Step().gradScale(0.5f);
            try (NDManager manager = NDManager.newBaseManager()) {
                NDArray weight = manager.create(reference.clone());
                weight.setRequiresGradient(true);
                for (int t = 1; t <= 5; t++) {
                    NDArray target = manager.randomNormal(weight.getShape());
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        collector.backward(weight.sub(target).square().sum());
                    }
                    float[] grads = weight.getGradient().toFloatArray();
                    double loss = 10.0 / t;
                    djl.loss(loss);
                    djl.update("w", weight, weight.getGradient());
                    state.setStep(t - 1);
                    optimizer.step(state, reference, grads,
                            step.loss(loss).learningRate(tracker.getNewValue("w", t)));
                    assertSameBits(reference, weight.toFloatArray(), optimizer + ", update " + t);
                    assertArrayEquals(new float[n], weight.getGradient().toFloatArray(), "the gradient is zeroed");
                }
            }
        }
    }

    @Test
    void adamLWithoutALossAndClippingAreClearErrors() {
        FusedOptimizer adamL = FusedOptimizer.builder(AdamL.builder().build()).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray weight = manager.create(new float[] {1, 2});
            NDArray grad = manager.create(new float[] {0.5f, 0.5f});
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> adamL.update("w", weight, grad));
            assertTrue(e.getMessage().contains("loss"), e.getMessage());
            assertArrayEquals(new float[] {1, 2}, weight.toFloatArray());
        }
        FusedOptimizer adam = FusedOptimizer.builder(Adam.builder().build()).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray weight = manager.create(new float[] {1, 2});
            NDArray grad = manager.create(new float[] {0.5f, 0.5f});
            assertThrows(NullPointerException.class, () -> adam.update(null, weight, grad));
            assertThrows(NullPointerException.class, () -> adam.update("w", null, grad));
            assertThrows(NullPointerException.class, () -> adam.update("w", weight, null));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> adam.update("w", weight, manager.create(new float[] {1, 2, 3})));
            assertTrue(e.getMessage().contains("gradients"), e.getMessage());
            IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                    () -> adam.update("w", manager.create(new double[] {1, 2}), grad));
            assertTrue(type.getMessage().contains("FLOAT32"), type.getMessage());
            assertArrayEquals(new float[] {1, 2}, weight.toFloatArray());
            adam.update("w", weight, grad);                    // a weight without a gradient of its own
            assertTrue(weight.toFloatArray()[0] < 1, "stepped");
        }
        assertThrows(IllegalArgumentException.class,
                () -> FusedOptimizer.builder(Adam.builder().build()).optClipGrad(1f).build());
        assertThrows(IllegalArgumentException.class,
                () -> FusedOptimizer.builder(Adam.builder().learningRateSchedule(t -> 1e-3).build()));
    }
}
