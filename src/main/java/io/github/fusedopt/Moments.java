package io.github.fusedopt;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/** One tensor's moments {@code m} and {@code v}: on the heap, or in memory segments. */
sealed interface Moments {

    /** Alignment of off-heap moments: a cache line, so that vector loads never split one. */
    long SEGMENT_ALIGNMENT = 64;

    int size();

    /** A read-only view of {@code m}. */
    FloatBuffer first();

    /** A read-only view of {@code v}. */
    FloatBuffer second();

    /** {@code m} as a writable segment (a heap segment over the array for heap moments). */
    MemorySegment firstSegment();

    /** {@code v} as a segment. */
    MemorySegment secondSegment();

    /** Throws if the moments cannot be used from the current thread now. */
    void checkAccessible(String name);

    /** Whether threads other than the caller may step these moments. */
    boolean shareable();

    /** Floats each tensor's moments are padded to in a group: one 64-byte cache line. */
    int PADDING = 16;

    /** The longest heap array the JVM reliably allocates. */
    int MAX_HEAP_FLOATS = Integer.MAX_VALUE - 8;

    /** The most floats a {@link FloatBuffer} view of native memory can hold: 2 GiB − 1 byte of them. */
    int MAX_NATIVE_BUFFER_FLOATS = Integer.MAX_VALUE / Float.BYTES;

    /** Throws unless heap moments of {@code size} floats can be allocated as one array each. */
    static void checkHeapSize(long size, String name) {
        if (size > MAX_HEAP_FLOATS) {
            throw Checks.invalid(name, size, "exceeds " + MAX_HEAP_FLOATS + ", the longest float array the JVM "
                    + "allocates; put the moments off the heap with newState(..., arena)");
        }
    }

    static Moments onHeap(int size) {
        return new OnHeap(new float[size], new float[size], 0, size);
    }

    static Moments offHeap(int size, Arena arena) {
        MemorySegment m = NativeMemory.allocate(arena, (long) size * Float.BYTES, SEGMENT_ALIGNMENT);
        MemorySegment v = NativeMemory.allocate(arena, (long) size * Float.BYTES, SEGMENT_ALIGNMENT);
        NativeMemory.requireDisjoint(m, v);
        return new OffHeap(m, v);
    }

    /**
     * Moments for a group, laid out back to back in one {@code m} and one {@code v} (each tensor
     * starting on a cache line), so that a group step streams through them as through one tensor:
     * with one array per tensor, every small tensor starts four cold streams, and a group of a
     * thousand 1K-element tensors ran at 60% of one 1M-element tensor. A group too large for one
     * array gets one array per tensor.
     */
    static Moments[] onHeap(TensorGroup group) {
        Moments[] moments = new Moments[group.tensorCount()];
        long total = paddedTotal(group);
        if (total > Integer.MAX_VALUE - 64) {
            for (int i = 0; i < moments.length; i++) {
                checkHeapSize(group.length(i), "group.length(" + i + ")");
            }
            for (int i = 0; i < moments.length; i++) {
                moments[i] = onHeap(group.length(i));
            }
            return moments;
        }
        float[] m = new float[(int) total];
        float[] v = new float[(int) total];
        int at = 0;
        for (int i = 0; i < moments.length; i++) {
            moments[i] = new OnHeap(m, v, at, group.length(i));
            at = Math.toIntExact(at + padded(group.length(i)));
        }
        return moments;
    }

    /** As {@link #onHeap(TensorGroup)}, in two 64-byte aligned segments from {@code arena}. */
    static Moments[] offHeap(TensorGroup group, Arena arena) {
        long bytes = paddedTotal(group) * Float.BYTES;
        MemorySegment m = NativeMemory.allocate(arena, bytes, SEGMENT_ALIGNMENT);
        MemorySegment v = NativeMemory.allocate(arena, bytes, SEGMENT_ALIGNMENT);
        NativeMemory.requireDisjoint(m, v);
        Moments[] moments = new Moments[group.tensorCount()];
        long at = 0;
        for (int i = 0; i < moments.length; i++) {
            long length = (long) group.length(i) * Float.BYTES;
            moments[i] = new OffHeap(m.asSlice(at, length), v.asSlice(at, length));
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

    /**
     * Heap moments: elements {@code [offset, offset + size)} of two arrays, stepped by the array
     * kernels when the tensor is on the heap too.
     */
    record OnHeap(float[] m, float[] v, int offset, int size) implements Moments {
        @Override
        public FloatBuffer first() {
            return FloatBuffer.wrap(m, offset, size).slice().asReadOnlyBuffer();
        }

        @Override
        public FloatBuffer second() {
            return FloatBuffer.wrap(v, offset, size).slice().asReadOnlyBuffer();
        }

        @Override
        public MemorySegment firstSegment() {
            return MemorySegment.ofArray(m).asSlice((long) offset * Float.BYTES, (long) size * Float.BYTES);
        }

        @Override
        public MemorySegment secondSegment() {
            return MemorySegment.ofArray(v).asSlice((long) offset * Float.BYTES, (long) size * Float.BYTES);
        }

        @Override
        public void checkAccessible(String name) {
        }

        @Override
        public boolean shareable() {
            return true;
        }
    }

    /** Off-heap moments, allocated by the state's arena. */
    record OffHeap(MemorySegment m, MemorySegment v) implements Moments {
        @Override
        public int size() {
            return (int) (m.byteSize() / Float.BYTES);
        }

        @Override
        public FloatBuffer first() {
            return view(m);
        }

        @Override
        public FloatBuffer second() {
            return view(v);
        }

        private static FloatBuffer view(MemorySegment segment) {
            long floats = segment.byteSize() / Float.BYTES;
            if (floats > MAX_NATIVE_BUFFER_FLOATS) {
                throw new IllegalStateException("a tensor of " + floats + " elements off the heap is larger than a "
                        + "FloatBuffer over native memory can be (" + MAX_NATIVE_BUFFER_FLOATS
                        + " floats); read it with firstMomentSegment(tensor) or secondMomentSegment(tensor)");
            }
            return segment.asByteBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer().asReadOnlyBuffer();
        }

        @Override
        public MemorySegment firstSegment() {
            return m;
        }

        @Override
        public MemorySegment secondSegment() {
            return v;
        }

        @Override
        public void checkAccessible(String name) {
            Checks.accessible(m, name);
        }

        @Override
        public boolean shareable() {
            return Checks.shareable(m);
        }
    }
}
