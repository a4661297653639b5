package io.github.fusedopt.dl4j;

import io.github.fusedopt.AdaL;
import io.github.fusedopt.Adam;
import io.github.fusedopt.AdamL;
import io.github.fusedopt.AdamW;
import io.github.fusedopt.Optimizer;
import io.github.fusedopt.OptimizerState;
import io.github.fusedopt.StateFormat;
import io.github.fusedopt.Step;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.ScheduleType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.SplittableRandom;

import static io.github.fusedopt.adapters.testing.AdapterAsserts.assertSameBits;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The updater against fusedopt itself: DL4J's gradient view receives exactly the update that
 * {@link Optimizer#update} writes into a float array, bit for bit, at DL4J's iteration counter and
 * schedule, with the slots in DL4J's state view, for views inside larger arrays as DL4J makes them.
 */
class FusedGradientUpdaterTest {

    private static final ISchedule SCHEDULE = new ExponentialSchedule(ScheduleType.ITERATION, 3e-3, 0.9);

    @Test
    void everyOptimizerWritesFusedoptsUpdateBitForBit() {
        List<Optimizer> optimizers = List.of(Adam.builder().build(), Adam.builder().amsGrad(true).build(),
                AdamW.builder().weightDecay(0).build(), AdamL.builder().lossExponent(2).build(),
                AdaL.builder().build(), io.github.fusedopt.EAdam.builder().build(),
                io.github.fusedopt.AdaBelief.builder().build(),
                Adam.builder().amsGrad(true).stateFormat(StateFormat.BF16).roundingSeed(3).build(),
                AdamL.builder().lossExponent(2).stateFormat(StateFormat.BF16).build());
        for (Optimizer optimizer : optimizers) {
            check(optimizer, 1000);
            check(optimizer, 37);
        }
    }

    private static void check(Optimizer optimizer, int n) {
        FusedUpdater config = FusedUpdater.of(optimizer, SCHEDULE);
        long stateSize = config.stateSize(n);
        // Views inside larger arrays, at an offset, as DL4J's flattened gradients and state are.
        INDArray stateWhole = Nd4j.zeros(DataType.FLOAT, 1, stateSize + 5);
        INDArray stateView = stateWhole.get(NDArrayIndex.point(0), NDArrayIndex.interval(3, 3 + stateSize))
                .reshape(1, stateSize);
        GradientUpdater<?> updater = config.instantiate(stateView, true);
        Optimizer reference = config.optimizer();
        OptimizerState state = reference.newState(n);
        Step step = new Step();
        SplittableRandom random = new SplittableRandom(n);
        for (int iteration = 0; iteration < 6; iteration++) {
            float[] grads = new float[n];
            for (int i = 0; i < n; i++) {
                grads[i] = (float) random.nextGaussian();
            }
            double loss = 2.0 / (iteration + 1);
            INDArray gradWhole = Nd4j.zeros(DataType.FLOAT, 1, n + 7);
            INDArray gradView = gradWhole.get(NDArrayIndex.point(0), NDArrayIndex.interval(7, 7 + n));
            gradView.assign(Nd4j.createFromArray(grads));
            MinibatchLoss.record(loss, iteration);
            updater.applyUpdater(gradView, iteration, 0);
            float[] expected = new float[n];
            state.setStep(iteration);
            reference.update(state, null, 0, grads, 0, expected, 0, n,
                    step.loss(loss).learningRate(SCHEDULE.valueAt(iteration, 0)));
            assertSameBits(expected, gradView.toFloatVector(), optimizer + " iteration " + iteration);
            // The slots' bytes, in the state's format, back to back in the view.
            MemorySegment view = MemorySegment.ofArray(stateView.toFloatVector());
            long slotBytes = (long) n * reference.stateFormat().bytes();
            for (int k = 0; k < reference.stateSlots(); k++) {
                assertArrayEquals(state.slotSegment(0, k).toArray(ValueLayout.JAVA_BYTE),
                        view.asSlice(k * slotBytes, slotBytes).toArray(ValueLayout.JAVA_BYTE), optimizer + " slot " + k);
            }
        }
        assertEquals(0f, stateWhole.getFloat(0, 0), "nothing written before the view");
        assertEquals(0f, stateWhole.getFloat(0, stateSize + 4), "nothing written after the view");
    }

    @Test
    void adamLWithoutTheListenerIsAClearErrorAndChangesNothing() {
        FusedUpdater config = FusedUpdater.of(AdamL.builder().build());
        INDArray view = Nd4j.zeros(DataType.FLOAT, 1, config.stateSize(4));
        GradientUpdater<?> updater = config.instantiate(view, true);
        INDArray grads = Nd4j.createFromArray(new float[] {1, 2, 3, 4}).reshape(1, 4);
        MinibatchLoss.record(1.0, 40);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> updater.applyUpdater(grads, 41, 0));
        assertTrue(e.getMessage().contains("MinibatchLoss"), e.getMessage());
        assertArrayEquals(new float[] {1, 2, 3, 4}, grads.toFloatVector());
        assertArrayEquals(new float[view.toFloatVector().length], view.toFloatVector());
    }

    @Test
    void optimizersWithTheirOwnDecayOrScheduleAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> FusedUpdater.of(AdamW.builder().weightDecay(0.01).build()));
        assertThrows(IllegalArgumentException.class,
                () -> FusedUpdater.of(Adam.builder().learningRateSchedule(t -> 1e-3).build()));
        assertThrows(NullPointerException.class, () -> FusedUpdater.of(null));
    }

    @Test
    void dl4jsLearningRateChangesTakeEffectAndBadOnesChangeNothing() {
        FusedUpdater config = FusedUpdater.of(Adam.builder().build());
        INDArray view = Nd4j.zeros(DataType.FLOAT, 1, config.stateSize(4));
        GradientUpdater<?> updater = config.instantiate(view, true);
        config.setLrAndSchedule(Double.NaN, SCHEDULE);          // as network.setLearningRate(schedule) does
        assertEquals(SCHEDULE.valueAt(3, 0), config.getLearningRate(3, 0));
        assertEquals(2 * 4 + 0, config.stateSize(4), "still sized");
        INDArray grads = Nd4j.createFromArray(new float[] {1, 2, 3, 4}).reshape(1, 4);
        updater.applyUpdater(grads, 0, 0);
        config.setLrAndSchedule(-1, null);
        INDArray more = Nd4j.createFromArray(new float[] {1, 2, 3, 4}).reshape(1, 4);
        float[] state = view.toFloatVector();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> updater.applyUpdater(more, 1, 0));
        assertTrue(e.getMessage().contains("learningRate"), e.getMessage());
        assertArrayEquals(new float[] {1, 2, 3, 4}, more.toFloatVector());
        assertArrayEquals(state, view.toFloatVector());
        assertThrows(IllegalArgumentException.class, () -> updater.applyUpdater(more, -1, 0));
        assertArrayEquals(state, view.toFloatVector());
        config.setLrAndSchedule(1e-3, null);
        assertThrows(IllegalArgumentException.class, () -> updater.applyUpdater(
                Nd4j.createFromArray(new float[] {1, 2, 3}).reshape(1, 3), 1, 0));
        assertArrayEquals(state, view.toFloatVector());
    }

    @Test
    void doubleNetworksAreRefusedByName() {
        FusedUpdater config = FusedUpdater.of(Adam.builder().build());
        INDArray view = Nd4j.zeros(DataType.DOUBLE, 1, config.stateSize(4));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> config.instantiate(view, true));
        assertTrue(e.getMessage().contains("DOUBLE"), e.getMessage());
    }

    @Test
    void oneUpdaterBlockSpansTheLayersThatShareAConfiguration() {
        MultiLayerNetwork network = Networks.network(FusedUpdater.of(Adam.builder().build()));
        assertEquals(2 * network.numParams(), network.getUpdater().getStateViewArray().length());
    }
}
