package io.github.fusedopt;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * One tensor's state slots in the rule's order: {@code m}, {@code v} and, for AMSGrad,
 * {@code v_max}; each a float or a bf16 value per element ({@link StateFormat}). On the heap (array
 * slices), or in memory segments (native, or a caller's heap segments).
 */
sealed interface Moments {

    /** Alignment of off-heap slots: a cache line, so that vector loads never split one. */
    long SEGMENT_ALIGNMENT = 64;

    /** Bytes each tensor's slots are padded to in a group: one cache line. */
    int PADDING_BYTES = 64;

    /** The longest heap array the JVM reliably allocates. */
    int MAX_HEAP_FLOATS = Integer.MAX_VALUE - 8;

    /** The most floats a {@link FloatBuffer} view of native memory can hold: 2 GiB − 1 byte of them. */
    int MAX_NATIVE_BUFFER_FLOATS = Integer.MAX_VALUE / Float.BYTES;

    int size();

    int slotCount();

    StateFormat format();

    /** Slot {@code k} as a writable segment (a heap segment over the array for heap slots). */
    MemorySegment segment(int k);

    /** A read-only view of slot {@code k}; for bf16 slots, a copy of their values widened to float. */
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

    static Moments onHeap(int size, int slots, StateFormat format) {
        return format == StateFormat.BF16 ? new OnHeapBf16(new short[slots][size], new int[slots], size)
                : new OnHeap(new float[slots][size], new int[slots], size);
    }

    static Moments offHeap(int size, int slots, StateFormat format, Arena arena) {
        MemorySegment[] segments = new MemorySegment[slots];
        for (int k = 0; k < slots; k++) {
            segments[k] = NativeMemory.allocate(arena, (long) size * format.bytes(), SEGMENT_ALIGNMENT);
        }
        NativeMemory.requireDisjoint(segments);
        return new InSegments(segments, format);
    }

    /**
     * Slots for a group, laid out back to back in one array per slot (each tensor starting on a
     * cache line), so that a group step streams through them as through one tensor: with arrays
     * per tensor, every small tensor starts cold streams, and a group of a thousand 1K-element
     * tensors ran at 60% of one 1M-element tensor. A group too large for one array gets arrays per
     * tensor.
     */
    static Moments[] onHeap(TensorGroup group, int slots, StateFormat format) {
        Moments[] moments = new Moments[group.tensorCount()];
        long total = paddedTotal(group, format);
        if (total > Integer.MAX_VALUE - 64) {
            for (int i = 0; i < moments.length; i++) {
                checkHeapSize(group.length(i), "group.length(" + i + ")");
            }
            for (int i = 0; i < moments.length; i++) {
                moments[i] = onHeap(group.length(i), slots, format);
            }
            return moments;
        }
        float[][] floats = format == StateFormat.F32 ? new float[slots][(int) total] : null;
        short[][] shorts = format == StateFormat.BF16 ? new short[slots][(int) total] : null;
        int at = 0;
        for (int i = 0; i < moments.length; i++) {
            int[] offsets = new int[slots];
            Arrays.fill(offsets, at);
            moments[i] = floats != null ? new OnHeap(floats, offsets, group.length(i))
                    : new OnHeapBf16(shorts, offsets, group.length(i));
            at = Math.toIntExact(at + padded(group.length(i), format));
        }
        return moments;
    }

    /** As {@link #onHeap(TensorGroup, int, StateFormat)}, in 64-byte aligned segments from {@code arena}. */
    static Moments[] offHeap(TensorGroup group, int slots, StateFormat format, Arena arena) {
        long bytes = paddedTotal(group, format) * format.bytes();
        MemorySegment[] whole = new MemorySegment[slots];
        for (int k = 0; k < slots; k++) {
            whole[k] = NativeMemory.allocate(arena, bytes, SEGMENT_ALIGNMENT);
        }
        NativeMemory.requireDisjoint(whole);
        Moments[] moments = new Moments[group.tensorCount()];
        long at = 0;
        for (int i = 0; i < moments.length; i++) {
            long length = (long) group.length(i) * format.bytes();
            MemorySegment[] segments = new MemorySegment[slots];
            for (int k = 0; k < slots; k++) {
                segments[k] = whole[k].asSlice(at, length);
            }
            moments[i] = new InSegments(segments, format);
            at += padded(group.length(i), format) * format.bytes();
        }
        return moments;
    }

    private static long paddedTotal(TensorGroup group, StateFormat format) {
        long total = 0;
        for (int i = 0; i < group.tensorCount(); i++) {
            total += padded(group.length(i), format);
        }
        return total;
    }

    /** {@code length} elements rounded up to whole cache lines of {@code format}'s values. */
    private static long padded(int length, StateFormat format) {
        int perLine = PADDING_BYTES / format.bytes();
        return (length + perLine - 1L) / perLine * perLine;
    }

    /** Heap slots: elements {@code [offsets[k], offsets[k] + size)} of {@code arrays[k]}. */
    record OnHeap(float[][] arrays, int[] offsets, int size) implements Moments {
        @Override
        public int slotCount() {
            return arrays.length;
        }

        @Override
        public StateFormat format() {
            return StateFormat.F32;
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

    /** bf16 heap slots: elements {@code [offsets[k], offsets[k] + size)} of {@code arrays[k]}. */
    record OnHeapBf16(short[][] arrays, int[] offsets, int size) implements Moments {
        @Override
        public int slotCount() {
            return arrays.length;
        }

        @Override
        public StateFormat format() {
            return StateFormat.BF16;
        }

        @Override
        public MemorySegment segment(int k) {
            return MemorySegment.ofArray(arrays[k]).asSlice((long) offsets[k] * Short.BYTES, (long) size * Short.BYTES);
        }

        @Override
        public FloatBuffer buffer(int k) {
            return widened(segment(k));
        }

        @Override
        public void checkAccessible(String name) {
        }

        @Override
        public boolean shareable() {
            return true;
        }
    }

    /** A read-only buffer holding a copy of a bf16 segment's values widened to float. */
    private static FloatBuffer widened(MemorySegment bf16) {
        long count = bf16.byteSize() / Short.BYTES;
        if (count > MAX_HEAP_FLOATS) {
            throw new IllegalStateException("a bf16 slot of " + count + " elements is too large to widen into a "
                    + "FloatBuffer; read it with slotSegment(tensor, slot)");
        }
        float[] values = new float[(int) count];
        for (int i = 0; i < values.length; i++) {
            values[i] = Float.intBitsToFloat(bf16.getAtIndex(ValueLayout.JAVA_SHORT, i) << 16);
        }
        return FloatBuffer.wrap(values).asReadOnlyBuffer();
    }

    /** Slots in segments of equal size, each holding {@code format}'s values in native byte order. */
    record InSegments(MemorySegment[] segments, StateFormat format) implements Moments {
        @Override
        public int size() {
            return (int) (segments[0].byteSize() / format.bytes());
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
            if (format == StateFormat.BF16) {
                return widened(segment);
            }
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
