package io.github.fusedopt;

import io.github.fusedopt.testing.Values;
import org.junit.jupiter.api.Test;

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
 * States over memory the caller owns: the documented layout (slot after slot; for a group, each
 * slot over all tensors), validation like every other binding, and a counter the caller sets.
 */
class CallerStateTest {

    @Test
    void theSlotsLieBackToBackInTheCallersArray() {
        AdamW adamW = AdamW.builder().amsGrad(true).build();
        int n = 5;
        float[] view = new float[2 + 3 * n];
        OptimizerState state = adamW.newState(n, StateStorage.of(view, 2));
        float[] p = {1, 2, 3, 4, 5};
        adamW.step(state, p, new float[] {1, -1, 2, -2, 3}, new Step());
        for (int k = 0; k < 3; k++) {
            float[] slot = Arrays.copyOfRange(view, 2 + k * n, 2 + (k + 1) * n);
            assertArrayEquals(state.slotCopy(0, k), slot, "slot " + k);
        }
        assertEquals(0f, view[0]);
        assertEquals(0f, view[1]);
        assertTrue(state.toString().contains("with AMSGrad"), state.toString());
    }

    @Test
    void aGroupsSlotsCoverEveryTensorInTurn() {
        float[] a = new float[3];
        float[] b = new float[4];
        TensorGroup group = TensorGroup.builder().add(a, new float[] {1, 1, 1}).add(b, new float[] {2, 2, 2, 2}).build();
        Adam adam = Adam.builder().build();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment view = arena.allocate(4L * 2 * 7, 4);
            OptimizerState state = adam.newState(group, StateStorage.of(view));
            adam.step(state, group, new Step());
            // m of a, m of b, v of a, v of b: DL4J's halves for a block of two parameters.
            assertArrayEquals(state.slotCopy(0, 0), view.asSlice(0, 12).toArray(JAVA_FLOAT));
            assertArrayEquals(state.slotCopy(1, 0), view.asSlice(12, 16).toArray(JAVA_FLOAT));
            assertArrayEquals(state.slotCopy(0, 1), view.asSlice(28, 12).toArray(JAVA_FLOAT));
            assertArrayEquals(state.slotCopy(1, 1), view.asSlice(40, 16).toArray(JAVA_FLOAT));
            assertTrue(state.offHeap());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> adam.newState(group, StateStorage.of(view.asSlice(4))));
            assertTrue(e.getMessage().startsWith("storage.byteSize() = 52: must be the 2 slots of 7 elements: 56 bytes"),
                    e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> adam.newState(group, StateStorage.of(new float[20], 7)));
        assertTrue(e.getMessage().contains("holds 13 floats from its offset; the 2 slots of 7 elements need 14"),
                e.getMessage());
    }

    @Test
    void bindingsThatReachTheCallersStateAreRefused() {
        Adam adam = Adam.builder().build();
        float[] storage = new float[40];
        OptimizerState state = adam.newState(10, StateStorage.of(storage, 20));
        float[] g = new float[10];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> adam.step(state, storage, 25, g, 0, 10, new Step()));
        assertTrue(e.getMessage().startsWith("params = params[25..35): overlaps the state's slot 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> adam.step(state, new float[10], 0, storage, 28, 10, new Step()));
        assertTrue(e.getMessage().startsWith("grads = grads[28..38): overlaps the state's slot 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> adam.step(state, MemorySegment.ofArray(storage).asSlice(80, 40), MemorySegment.ofArray(g),
                        new Step()));
        assertTrue(e.getMessage().startsWith("params = a view of the state's moments: overlaps the state's slot 0"),
                e.getMessage());
        TensorGroup group = TensorGroup.builder().add(storage, 0, g, 0, 10).build();
        OptimizerState groupState = adam.newState(group, StateStorage.of(storage, 5));
        e = assertThrows(IllegalArgumentException.class, () -> adam.step(groupState, group, new Step()));
        assertTrue(e.getMessage().contains("overlaps"), e.getMessage());
        assertEquals(0, state.step());
        assertArrayEquals(new float[40], storage);
    }

    /** A framework restoring from its own files: its moments, its counter, and the next step matches. */
    @Test
    void aStateRestoredFromTheCallersMomentsAndCounterContinuesTheRun() {
        SplittableRandom r = new SplittableRandom(5);
        for (Kind kind : Kind.values()) {
            Optimizer optimizer = kind.random(r, false);
            int n = 257;
            float[] p = Values.array(r, n, Values.Mix.plain(1));
            OptimizerState original = optimizer.newState(n);
            Step step = new Step();
            for (int s = 1; s <= 7; s++) {
                optimizer.step(original, p, Values.array(r, n, Values.Mix.plain(0.1)), step.loss(1.0 / s));
            }
            // The slots back to back in the state's format: bf16 values two to a float.
            int bytes = optimizer.stateFormat().bytes();
            float[] saved = new float[(optimizer.stateSlots() * n * bytes + 3) / 4];
            for (int k = 0; k < optimizer.stateSlots(); k++) {
                MemorySegment.copy(original.slotSegment(0, k), 0, MemorySegment.ofArray(saved), (long) k * n * bytes,
                        (long) n * bytes);
            }
            OptimizerState restored = optimizer.newState(n, StateStorage.of(saved, 0));
            restored.setStep(original.step());
            original.referenceLoss().ifPresent(restored::setReferenceLoss);
            float[] p2 = p.clone();
            float[] g = Values.array(r, n, Values.Mix.plain(0.1));
            optimizer.step(original, p, g, step.loss(0.05));
            optimizer.step(restored, p2, g, step);
            assertEquals(-1, Values.firstDifference(p, p2), kind.name());
            assertEquals(8, restored.step());
        }
    }

    @Test
    void theCounterIsCheckedAndOnlyAdamLKeepsAReferenceLoss() {
        OptimizerState state = Adam.builder().build().newState(3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> state.setStep(-1));
        assertTrue(e.getMessage().startsWith("t = -1: must be in [0, 9007199254740992]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> state.setStep(OptimizerState.MAX_STEP + 1));
        state.setStep(OptimizerState.MAX_STEP);
        IllegalStateException full = assertThrows(IllegalStateException.class,
                () -> Adam.builder().build().step(state, new float[3], new float[3], new Step()));
        assertTrue(full.getMessage().contains("maximum"), full.getMessage());
        assertThrows(IllegalStateException.class, () -> state.setReferenceLoss(1));
        OptimizerState adamL = AdamL.builder().build().newState(3);
        assertThrows(IllegalArgumentException.class, () -> adamL.setReferenceLoss(Double.NaN));
        adamL.setReferenceLoss(4);
        assertEquals(4, adamL.referenceLoss().getAsDouble());
    }
}
