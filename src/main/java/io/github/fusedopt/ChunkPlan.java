package io.github.fusedopt;

import io.github.fusedopt.kernel.StepKernels;

import java.util.Arrays;

/**
 * How a parallel step cuts a group into work: tensors of at least {@link #CHUNK} elements into
 * chunks of {@link #CHUNK} (the last one shorter), smaller tensors packed, in order, into tasks of
 * about {@link #CHUNK} elements. A unit is one chunk or one small tensor; a task is a run of units.
 * The cut depends only on the tensor lengths, never on the thread count, and each unit is also one
 * chunk of the {@code ‖g‖₁} order, so that every thread count gives the same bits.
 */
final class ChunkPlan {

    /** Elements per chunk: the norm's chunk, 1 MiB of the four streams, about the size of L2. */
    static final int CHUNK = StepKernels.NORM_CHUNK;

    final int[] unitTensor;
    final int[] unitFrom;
    final int[] unitLength;
    /** Task {@code k} is units {@code [taskStart[k], taskStart[k + 1])}. */
    final int[] taskStart;

    ChunkPlan(Tensor[] tensors) {
        int units = 0;
        for (Tensor t : tensors) {
            units += (t.length() + CHUNK - 1) / CHUNK;
        }
        unitTensor = new int[units];
        unitFrom = new int[units];
        unitLength = new int[units];
        int[] starts = new int[units + 1];
        int tasks = 0;
        int unit = 0;
        long packed = 0;
        for (int i = 0; i < tensors.length; i++) {
            int length = tensors[i].length();
            for (int from = 0; from < length; from += CHUNK) {
                boolean whole = length < CHUNK;
                if (!whole || packed == 0) {
                    starts[tasks++] = unit;
                    packed = 0;
                }
                unitTensor[unit] = i;
                unitFrom[unit] = from;
                unitLength[unit] = Math.min(CHUNK, length - from);
                unit++;
                packed = whole ? packed + length : CHUNK;
                if (packed >= CHUNK) {
                    packed = 0;
                }
            }
        }
        starts[tasks] = unit;
        taskStart = Arrays.copyOf(starts, tasks + 1);
    }

    int taskCount() {
        return taskStart.length - 1;
    }

    int unitCount() {
        return unitTensor.length;
    }
}
