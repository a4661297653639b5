package io.github.fusedopt;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * An off-heap state of more than {@code 2^29} floats per moment, past the 2 GiB that a
 * {@code ByteBuffer} view can hold: it is readable, saves, loads and exports. The moments live in a
 * sparse file mapped by a custom arena, so that only the touched pages take memory; the checkpoint
 * (4 GiB) and the exported files (2 × 2 GiB) are real, and loading stages 4 GiB in memory. It takes
 * about a minute on the 2-core VMs here, so the build runs it once, in the run with the vector
 * module (tag {@code large}), and skips it where disk or memory is short.
 */
@Tag("large")
class LargeStateTest {

    private static final long N = (1L << 29) + 16;
    private static final long[] M_MARKS = {0, (1L << 29) - 1, 1L << 29, N - 1};
    private static final long[] V_MARKS = {1, (1L << 29) + 1, N - 2};

    @TempDir
    Path dir;

    /** Memory from sparse files, mapped: pages exist only once touched. */
    private static final class SparseFileArena implements Arena {
        private final Arena mappings = Arena.ofShared();
        private final Path dir;
        private int count;

        SparseFileArena(Path dir) {
            this.dir = dir;
        }

        @Override
        public MemorySegment allocate(long byteSize, long byteAlignment) {
            try (FileChannel file = FileChannel.open(dir.resolve("segment-" + count++), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.SPARSE)) {
                return file.map(FileChannel.MapMode.READ_WRITE, 0, byteSize, mappings);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public MemorySegment.Scope scope() {
            return mappings.scope();
        }

        @Override
        public void close() {
            mappings.close();
        }
    }

    @Test
    void aStateBeyondTwoGibibytesPerMomentIsReadableSavesLoadsAndExports() throws IOException {
        assumeTrue(Files.getFileStore(dir).getUsableSpace() > 12L << 30, "needs 12 GiB of free disk");
        assumeTrue(totalMemoryKib() > 16L << 20, "needs 16 GiB of memory");
        Adam adam = Adam.builder().build();
        Path segments = Files.createDirectory(dir.resolve("segments"));
        try (SparseFileArena sparse = new SparseFileArena(segments)) {
            OptimizerState state = adam.newState((int) N, sparse);
            MemorySegment m = state.moments[0].segment(0);
            MemorySegment v = state.moments[0].segment(1);
            for (long i : M_MARKS) {
                m.setAtIndex(JAVA_FLOAT, i, i * 0.5f + 1);
            }
            for (long i : V_MARKS) {
                v.setAtIndex(JAVA_FLOAT, i, i * 0.25f + 2);
            }
            state.step = 7;

            IllegalStateException tooLarge = assertThrows(IllegalStateException.class, state::firstMoment);
            assertTrue(tooLarge.getMessage().contains("firstMomentSegment"), tooLarge.getMessage());
            assertMarks(state.firstMomentSegment(0), state.secondMomentSegment(0));

            Path file = dir.resolve("large.ckpt");
            Checkpoint.save(file, adam, state);
            assertEquals(44 + 14 + HyperparameterText.encode(adam).length() + 8 * N, Files.size(file));
            OptimizerState loaded = adam.newState((int) N, sparse);
            Checkpoint.load(file, loaded);
            assertEquals(7, loaded.step());
            assertMarks(loaded.firstMomentSegment(0), loaded.secondMomentSegment(0));
            Files.delete(file);

            Path npy = Files.createDirectory(dir.resolve("npy"));
            Checkpoint.exportMoments(npy, state);
            assertNpyMarks(npy.resolve("m_0.npy"), M_MARKS, 0.5f, 1);
            assertNpyMarks(npy.resolve("v_0.npy"), V_MARKS, 0.25f, 2);
        }
    }

    /** MemTotal of {@code /proc/meminfo}, or 0 where there is none. */
    private static long totalMemoryKib() throws IOException {
        Path meminfo = Path.of("/proc/meminfo");
        if (!Files.isReadable(meminfo)) {
            return 0;
        }
        return Files.readAllLines(meminfo).stream().filter(l -> l.startsWith("MemTotal:"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElse(0);
    }

    private static void assertMarks(MemorySegment m, MemorySegment v) {
        assertEquals(N * Float.BYTES, m.byteSize());
        for (long i : M_MARKS) {
            assertEquals(i * 0.5f + 1, m.getAtIndex(JAVA_FLOAT, i), "m[" + i + "]");
        }
        for (long i : V_MARKS) {
            assertEquals(i * 0.25f + 2, v.getAtIndex(JAVA_FLOAT, i), "v[" + i + "]");
        }
        assertEquals(0f, m.getAtIndex(JAVA_FLOAT, 12345), "an untouched element");
    }

    private static void assertNpyMarks(Path file, long[] marks, float scale, float offset) throws IOException {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer head = ByteBuffer.allocate(128).order(ByteOrder.LITTLE_ENDIAN);
            in.read(head, 0);
            int headerLength = head.getShort(8) & 0xffff;
            String header = new String(head.array(), 10, headerLength, StandardCharsets.US_ASCII);
            assertTrue(header.contains("'shape': (" + N + ",)"), header);
            long dataAt = 10 + headerLength;
            assertEquals(dataAt + 4 * N, in.size());
            for (long i : marks) {
                ByteBuffer value = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
                in.read(value, dataAt + 4 * i);
                assertEquals(i * scale + offset, value.getFloat(0), file.getFileName() + "[" + i + "]");
            }
        }
    }
}
