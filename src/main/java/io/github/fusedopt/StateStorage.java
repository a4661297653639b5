package io.github.fusedopt;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Where a new state keeps its slots ({@code m}, {@code v} and, with AMSGrad, {@code v_max}): fresh
 * zeroed arrays on the heap, fresh zeroed native memory from an arena, or memory the caller owns.
 *
 * <p>Caller-owned storage holds the slots back to back, slot after slot: for a tensor of
 * {@code n} elements, slot {@code k} is elements {@code [k·n, (k + 1)·n)}; for a group of
 * {@code N} elements in all, slot {@code k} of tensor {@code i} is elements
 * {@code [k·N + s_i, k·N + s_i + n_i)}, where {@code s_i} is the sum of the lengths before tensor
 * {@code i}. That is the layout of DL4J's updater-state view for Adam ({@code m} in the first half,
 * {@code v} in the second). Elements are floats, or for a bf16 state ({@link StateFormat#BF16})
 * 2-byte values in native byte order, two to a float of the caller's array or segment
 * ({@link Optimizer#stateFloats} gives the floats needed). The state then reads and writes the
 * caller's memory directly, starting from whatever it holds (zeros for a fresh run); the caller
 * must not use it for anything else while the state is stepped, and steps refuse bindings that
 * overlap it.
 */
public final class StateStorage {

    private static final StateStorage HEAP = new StateStorage(null, null, 0, null);

    final Arena arena;
    final float[] array;
    final int offset;
    final MemorySegment segment;

    private StateStorage(Arena arena, float[] array, int offset, MemorySegment segment) {
        this.arena = arena;
        this.array = array;
        this.offset = offset;
        this.segment = segment;
    }

    /**
     * Zeroed arrays of the state's own on the heap (what {@code newState(size)} uses).
     *
     * @return the storage
     */
    public static StateStorage heap() {
        return HEAP;
    }

    /**
     * Zeroed, 64-byte aligned native memory from {@code arena}, valid while it is open.
     *
     * @param arena where to allocate
     * @return the storage
     * @throws NullPointerException if {@code arena} is null
     */
    public static StateStorage allocate(Arena arena) {
        return new StateStorage(Checks.notNull(arena, "arena"), null, 0, null);
    }

    /**
     * The caller's array, from {@code offset} on, holding the slots back to back.
     *
     * @param storage the array; the state reads and writes it
     * @param offset where slot 0 starts, {@code ≥ 0}
     * @return the storage
     * @throws NullPointerException if {@code storage} is null
     * @throws IllegalArgumentException if {@code offset} is negative or beyond the array
     */
    public static StateStorage of(float[] storage, int offset) {
        Checks.notNull(storage, "storage");
        if (offset < 0 || offset > storage.length) {
            throw Checks.invalid("offset", offset, "must be in [0, storage.length = " + storage.length + "]");
        }
        return new StateStorage(null, storage, offset, null);
    }

    /**
     * The caller's segment of floats in native byte order, holding the slots back to back; it must
     * be exactly as long as they are ({@link Optimizer#stateFloats} floats).
     *
     * @param storage writable, 4-byte aligned; on or off the heap
     * @return the storage
     * @throws NullPointerException if {@code storage} is null
     * @throws IllegalArgumentException if it is read-only, misaligned or not a whole number of floats
     * @throws IllegalStateException if its arena is closed or confined to another thread
     */
    public static StateStorage of(MemorySegment storage) {
        Checks.floatCount(storage, "storage", true);
        return new StateStorage(null, null, 0, storage);
    }

    /** {@return whether the caller owns the memory} */
    boolean callerOwned() {
        return array != null || segment != null;
    }

    @Override
    public String toString() {
        return arena != null ? "StateStorage[allocate(" + arena + ")]"
                : array != null ? "StateStorage[array of " + array.length + " floats, offset " + offset + "]"
                : segment != null ? "StateStorage[" + segment + "]" : "StateStorage[heap]";
    }
}
