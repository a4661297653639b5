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
    static Moments single(StateStorage storage, int size, int slots, StateFormat format) {
        if (storage.arena != null) {
            return Moments.offHeap(size, slots, format, storage.arena);
        }
        if (!storage.callerOwned()) {
            Moments.checkHeapSize(size, "size");
            return Moments.onHeap(size, slots, format);
        }
        return over(storage, new int[] {size}, slots, format)[0];
    }

    /** Slots for each tensor of a group. */
    static Moments[] group(StateStorage storage, TensorGroup group, int slots, StateFormat format) {
        if (storage.arena != null) {
            return Moments.offHeap(group, slots, format, storage.arena);
        }
        if (!storage.callerOwned()) {
            return Moments.onHeap(group, slots, format);
        }
        int[] lengths = new int[group.tensorCount()];
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = group.length(i);
        }
        return over(storage, lengths, slots, format);
    }

    /**
     * Views of the caller's memory: slot {@code k} of tensor {@code i} at value {@code k·N + s_i}.
     * bf16 values are packed two to a float of the caller's array or segment.
     */
    private static Moments[] over(StateStorage storage, int[] lengths, int slots, StateFormat format) {
        long total = 0;
        for (int length : lengths) {
            total += length;
        }
        long needed = slots * total;
        if (format == StateFormat.BF16) {
            return overBf16(storage, lengths, total, slots);
        }
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
            moments[i] = new Moments.InSegments(views, StateFormat.F32);
            start += lengths[i];
        }
        return moments;
    }

    /** bf16 slots in the caller's floats: {@code ⌈slots·N/2⌉} of them, the last half-used when odd. */
    private static Moments[] overBf16(StateStorage storage, int[] lengths, long total, int slots) {
        long values = slots * total;
        long floats = (values + 1) / 2;
        MemorySegment region;
        if (storage.array != null) {
            long available = storage.array.length - (long) storage.offset;
            if (floats > available) {
                throw Checks.invalid("storage", storage, "holds " + available + " floats from its offset; the "
                        + slots + " bf16 slots of " + total + " elements need " + floats + " (two values per float)");
            }
            region = MemorySegment.ofArray(storage.array).asSlice((long) storage.offset * Float.BYTES,
                    values * Short.BYTES);
        } else {
            Checks.accessible(storage.segment, "storage");
            if (storage.segment.byteSize() != floats * Float.BYTES) {
                throw Checks.invalid("storage.byteSize()", storage.segment.byteSize(), "must be the " + slots
                        + " bf16 slots of " + total + " elements in whole floats: " + floats * Float.BYTES + " bytes");
            }
            region = storage.segment.asSlice(0, values * Short.BYTES);
        }
        Moments[] moments = new Moments[lengths.length];
        long start = 0;
        for (int i = 0; i < lengths.length; i++) {
            MemorySegment[] views = new MemorySegment[slots];
            for (int k = 0; k < slots; k++) {
                views[k] = region.asSlice((k * total + start) * Short.BYTES, (long) lengths[i] * Short.BYTES);
            }
            moments[i] = new Moments.InSegments(views, StateFormat.BF16);
            start += lengths[i];
        }
        return moments;
    }
}
