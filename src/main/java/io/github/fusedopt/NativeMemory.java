package io.github.fusedopt;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Memory for off-heap state slots from the caller's {@link Arena}, checked before a state uses it: a
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

    static void requireDisjoint(MemorySegment[] slots) {
        for (int a = 0; a < slots.length; a++) {
            for (int b = a + 1; b < slots.length; b++) {
                if (slots[a].asOverlappingSlice(slots[b]).isPresent()) {
                    throw Checks.invalid("arena", "allocations " + a + " and " + b,
                            "returned overlapping segments for two state slots");
                }
            }
        }
    }
}
