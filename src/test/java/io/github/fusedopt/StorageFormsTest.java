package io.github.fusedopt;

import io.github.fusedopt.kernel.KernelProvider;
import io.github.fusedopt.kernel.StepKernels;
import io.github.fusedopt.testing.Property;
import io.github.fusedopt.testing.Values;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The single-tensor step gives the same bits whatever holds the data: arrays with a heap state,
 * arrays with an off-heap state, native segments (at any 4-byte offset) with a heap state, and
 * segments with an off-heap state, over generated multi-step trajectories on this run's kernels.
 */
class StorageFormsTest {

    private static final StepKernels KERNELS = KernelProvider.kernels();

    @ParameterizedTest
    @EnumSource(Kind.class)
    void everyStorageGivesTheSameBits(Kind kind) {
        Property.forAll("storage forms, " + kind, Math.max(1, Property.tries() / 4),
                Trajectory.generator(kind, 3000), StorageFormsTest::assertSameBits);
    }

    private static void assertSameBits(Trajectory t) {
        int n = t.length();
        Optimizer optimizer = t.optimizer();
        try (Arena arena = Arena.ofConfined()) {
            Trajectory.Run heap = t.start();
            float[] offHeapStateParams = t.initialParams().clone();
            OptimizerState offHeapState = optimizer.newState(n, arena);
            long shift = 4L * (t.paramsOffset() % 5);
            MemorySegment p = arena.allocate(shift + 4L * n, 64).asSlice(shift);
            MemorySegment g = arena.allocate(shift + 4L * n, 64).asSlice(shift);
            MemorySegment.copy(t.initialParams(), t.paramsOffset(), p, JAVA_FLOAT, 0, n);
            OptimizerState segmentHeapState = optimizer.newState(n);
            MemorySegment p2 = arena.allocate(4L * n, 64);
            MemorySegment.copy(t.initialParams(), t.paramsOffset(), p2, JAVA_FLOAT, 0, n);
            OptimizerState segmentOffHeapState = optimizer.newState(n, arena);
            for (int s = 0; s < t.steps(); s++) {
                heap.step(KERNELS, s);
                float[] grads = new float[t.arrayLength()];
                System.arraycopy(t.grads()[s], 0, grads, t.gradsOffset(), n);
                TestSteps.arrays(optimizer, KERNELS, offHeapState, t.losses()[s], t.gradNorms()[s], offHeapStateParams,
                        t.paramsOffset(), grads, t.gradsOffset(), n, t.gradScales()[s]);
                MemorySegment.copy(t.grads()[s], 0, g, JAVA_FLOAT, 0, n);
                TestSteps.segments(optimizer, KERNELS, segmentHeapState, t.losses()[s], t.gradNorms()[s], p, g,
                        t.gradScales()[s]);
                TestSteps.segments(optimizer, KERNELS, segmentOffHeapState, t.losses()[s], t.gradNorms()[s], p2,
                        g.asReadOnly(), t.gradScales()[s]);

                float[] expected = heap.paramSlice();
                String when = " after step " + (s + 1);
                float[] arrays = java.util.Arrays.copyOfRange(offHeapStateParams, t.paramsOffset(), t.paramsOffset() + n);
                assertEquals(-1, Values.firstDifference(expected, arrays), "arrays, off-heap state" + when);
                assertEquals(-1, Values.firstDifference(expected, p.toArray(JAVA_FLOAT)), "segments, heap state" + when);
                assertEquals(-1, Values.firstDifference(expected, p2.toArray(JAVA_FLOAT)), "segments, off-heap state" + when);
                for (OptimizerState state : new OptimizerState[] {offHeapState, segmentHeapState, segmentOffHeapState}) {
                    assertEquals(-1, Values.firstDifference(heap.state.slotCopy(0, 0), state.slotCopy(0, 0)), "m of " + state + when);
                    assertEquals(-1, Values.firstDifference(heap.state.slotCopy(0, 1), state.slotCopy(0, 1)), "v of " + state + when);
                    for (int k = 2; k < state.slotCount(); k++) {
                        assertEquals(-1, Values.firstDifference(heap.state.slotCopy(0, k), state.slotCopy(0, k)),
                                "slot " + k + " of " + state + when);
                    }
                    assertEquals(heap.state.step(), state.step());
                    assertEquals(heap.state.referenceLoss(), state.referenceLoss());
                }
            }
        }
    }
}
