package io.github.fusedopt;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Memory for off-heap moments from the caller's {@link Arena}, checked before a state uses it: a
 * closed arena or one confined to another thread is an {@link IllegalStateException} naming the
 * argument, and a custom arena must return what it was asked for.
 */
final class NativeMemory {

    private NativeMemory() {
    }

    static MemorySegment allocate(Arena arena, long bytes, long alignment) {
        if (!arena.scope().isAlive()) {
            throw new IllegalStateException("arena = " + arena + ": is closed");
        }
        MemorySegment segment;
        try {
            segment = arena.allocate(bytes, alignment);
        } catch (WrongThreadException e) {
            throw new IllegalStateException("arena = " + arena + ": is confined to another thread; create the "
                    + "state on the arena's owner thread", e);
        } catch (IllegalStateException e) {
            throw new IllegalStateException("arena = " + arena + ": " + e.getMessage(), e);
        }
        if (segment == null || segment.byteSize() != bytes || segment.isReadOnly()
                || segment.maxByteAlignment() < Float.BYTES || !segment.isAccessibleBy(Thread.currentThread())) {
            throw Checks.invalid("arena", arena, "returned " + segment + " for " + bytes + " writable, "
                    + alignment + "-byte aligned bytes");
        }
        return segment;
    }

    static void requireDisjoint(MemorySegment first, MemorySegment second) {
        if (first.asOverlappingSlice(second).isPresent()) {
            throw Checks.invalid("arena", "two allocations", "returned overlapping segments for m and v");
        }
    }
}
