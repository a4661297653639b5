package io.github.fusedopt;

import io.github.fusedopt.kernel.KernelProvider;
import io.github.fusedopt.testing.Property;
import io.github.fusedopt.testing.Values;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checkpoints: a save and load restores the state bit for bit and the run then continues exactly
 * as if it had never stopped; every damaged, foreign or mismatched file is rejected with the live
 * state untouched; saves replace files atomically.
 */
class CheckpointTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aRestoredRunEqualsAnUninterruptedRun(Kind kind) {
        Property.forAll("checkpoint round trip, " + kind, Math.max(1, Property.tries() / 10),
                Trajectory.generator(kind, 3000), t -> {
                    Optimizer optimizer = Hyperparameters.withPolicy(t.optimizer(),
                            t.length() % 2 == 0 ? NonFinitePolicy.SKIP : NonFinitePolicy.PROPAGATE);
                    int cut = t.steps() / 2;
                    Trajectory.Run original = t.start(optimizer);
                    for (int s = 0; s < cut; s++) {
                        original.step(KernelProvider.kernels(), s);
                    }
                    Path file = dir.resolve("run.ckpt");
                    Checkpoint.save(file, optimizer, original.state);
                    // A fresh process: the default optimizer's state (of the same slots), then the saved
                    // optimizer rebuilt from the file.
                    Optimizer defaults = optimizer.stateSlots() == 3
                            ? kind.defaults().toBuilder().set("amsGrad", "true").build() : kind.defaults();
                    defaults = defaults.toBuilder().stateFormat(optimizer.stateFormat()).build();
                    OptimizerState fresh = defaults.newState(t.length());
                    Optimizer loaded = Checkpoint.load(file, fresh);
                    assertEquals(optimizer.toString(), loaded.toString());
                    assertSameState(original.state, fresh, "after load");
                    Trajectory.Run continued = t.start(loaded);
                    System.arraycopy(original.params, 0, continued.params, 0, original.params.length);
                    Checkpoint.load(file, continued.state);
                    for (int s = cut; s < t.steps(); s++) {
                        original.step(KernelProvider.kernels(), s);
                        continued.step(KernelProvider.kernels(), s);
                        assertEquals(-1, Values.firstDifference(original.paramSlice(), continued.paramSlice()),
                                "params after step " + (s + 1));
                        assertSameState(original.state, continued.state, "after step " + (s + 1));
                    }
                });
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void groupStatesOnAndOffTheHeapRoundTrip(Kind kind) {
        Property.forAll("group checkpoint round trip, " + kind, Math.max(1, Property.tries() / 50),
                new Property.Generator<GroupCase>() {
                    @Override
                    public int length(SplittableRandom random) {
                        return random.nextInt(1, 8);
                    }

                    @Override
                    public GroupCase generate(SplittableRandom random, int size) {
                        return GroupCase.random(kind.random(random), random, size);
                    }
                }, c -> {
                    Path file = dir.resolve("group.ckpt");
                    try (GroupCase.Bound original = c.new Bound(new SplittableRandom(1));
                         GroupCase.Bound restored = c.new Bound(new SplittableRandom(2));
                         Arena arena = Arena.ofConfined()) {
                        int cut = (c.steps() + 1) / 2;
                        for (int s = 0; s < cut; s++) {
                            original.loadGrads(s);
                            GroupStepTest.stepGroup(c.optimizer(), c, original, s, StepExecutor.serial());
                        }
                        Checkpoint.save(file, c.optimizer(), original.state);
                        // Load into the other storage: off-heap if the original is on the heap, and back.
                        OptimizerState other = original.state.offHeap() ? c.optimizer().newState(restored.group)
                                : c.optimizer().newState(restored.group, arena);
                        Checkpoint.load(file, other);
                        assertSameState(original.state, other, "in the other storage");
                        Checkpoint.load(file, restored.state);
                        for (int i = 0; i < c.tensors(); i++) {
                            MemorySegment.copy(original.params(i), 0, restored.params(i), 0, original.params(i).byteSize());
                        }
                        for (int s = cut; s < c.steps(); s++) {
                            original.loadGrads(s);
                            restored.loadGrads(s);
                            GroupStepTest.stepGroup(c.optimizer(), c, original, s, StepExecutor.serial());
                            GroupStepTest.stepGroup(c.optimizer(), c, restored, s, StepExecutor.serial());
                            for (int i = 0; i < c.tensors(); i++) {
                                assertEquals(-1, Values.firstDifference(original.paramsCopy(i), restored.paramsCopy(i)),
                                        "params of tensor " + i + " after step " + (s + 1));
                            }
                            assertSameState(original.state, restored.state, "after step " + (s + 1));
                        }
                    }
                });
    }

