package io.github.fusedopt;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Overlap is judged by the memory, whatever view reaches it: a read-only view of an array, a view
 * of the state's own moments, or native segments (reported by offsets, never by addresses). Every
 * rejected step changes nothing.
 */
class AliasingViewsTest {

    private static final Adam ADAM = Adam.builder().build();

    @Test
    void aReadOnlyViewOfTheParametersIsNotAGradient() {
        float[] w = {1, 2, 3, 4};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TensorGroup.of(MemorySegment.ofArray(w), MemorySegment.ofArray(w).asReadOnly()));
        assertTrue(e.getMessage().contains("overlaps params of tensor 0"), e.getMessage());
    }

    @Test
    void oneTensorsParametersAreNotAnothersGradientsThroughAReadOnlyView() {
        float[] w0 = new float[10];
        float[] w1 = new float[8];
        float[] g0 = new float[10];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TensorGroup.builder()
                .add(w0, g0)
                .add(MemorySegment.ofArray(w1), MemorySegment.ofArray(w0).asSlice(8, 32).asReadOnly())
                .build());
        assertTrue(e.getMessage().startsWith("grads of tensor 1 = bytes [0, 32)"), e.getMessage());
        assertTrue(e.getMessage().contains("overlaps params of tensor 0 (its bytes [8, 40))"), e.getMessage());
        // A read-only view of another array is fine, and so are gradients shared between tensors.
        TensorGroup ok = TensorGroup.builder().add(w0, g0)
                .add(MemorySegment.ofArray(w1), MemorySegment.ofArray(g0).asSlice(0, 32).asReadOnly()).build();
        assertEquals(2, ok.tensorCount());
    }

    @Test
    void theStatesMomentsAreNotGradients() {
        OptimizerState single = ADAM.newState(4);
        float[] params = {1, 2, 3, 4};
        ADAM.step(single, params, new float[] {1, 1, 1, 1});
        float[] paramsBefore = params.clone();
        float[] mBefore = single.slotCopy(0, 0);
        for (MemorySegment view : new MemorySegment[] {MemorySegment.ofBuffer(single.firstMoment()),
                single.secondMomentSegment(0)}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ADAM.step(single, MemorySegment.ofArray(params), view));
            assertTrue(e.getMessage().startsWith("grads = a view of the state's moments"), e.getMessage());
        }
        assertEquals(1, single.step());
        assertArrayEquals(paramsBefore, params);
        assertArrayEquals(mBefore, single.slotCopy(0, 0));

        float[] p0 = new float[5];
        float[] p1 = new float[5];
        TensorGroup shape = TensorGroup.builder().add(p0, new float[5]).add(p1, new float[5]).build();
        OptimizerState groupState = ADAM.newState(shape);
        TensorGroup aliased = TensorGroup.builder().add(p0, new float[5])
                .add(MemorySegment.ofArray(p1), groupState.firstMomentSegment(0)).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ADAM.step(groupState, aliased));
        assertTrue(e.getMessage().contains("the state's m of tensor 0"), e.getMessage());
        assertEquals(0, groupState.step());
    }

    @Test
    void offHeapMomentsAreNotGradientsEither() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = arena.allocate(64, 64);
            MemorySegment grads = arena.allocate(64, 64);
            TensorGroup group = TensorGroup.of(params, grads);
            OptimizerState state = ADAM.newState(group, arena);
            TensorGroup aliased = TensorGroup.of(params, state.secondMomentSegment(0));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ADAM.step(state, aliased));
            assertTrue(e.getMessage().contains("the state's v of tensor 0"), e.getMessage());
            assertFalse(e.getMessage().contains("0x"), "no raw address: " + e.getMessage());
        }
    }

    @Test
    void nativeOverlapsAreReportedByOffsetsNotAddresses() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment block = arena.allocate(400, 64);
            IllegalArgumentException single = assertThrows(IllegalArgumentException.class,
                    () -> ADAM.step(ADAM.newState(50), block.asSlice(0, 200), block.asSlice(100, 200)));
            assertEquals("grads = bytes [0, 100): overlaps params (its bytes [100, 200))", single.getMessage());
            IllegalArgumentException group = assertThrows(IllegalArgumentException.class,
                    () -> TensorGroup.builder().add(block.asSlice(0, 40), block.asSlice(200, 40))
                            .add(block.asSlice(20, 40), block.asSlice(300, 40)).build());
            assertTrue(group.getMessage().startsWith("params of tensor 1 = bytes [0, 20): overlaps params of "
                    + "tensor 0 (its bytes [20, 40))"), group.getMessage());
            assertFalse(group.getMessage().contains("0x"), group.getMessage());
        }
    }

    private static void assertArrayEquals(float[] expected, float[] actual) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual);
    }
}
