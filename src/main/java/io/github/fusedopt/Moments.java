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

    /** {@code m} as a segment (a heap segment over the array for heap moments). */
    MemorySegment firstSegment();

    /** {@code v} as a segment. */
    MemorySegment secondSegment();

    /** Throws if the moments cannot be used from the current thread now. */
    void checkAccessible(String name);

    /** Whether threads other than the caller may step these moments. */
    boolean shareable();

    static Moments onHeap(int size) {
        return new OnHeap(new float[size], new float[size]);
    }

    static Moments offHeap(int size, Arena arena) {
        return new OffHeap(arena.allocate((long) size * Float.BYTES, SEGMENT_ALIGNMENT),
                arena.allocate((long) size * Float.BYTES, SEGMENT_ALIGNMENT));
    }

    /** Heap moments: plain arrays, stepped by the array kernels when the tensor is on the heap too. */
    record OnHeap(float[] m, float[] v) implements Moments {
        @Override
        public int size() {
            return m.length;
        }

        @Override
        public FloatBuffer first() {
            return FloatBuffer.wrap(m).asReadOnlyBuffer();
        }

        @Override
        public FloatBuffer second() {
            return FloatBuffer.wrap(v).asReadOnlyBuffer();
        }

        @Override
        public MemorySegment firstSegment() {
            return MemorySegment.ofArray(m);
        }

        @Override
        public MemorySegment secondSegment() {
            return MemorySegment.ofArray(v);
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