    static void assertSameState(OptimizerState expected, OptimizerState actual, String where) {
        assertEquals(expected.tensorCount(), actual.tensorCount(), where);
        for (int i = 0; i < expected.tensorCount(); i++) {
            assertEquals(expected.slotCount(), actual.slotCount(), where);
            for (int k = 0; k < expected.slotCount(); k++) {
                assertEquals(-1, Values.firstDifference(expected.slotCopy(i, k), actual.slotCopy(i, k)),
                        "slot " + k + " of tensor " + i + " " + where);
            }
        }
        assertEquals(expected.step(), actual.step(), "step " + where);
        assertEquals(expected.roundingSeed(), actual.roundingSeed(), "rounding seed " + where);
        assertEquals(Double.doubleToRawLongBits(expected.referenceLoss), Double.doubleToRawLongBits(actual.referenceLoss),
                "reference loss " + where);
    }

    // ---- a small valid checkpoint and the live state it must never damage ----

    private static final AdamL ADAM_L = AdamL.builder().learningRate(0.01).lossExponent(2).lossMin(-1)
            .nonFinitePolicy(NonFinitePolicy.SKIP).build();

    /** A two-tensor AdamL group state after {@code steps} steps of seeded gradients. */
    private static OptimizerState trainedGroupState(long seed, int steps) {
        float[] p = new float[8];
        float[] g = new float[8];
        TensorGroup group = TensorGroup.builder().add(p, 0, g, 0, 5).add(p, 5, g, 5, 3).build();
        OptimizerState state = ADAM_L.newState(group);
        SplittableRandom r = new SplittableRandom(seed);
        for (int s = 0; s < steps; s++) {
            for (int i = 0; i < g.length; i++) {
                g[i] = (float) r.nextGaussian();
            }
            ADAM_L.step(state, 3.0 - s * 0.1, group);
        }
        return state;
    }

    private byte[] validFile() throws IOException {
        Path file = dir.resolve("valid.ckpt");
        Checkpoint.save(file, ADAM_L, trainedGroupState(1, 4));
        return Files.readAllBytes(file);
    }

    /** Loads {@code bytes} into a trained live state and checks it was rejected and left untouched. */
    private <E extends Exception> E assertRejected(Class<E> type, byte[] bytes, OptimizerState live) throws IOException {
        Path file = dir.resolve("bad.ckpt");
        Files.write(file, bytes);
        OptimizerState before = copyOf(live);
        E e = assertThrows(type, () -> Checkpoint.load(file, live));
        assertSameState(before, live, "after a rejected load");
        return e;
    }

    static OptimizerState copyOf(OptimizerState state) {
        Moments[] moments = new Moments[state.tensorCount()];
        for (int i = 0; i < moments.length; i++) {
            float[][] slots = new float[state.slotCount()][];
            for (int k = 0; k < slots.length; k++) {
                slots[k] = state.slotCopy(i, k);
            }
            moments[i] = new Moments.OnHeap(slots, new int[slots.length], state.size(i));
        }
        OptimizerState copy = new OptimizerState(state.kind, state.family, moments, state.format, false, state.referenceLoss);
        copy.step = state.step;
        copy.roundingSeed = state.roundingSeed;
        return copy;
    }

