package io.github.fusedopt;

import java.lang.foreign.MemorySegment;

/**
 * The checks of a state against what a step binds: shapes, reachability from this thread, and
 * that no binding reaches the memory the step writes in the state.
 */
final class StateChecks {

    private StateChecks() {
    }

    /** Throws unless the state has exactly the group's tensor lengths. */
    static void checkMatches(OptimizerState state, TensorGroup group) {
        if (group.tensorCount() != state.moments.length) {
            throw Checks.invalid("group.tensorCount()", group.tensorCount(),
                    "must equal the state's tensor count " + state.moments.length);
        }
        for (int i = 0; i < state.moments.length; i++) {
            if (group.length(i) != state.moments[i].size()) {
                throw Checks.invalid("group.length(" + i + ")", group.length(i),
                        "must equal the state's size(" + i + ") = " + state.moments[i].size());
            }
        }
    }

    /** Throws if segment slots cannot be used from this thread now. */
    static void checkAccessible(OptimizerState state) {
        if (state.inSegments()) {
            for (int i = 0; i < state.moments.length; i++) {
                state.moments[i].checkAccessible("moments of tensor " + i);
            }
        }
    }

    /** Whether worker threads may step the state's slots. */
    static boolean shareable(OptimizerState state) {
        for (Moments m : state.moments) {
            if (!m.shareable()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Throws if a bound segment of a single-tensor step reaches the state's slots through any view:
     * a step writes them while it reads the gradients.
     */
    static void checkDisjoint(OptimizerState state, MemorySegment segment, String name) {
        for (int i = 0; i < state.moments.length; i++) {
            for (int k = 0; k < state.moments[i].slotCount(); k++) {
                if (segment.asOverlappingSlice(state.moments[i].segment(k)).isPresent()) {
                    throw Checks.invalid(name, "a view of the state's moments",
                            "overlaps the state's slot " + k + ", which this step writes; pass it in memory of its own");
                }
            }
        }
    }

    /**
     * Throws if an array slice of a single-tensor step reaches the caller's storage of this state.
     * The state's own arrays are never handed out, so only caller-owned storage can clash.
     */
    static void checkDisjoint(OptimizerState state, float[] array, int offset, int length, String name) {
        if (!state.callerOwned || length == 0) {
            return;
        }
        for (Moments m : state.moments) {
            for (int k = 0; k < m.slotCount(); k++) {
                long start;   // bytes
                if (m instanceof Moments.OnHeap(float[][] arrays, int[] offsets, int _) && arrays[k] == array) {
                    start = (long) offsets[k] * Float.BYTES;
                } else if (m.segment(k).heapBase().orElse(null) == array) {
                    start = m.segment(k).address();
                } else {
                    continue;
                }
                long end = start + (long) m.size() * m.format().bytes();
                if ((long) offset * Float.BYTES < end && start < (long) (offset + length) * Float.BYTES) {
                    throw Checks.invalid(name, name + "[" + offset + ".." + (offset + length) + ")",
                            "overlaps the state's slot " + k + " in the same array; pass it in memory of its own");
                }
            }
        }
    }

    /** Throws if the group reaches these state.moments through any view; remembers the last group that passed. */
    static void checkDisjoint(OptimizerState state, TensorGroup group) {
        if (group != state.checkedGroup) {
            Overlaps.check(group.tensors(), state.moments);
            state.checkedGroup = group;
        }
    }
}
