package io.github.fusedopt;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code newState} with an arena it cannot use: closed, confined to another thread, or a custom
 * arena that returns something other than what was asked. Each is refused by name, with the
 * exception the Javadoc promises.
 */
class NewStateTest {

    private static final Adam ADAM = Adam.builder().build();

    @Test
    void anArenaConfinedToAnotherThreadIsAnIllegalState() throws Exception {
        AtomicReference<Arena> owned = new AtomicReference<>();
        Thread owner = new Thread(() -> owned.set(Arena.ofConfined()));
        owner.start();
        owner.join();
        Arena other = owned.get();
        TensorGroup group = TensorGroup.of(new float[4], new float[4]);
        for (var call : new org.junit.jupiter.api.function.Executable[] {() -> ADAM.newState(8, other),
                () -> ADAM.newState(group, other)}) {
            IllegalStateException e = assertThrows(IllegalStateException.class, call);
            assertTrue(e.getMessage().startsWith("arena = ") && e.getMessage().contains("another thread"),
                    e.getMessage());
        }
    }

    @Test
    void aClosedArenaIsAnIllegalStateNamedByArgument() {
        Arena arena = Arena.ofConfined();
        arena.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ADAM.newState(8, arena));
        assertTrue(e.getMessage().startsWith("arena = ") && e.getMessage().contains("closed"), e.getMessage());
    }

    /** An arena that hands out the wrong memory: a smaller block, the same block twice, a misaligned one. */
    private static final class Faulty implements Arena {
        private final Arena inner;
        private final String fault;
        private MemorySegment last;

        Faulty(Arena inner, String fault) {
            this.inner = inner;
            this.fault = fault;
        }

        @Override
        public MemorySegment allocate(long byteSize, long byteAlignment) {
            return switch (fault) {
                case "short" -> inner.allocate(byteSize / 2 + 4, byteAlignment);
                case "misaligned" -> inner.allocate(byteSize + 8, byteAlignment).asSlice(2, byteSize);
                case "read-only" -> inner.allocate(byteSize, byteAlignment).asReadOnly();
                case "same" -> last != null ? last : (last = inner.allocate(byteSize, byteAlignment));
                default -> inner.allocate(byteSize, byteAlignment);
            };
        }

        @Override
        public MemorySegment.Scope scope() {
            return inner.scope();
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    @Test
    void aCustomArenaMustReturnWhatItWasAskedFor() {
        for (String fault : new String[] {"short", "misaligned", "read-only", "same"}) {
            try (Arena inner = Arena.ofConfined()) {
                Faulty arena = new Faulty(inner, fault);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> ADAM.newState(16, arena), fault);
                assertTrue(e.getMessage().startsWith("arena = "), fault + ": " + e.getMessage());
            }
        }
        try (Arena inner = Arena.ofConfined()) {
            assertEquals(16, ADAM.newState(16, new Faulty(inner, "none")).size(), "a faithful custom arena");
        }
    }
}
