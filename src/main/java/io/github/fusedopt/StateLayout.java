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
     * Float slots in an array are array slices, which the array kernels step; everything else is a
     * segment view: bf16 values are packed two to a float of the caller's array or segment.
     */
    private static Moments[] over(StateStorage storage, int[] lengths, int slots, StateFormat format) {
        long total = 0;
        for (int length : lengths) {
            total += length;
        }
        long values = slots * total;
        long floats = format.floats(values);
        String bf16 = format == StateFormat.BF16 ? " bf16" : "";
        MemorySegment region;
        if (storage.array != null) {
            long available = storage.array.length - (long) storage.offset;
            if (floats > available) {
                throw Checks.invalid("storage", storage, "holds " + available + " floats from its offset; the "
                        + slots + bf16 + " slots of " + total + " elements need " + floats
                        + (bf16.isEmpty() ? "" : " (two values per float)"));
            }
            if (format == StateFormat.F32) {
                return slices(storage.array, storage.offset, lengths, total, slots);
            }
            region = MemorySegment.ofArray(storage.array).asSlice((long) storage.offset * Float.BYTES,
                    values * format.bytes());
        } else {
            Checks.accessible(storage.segment, "storage");
            if (storage.segment.byteSize() != floats * Float.BYTES) {
                throw Checks.invalid("storage.byteSize()", storage.segment.byteSize(), "must be the " + slots + bf16
                        + " slots of " + total + " elements" + (bf16.isEmpty() ? "" : " in whole floats") + ": "
                        + floats * Float.BYTES + " bytes");
            }
            region = storage.segment.asSlice(0, values * format.bytes());
        }
        Moments[] moments = new Moments[lengths.length];
        long start = 0;
        for (int i = 0; i < lengths.length; i++) {
            MemorySegment[] views = new MemorySegment[slots];
            for (int k = 0; k < slots; k++) {
                views[k] = region.asSlice((k * total + start) * format.bytes(), (long) lengths[i] * format.bytes());
            }
            moments[i] = new Moments.InSegments(views, format);
            start += lengths[i];
        }
        return moments;
    }

    /** Float slots as slices of the caller's array, from {@code offset} on. */
    private static Moments[] slices(float[] array, int offset, int[] lengths, long total, int slots) {
        Moments[] moments = new Moments[lengths.length];
        long start = offset;
        for (int i = 0; i < lengths.length; i++) {
            float[][] arrays = new float[slots][];
            int[] offsets = new int[slots];
            for (int k = 0; k < slots; k++) {
                arrays[k] = array;
                offsets[k] = (int) (start + k * total);
            }
            moments[i] = new Moments.OnHeap(arrays, offsets, lengths[i]);
            start += lengths[i];
        }
        return moments;
    }
}
