package io.github.fusedopt;

import java.lang.foreign.MemorySegment;

/**
 * Makes a new state's slots from a {@link StateStorage}: fresh ones (see {@link Moments}), or views
 * of the caller's memory laid out as {@link StateStorage} documents, validated before the state
 * exists.
 */
final class StateLayout {

    private StateLayout() {
    }

    /** Slots for one tensor of {@code size} elements. */
    static Moments single(StateStorage storage, int size, int slots) {
        if (storage.arena != null) {
            return Moments.offHeap(size, slots, storage.arena);
        }
        if (!storage.callerOwned()) {
            Moments.checkHeapSize(size, "size");
            return Moments.onHeap(size, slots);
        }
        return over(storage, new int[] {size}, slots)[0];
    }

    /** Slots for each tensor of a group. */
    static Moments[] group(StateStorage storage, TensorGroup group, int slots) {
        if (storage.arena != null) {
            return Moments.offHeap(group, slots, storage.arena);
        }
        if (!storage.callerOwned()) {
            return Moments.onHeap(group, slots);
        }
        int[] lengths = new int[group.tensorCount()];
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = group.length(i);
        }
        return over(storage, lengths, slots);
    }

    /** Views of the caller's memory: slot {@code k} of tensor {@code i} at {@code k·N + s_i}. */
    private static Moments[] over(StateStorage storage, int[] lengths, int slots) {
        long total = 0;
        for (int length : lengths) {
            total += length;
        }
        long needed = slots * total;
        Moments[] moments = new Moments[lengths.length];
        if (storage.array != null) {
            long available = storage.array.length - (long) storage.offset;
            if (needed > available) {
                throw Checks.invalid("storage", storage, "holds " + available + " floats from its offset; the "
                        + slots + " slots of " + total + " elements need " + needed);
            }
            long start = storage.offset;
            for (int i = 0; i < lengths.length; i++) {
                float[][] arrays = new float[slots][];
                int[] offsets = new int[slots];
                for (int k = 0; k < slots; k++) {
                    arrays[k] = storage.array;
                    offsets[k] = (int) (storage.offset + k * total + (start - storage.offset));
                }
                moments[i] = new Moments.OnHeap(arrays, offsets, lengths[i]);
                start += lengths[i];
            }
            return moments;
        }
        MemorySegment segment = storage.segment;
        Checks.accessible(segment, "storage");
        if (segment.byteSize() != needed * Float.BYTES) {
            throw Checks.invalid("storage.byteSize()", segment.byteSize(), "must be the " + slots + " slots of "
                    + total + " elements: " + needed * Float.BYTES + " bytes");
        }
        long start = 0;
        for (int i = 0; i < lengths.length; i++) {
            MemorySegment[] views = new MemorySegment[slots];
            for (int k = 0; k < slots; k++) {
                views[k] = segment.asSlice((k * total + start) * Float.BYTES, (long) lengths[i] * Float.BYTES);
            }
            moments[i] = new Moments.InSegments(views);
            start += lengths[i];
        }
        return moments;
    }
}
