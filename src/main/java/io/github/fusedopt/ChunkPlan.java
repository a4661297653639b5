package io.github.fusedopt;

import io.github.fusedopt.kernel.StepKernels;

import java.util.Arrays;

/**
 * How a parallel step cuts a group into work: tensors of at least {@code chunk} elements into
 * chunks of {@code chunk} (the last one shorter), smaller tensors packed, in order, into tasks of
 * about {@code chunk} elements. A unit is one chunk or one small tensor; a task is a run of units.
 * The cut depends only on the tensor lengths, never on the thread count. The norm pass cuts at the
 * norm's own chunk ({@link #CHUNK}), so that each unit is one chunk sum of the {@code ‖g‖₁} order
 * and every thread count gives the same bits; the update pass cuts finer ({@link #UPDATE_CHUNK}).
 */
final class ChunkPlan {

    /** Elements per chunk of the norm pass: the norm's chunk. */
    static final int CHUNK = StepKernels.NORM_CHUNK;

    /**
     * Elements per chunk of the update pass: about 7 µs of work, so that when one thread runs out
     * of tasks the other has little left to finish, and a multiple of every vector width.
     */
    static final int UPDATE_CHUNK = 16_384;

    final int[] unitTensor;
    final int[] unitFrom;
    final int[] unitLength;
    /** Task {@code k} is units {@code [taskStart[k], taskStart[k + 1])}. */
    final int[] taskStart;

    ChunkPlan(Tensor[] tensors, int chunk) {
        int units = 0;
        for (Tensor t : tensors) {
            units += (t.length() + chunk - 1) / chunk;
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
            for (int from = 0; from < length; from += chunk) {
                boolean whole = length < chunk;
                if (!whole || packed == 0) {
                    starts[tasks++] = unit;
                    packed = 0;
                }
                unitTensor[unit] = i;
                unitFrom[unit] = from;
                unitLength[unit] = Math.min(chunk, length - from);
                unit++;
                packed = whole ? packed + length : chunk;
                if (packed >= chunk) {
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