    @Test
    void everyTruncationIsRejected() throws IOException {
        byte[] valid = validFile();
        OptimizerState live = trainedGroupState(2, 7);
        for (int length = 0; length < valid.length; length++) {
            CheckpointException e = assertRejected(CheckpointException.class, Arrays.copyOf(valid, length), live);
            assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("checksum"),
                    "length " + length + ": " + e.getMessage());
        }
    }

    @Test
    void everyCorruptedByteIsRejected() throws IOException {
        byte[] valid = validFile();
        OptimizerState live = trainedGroupState(2, 7);
        SplittableRandom r = new SplittableRandom(3);
        for (int at = 0; at < valid.length; at++) {
            byte[] bad = valid.clone();
            bad[at] ^= (byte) r.nextInt(1, 256);
            assertRejected(CheckpointException.class, bad, live);
        }
    }

    @Test
    void extraBytesAreRejected() throws IOException {
        byte[] valid = validFile();
        CheckpointException e = assertRejected(CheckpointException.class, Arrays.copyOf(valid, valid.length + 1),
                trainedGroupState(2, 7));
        assertTrue(e.getMessage().contains("1 bytes after the end"), e.getMessage());
    }

    @Test
    void anotherVersionIsRejectedByName() throws IOException {
        byte[] bad = withChecksum(patchInt(validFile(), 8, 3));
        CheckpointException e = assertRejected(CheckpointException.class, bad, trainedGroupState(2, 7));
        assertTrue(e.getMessage().contains("version 3 is not supported; this library reads versions 1 and 2"),
                e.getMessage());
    }

    @Test
    void aForeignFileIsRejected() throws IOException {
        CheckpointException e = assertRejected(CheckpointException.class,
                "not a checkpoint at all, just text".getBytes(StandardCharsets.UTF_8), trainedGroupState(2, 7));
        assertTrue(e.getMessage().contains("not a fusedopt checkpoint"), e.getMessage());
    }

    @Test
    void invalidHyperparametersWithAValidChecksumAreRejected() throws IOException {
        byte[] valid = validFile();
        String text = new String(valid, StandardCharsets.ISO_8859_1);
        for (String[] edit : new String[][] {{"beta1=0.9\n", "beta1=1.5\n"}, {"beta1=0.9\n", "beta1=x.9\n"},
                {"optimizer=AdamL", "optimizer=AdamZ"}, {"lossMin=", "lossMan="}, {"COUPLED", "COUPLEX"}}) {
            byte[] bad = withChecksum(text.replace(edit[0], edit[1]).getBytes(StandardCharsets.ISO_8859_1));
            CheckpointException e = assertRejected(CheckpointException.class, bad, trainedGroupState(2, 7));
            assertTrue(e.getMessage().contains("hyperparameter") || e.getMessage().contains("optimizer"),
                    e.getMessage());
        }
    }

    @Test
    void aCheckpointOfAnotherShapeOrRuleIsRejected() throws IOException {
        Path file = dir.resolve("valid.ckpt");
        Checkpoint.save(file, ADAM_L, trainedGroupState(1, 4));
        OptimizerState single = ADAM_L.newState(8);
        OptimizerState otherSizes = ADAM_L.newState(TensorGroup.builder().add(new float[5], 0, new float[5], 0, 5)
                .add(new float[2], 0, new float[2], 0, 2).build());
        OptimizerState otherRule = Adam.builder().build().newState(TensorGroup.builder()
                .add(new float[5], 0, new float[5], 0, 5).add(new float[3], 0, new float[3], 0, 3).build());
        byte[] bytes = Files.readAllBytes(file);
        assertTrue(assertRejected(IllegalArgumentException.class, bytes, single).getMessage().contains("holds 1 tensors"));
        assertTrue(assertRejected(IllegalArgumentException.class, bytes, otherSizes).getMessage()
                .contains("state.size(1) = 2"));
        assertTrue(assertRejected(IllegalArgumentException.class, bytes, otherRule).getMessage().contains("AdamL"));
    }

    @Test
    void badArgumentsChangeNothing() throws IOException {
        Path file = dir.resolve("valid.ckpt");
        OptimizerState state = trainedGroupState(1, 4);
        assertThrows(NullPointerException.class, () -> Checkpoint.save(null, ADAM_L, state));
        assertThrows(NullPointerException.class, () -> Checkpoint.save(file, null, state));
        assertThrows(NullPointerException.class, () -> Checkpoint.save(file, ADAM_L, null));
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.save(file, Adam.builder().build(), state));
        assertTrue(Files.notExists(file));
        Checkpoint.save(file, ADAM_L, state);
        OptimizerState before = copyOf(state);
        assertThrows(NullPointerException.class, () -> Checkpoint.load(null, state));
        assertThrows(NullPointerException.class, () -> Checkpoint.load(file, null));
        assertThrows(NoSuchFileException.class, () -> Checkpoint.load(dir.resolve("missing.ckpt"), state));
        assertSameState(before, state, "after rejected calls");
        assertThrows(NullPointerException.class, () -> Checkpoint.writeNpy(null, state.firstMoment(0)));
        assertThrows(NullPointerException.class, () -> Checkpoint.writeNpy(file, null));
        assertThrows(NullPointerException.class, () -> Checkpoint.exportMoments(null, state));
        assertThrows(NullPointerException.class, () -> Checkpoint.exportMoments(dir, null));
    }

    @Test
    void aClosedArenasStateIsNeitherSavedNorLoaded() throws IOException {
        Path file = dir.resolve("valid.ckpt");
        Checkpoint.save(file, ADAM_L, trainedGroupState(1, 4));
        byte[] before = Files.readAllBytes(file);
        Arena arena = Arena.ofShared();
        OptimizerState offHeap = ADAM_L.newState(8, arena);
        arena.close();
        assertThrows(IllegalStateException.class, () -> Checkpoint.save(file, ADAM_L, offHeap));
        assertThrows(IllegalStateException.class, () -> Checkpoint.load(file, offHeap));
        assertArrayEquals(before, Files.readAllBytes(file));
        assertOnlyFiles("valid.ckpt");
    }

    @Test
    void saveReplacesTheFileAndLeavesNoTemporaryFile() throws IOException {
        Path file = dir.resolve("run.ckpt");
        Checkpoint.save(file, ADAM_L, trainedGroupState(1, 2));
        Checkpoint.save(file, ADAM_L, trainedGroupState(1, 5));
        OptimizerState loaded = ADAM_L.newState(TensorGroup.builder().add(new float[5], 0, new float[5], 0, 5)
                .add(new float[3], 0, new float[3], 0, 3).build());
        Checkpoint.load(file, loaded);
        assertSameState(trainedGroupState(1, 5), loaded, "after the second save");
        assertOnlyFiles("run.ckpt");
    }

    @Test
    void aFailedWriteLeavesTheOldFileAndNoTemporaryFile() throws IOException {
        Path file = dir.resolve("run.ckpt");
        Files.writeString(file, "old");
        IOException e = assertThrows(IOException.class, () -> io.github.fusedopt.io.AtomicFiles.write(file, out -> {
            out.write(ByteBuffer.wrap(new byte[1000]));
            throw new IOException("disk full");
        }));
        assertEquals("cannot write " + file.toAbsolutePath() + ": disk full", e.getMessage(), "names the target");
        assertEquals("old", Files.readString(file));
        assertOnlyFiles("run.ckpt");
        assertThrows(NoSuchFileException.class, () -> Checkpoint.save(dir.resolve("no/such/dir/x.ckpt"), ADAM_L,
                trainedGroupState(1, 1)));
    }

    private void assertOnlyFiles(String... names) throws IOException {
        try (var files = Files.list(dir)) {
            assertEquals(Arrays.asList(names), files.map(f -> f.getFileName().toString()).sorted().toList());
        }
    }

    /** The layout of docs/checkpoints.md, read field by field with nothing but the JDK. */
    @Test
    void theFileHasTheDocumentedLayout() throws IOException {
        OptimizerState state = trainedGroupState(1, 4);
        Path file = dir.resolve("layout.ckpt");
        Checkpoint.save(file, ADAM_L, state);
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[8];
        b.get(magic);
        assertArrayEquals(new byte[] {(byte) 0x89, 'F', 'O', 'P', 'T', '\r', '\n', 0x1A}, magic);
        assertEquals(2, b.getInt());
        byte[] text = new byte[b.getInt()];
        b.get(text);
        assertEquals(String.join("\n", "optimizer=AdamL", "learningRate=0.01", "beta1=0.9", "beta2=0.999",
                "eps=1.0E-8", "weightDecay=0.0", "weightDecayMode=COUPLED", "nonFinitePolicy=SKIP",
                "lossExponent=2.0", "lossMin=-1.0", ""), new String(text, StandardCharsets.UTF_8));
        assertEquals(4, b.getLong());
        assertEquals(3.0, b.getDouble());
        assertEquals(2, b.getInt());
        assertEquals(0, b.getLong(), "rounding seed");
        assertEquals(2, b.getInt(), "slots");
        assertEquals(0, b.get(), "m: float32");
        assertEquals(0, b.get(), "v: float32");
        int[] sizes = {b.getInt(), b.getInt()};
        assertArrayEquals(new int[] {5, 3}, sizes);
        for (int i = 0; i < 2; i++) {
            float[] m = new float[sizes[i]];
            float[] v = new float[sizes[i]];
            b.asFloatBuffer().get(m);
            b.position(b.position() + 4 * sizes[i]);
            b.asFloatBuffer().get(v);
            b.position(b.position() + 4 * sizes[i]);
            assertArrayEquals(state.slotCopy(i, 0), m);
            assertArrayEquals(state.slotCopy(i, 1), v);
        }
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, b.position());
        assertEquals((int) crc.getValue(), b.getInt());
        assertEquals(b.capacity(), b.position());
    }

    @Test
    void momentsExportAsNpy() throws IOException {
        OptimizerState state = trainedGroupState(1, 4);
        var files = Checkpoint.exportMoments(dir, state);
        assertEquals(4, files.size());
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(state.slotCopy(i, 0), readNpy(dir.resolve("m_" + i + ".npy")));
            assertArrayEquals(state.slotCopy(i, 1), readNpy(dir.resolve("v_" + i + ".npy")));
        }
        assertOnlyFiles("m_0.npy", "m_1.npy", "v_0.npy", "v_1.npy");
    }

    /** A minimal reader of the 1-D {@code <f4} files written here. */
    static float[] readNpy(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[8];
        b.get(magic);
        assertArrayEquals(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}, magic);
        int headerLength = b.getShort() & 0xffff;
        assertEquals(0, (10 + headerLength) % 64, "data starts 64-byte aligned");
        byte[] header = new byte[headerLength];
        b.get(header);
        String dict = new String(header, StandardCharsets.US_ASCII);
        assertTrue(dict.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': ("), dict);
        assertTrue(dict.endsWith("\n"), dict);
        int n = Integer.parseInt(dict.substring(dict.indexOf("'shape': (") + 10, dict.indexOf(",)")));
        float[] values = new float[n];
        b.asFloatBuffer().get(values);
        assertEquals(b.capacity(), b.position() + 4 * n);
        return values;
    }

    private static byte[] patchInt(byte[] bytes, int at, int value) {
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(at, value);
        return bytes;
    }

    private static byte[] withChecksum(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        return patchInt(bytes, bytes.length - 4, (int) crc.getValue());
    }
}
