package io.github.fusedopt;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * One tensor's state slots, {@code float} each, in the rule's order: {@code m}, {@code v} and, for
 * AMSGrad, {@code v_max}. On the heap (array slices), or in memory segments (native, or a caller's
 * heap segments).
 */
sealed interface Moments {

    /** Alignment of off-heap slots: a cache line, so that vector loads never split one. */
    long SEGMENT_ALIGNMENT = 64;

    /** Floats each tensor's slots are padded to in a group: one 64-byte cache line. */
    int PADDING = 16;

    /** The longest heap array the JVM reliably allocates. */
    int MAX_HEAP_FLOATS = Integer.MAX_VALUE - 8;

    /** The most floats a {@link FloatBuffer} view of native memory can hold: 2 GiB − 1 byte of them. */
    int MAX_NATIVE_BUFFER_FLOATS = Integer.MAX_VALUE / Float.BYTES;

    int size();

    int slotCount();

    /** Slot {@code k} as a writable segment (a heap segment over the array for heap slots). */
    MemorySegment segment(int k);

    /** A read-only view of slot {@code k}. */
    FloatBuffer buffer(int k);

    /** Throws if the slots cannot be used from the current thread now. */
    void checkAccessible(String name);

    /** Whether threads other than the caller may step these slots. */
    boolean shareable();

    /** Throws unless heap slots of {@code size} floats can be allocated as one array each. */
    static void checkHeapSize(long size, String name) {
        if (size > MAX_HEAP_FLOATS) {
            throw Checks.invalid(name, size, "exceeds " + MAX_HEAP_FLOATS + ", the longest float array the JVM "
                    + "allocates; put the state off the heap with newState(..., arena)");
        }
    }

    static Moments onHeap(int size, int slots) {
        float[][] arrays = new float[slots][size];
        return new OnHeap(arrays, new int[slots], size);
    }

    static Moments offHeap(int size, int slots, Arena arena) {
        MemorySegment[] segments = new MemorySegment[slots];
        for (int k = 0; k < slots; k++) {
            segments[k] = NativeMemory.allocate(arena, (long) size * Float.BYTES, SEGMENT_ALIGNMENT);
        }
        NativeMemory.requireDisjoint(segments);
        return new InSegments(segments);
    }

    /**
     * Slots for a group, laid out back to back in one array per slot (each tensor starting on a
     * cache line), so that a group step streams through them as through one tensor: with arrays
     * per tensor, every small tensor starts cold streams, and a group of a thousand 1K-element
     * tensors ran at 60% of one 1M-element tensor. A group too large for one array gets arrays per
     * tensor.
     */
    static Moments[] onHeap(TensorGroup group, int slots) {
        Moments[] moments = new Moments[group.tensorCount()];
        long total = paddedTotal(group);
        if (total > Integer.MAX_VALUE - 64) {
            for (int i = 0; i < moments.length; i++) {
                checkHeapSize(group.length(i), "group.length(" + i + ")");
            }
            for (int i = 0; i < moments.length; i++) {
                moments[i] = onHeap(group.length(i), slots);
            }
            return moments;
        }
        float[][] arrays = new float[slots][(int) total];
        int at = 0;
        for (int i = 0; i < moments.length; i++) {
            int[] offsets = new int[slots];
            Arrays.fill(offsets, at);
            moments[i] = new OnHeap(arrays, offsets, group.length(i));
            at = Math.toIntExact(at + padded(group.length(i)));
        }
        return moments;
    }

    /** As {@link #onHeap(TensorGroup, int)}, in 64-byte aligned segments from {@code arena}. */
    static Moments[] offHeap(TensorGroup group, int slots, Arena arena) {
        long bytes = paddedTotal(group) * Float.BYTES;
        MemorySegment[] whole = new MemorySegment[slots];
        for (int k = 0; k < slots; k++) {
            whole[k] = NativeMemory.allocate(arena, bytes, SEGMENT_ALIGNMENT);
        }
        NativeMemory.requireDisjoint(whole);
        Moments[] moments = new Moments[group.tensorCount()];
        long at = 0;
        for (int i = 0; i < moments.length; i++) {
            long length = (long) group.length(i) * Float.BYTES;
            MemorySegment[] segments = new MemorySegment[slots];
            for (int k = 0; k < slots; k++) {
                segments[k] = whole[k].asSlice(at, length);
            }
            moments[i] = new InSegments(segments);
            at += padded(group.length(i)) * Float.BYTES;
        }
        return moments;
    }

    private static long paddedTotal(TensorGroup group) {
        long total = 0;
        for (int i = 0; i < group.tensorCount(); i++) {
            total += padded(group.length(i));
        }
        return total;
    }

    private static long padded(int length) {
        return (length + PADDING - 1L) / PADDING * PADDING;
    }

    /** Heap slots: elements {@code [offsets[k], offsets[k] + size)} of {@code arrays[k]}. */
    record OnHeap(float[][] arrays, int[] offsets, int size) implements Moments {
        @Override
        public int slotCount() {
            return arrays.length;
        }

        @Override
        public MemorySegment segment(int k) {
            return MemorySegment.ofArray(arrays[k]).asSlice((long) offsets[k] * Float.BYTES, (long) size * Float.BYTES);
        }

        @Override
        public FloatBuffer buffer(int k) {
            return FloatBuffer.wrap(arrays[k], offsets[k], size).slice().asReadOnlyBuffer();
        }

        @Override
        public void checkAccessible(String name) {
        }

        @Override
        public boolean shareable() {
            return true;
        }
    }

    /** Slots in segments of equal size. */
    record InSegments(MemorySegment[] segments) implements Moments {
        @Override
        public int size() {
            return (int) (segments[0].byteSize() / Float.BYTES);
        }

        @Override
        public int slotCount() {
            return segments.length;
        }

        @Override
        public MemorySegment segment(int k) {
            return segments[k];
        }

        @Override
        public FloatBuffer buffer(int k) {
            MemorySegment segment = segments[k];
            long floats = segment.byteSize() / Float.BYTES;
            if (floats > MAX_NATIVE_BUFFER_FLOATS) {
                throw new IllegalStateException("a tensor of " + floats + " elements off the heap is larger than a "
                        + "FloatBuffer over native memory can be (" + MAX_NATIVE_BUFFER_FLOATS
                        + " floats); read it with firstMomentSegment(tensor), secondMomentSegment(tensor) or "
                        + "slotSegment(tensor, slot)");
            }
            if (segment.heapBase().orElse(null) instanceof float[] array) {
                return FloatBuffer.wrap(array, (int) (segment.address() / Float.BYTES), (int) floats).slice()
                        .asReadOnlyBuffer();
            }
            try {
                return segment.asByteBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer().asReadOnlyBuffer();
            } catch (UnsupportedOperationException e) {
                throw new IllegalStateException("a slot in " + segment + " has no FloatBuffer view; read it with "
                        + "slotSegment(tensor, slot)", e);
            }
        }

        @Override
        public void checkAccessible(String name) {
            for (MemorySegment segment : segments) {
                Checks.accessible(segment, name);
            }
        }

        @Override
        public boolean shareable() {
            for (MemorySegment segment : segments) {
                if (!Checks.shareable(segment)) {
                    return false;
                }
            }
            return true;
        }
    }
}
