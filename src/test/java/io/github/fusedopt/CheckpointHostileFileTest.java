package io.github.fusedopt;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.CRC32C;

import static io.github.fusedopt.CheckpointTest.assertSameState;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checkpoints from a hostile world: files rewritten while they are loaded, files that a save never
 * writes behind a valid checksum, directories, roots and the longest legal names. Every rejected
 * load leaves the live state as it was.
 */
class CheckpointHostileFileTest {

    @TempDir
    Path dir;

    private static final AdamL ADAM_L = AdamL.builder().learningRate(0.01).lossMin(-1).build();

    private static OptimizerState trained(long seed, int steps, int size) {
        OptimizerState state = ADAM_L.newState(size);
        float[] p = new float[size];
        float[] g = new float[size];
        SplittableRandom r = new SplittableRandom(seed);
        for (int s = 0; s < steps; s++) {
            for (int i = 0; i < size; i++) {
                g[i] = (float) r.nextGaussian();
            }
            ADAM_L.step(state, 3.0 - s * 0.1, p, g);
        }
        return state;
    }

    /**
     * One thread rewrites the file in place, as {@code cp} does (truncate, then write in pieces),
     * while this thread loads it over and over. With the file mapped, the JVM died of SIGBUS here.
     * Each load must give one of the two states whole, or throw {@link CheckpointException} having
     * changed nothing.
     */
    @Test
    void aFileRewrittenWhileItIsLoadedIsLoadedWholeOrRejected() throws Exception {
        int size = 300_000;
        Path a = dir.resolve("a.ckpt");
        Path b = dir.resolve("b.ckpt");
        OptimizerState stateA = trained(1, 3, size);
        OptimizerState stateB = trained(2, 5, size);
        Checkpoint.save(a, ADAM_L, stateA);
        Checkpoint.save(b, ADAM_L, stateB);
        byte[][] versions = {Files.readAllBytes(a), Files.readAllBytes(b)};
        Path file = dir.resolve("live.ckpt");
        Files.write(file, versions[0]);
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            for (int round = 0; !stop.get(); round++) {
                byte[] bytes = versions[round % 2];
                try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
                    for (int at = 0; at < bytes.length; at += 65_536) {
                        out.write(ByteBuffer.wrap(bytes, at, Math.min(65_536, bytes.length - at)));
                    }
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }
        });
        writer.start();
        int loaded = 0;
        int rejected = 0;
        long deadline = System.nanoTime() + 3_000_000_000L;
        OptimizerState live = ADAM_L.newState(size);
        try {
            while (System.nanoTime() < deadline) {
                OptimizerState before = CheckpointTest.copyOf(live);
                try {
                    Checkpoint.load(file, live);
                    loaded++;
                    boolean isA = live.step() == 3;
                    assertSameState(isA ? stateA : stateB, live, "a load during rewrites");
                } catch (CheckpointException e) {
                    rejected++;
                    assertSameState(before, live, "a rejected load during rewrites: " + e.getMessage());
                }
            }
        } finally {
            stop.set(true);
            writer.join();
        }
        assertTrue(loaded + rejected > 10, loaded + " loaded, " + rejected + " rejected");
        System.out.printf("checkpoint rewritten while loaded: %d loads whole, %d rejected%n", loaded, rejected);
    }

    @Test
    void aDirectoryIsNotACheckpoint() throws IOException {
        OptimizerState live = trained(3, 2, 10);
        OptimizerState before = CheckpointTest.copyOf(live);
        Path directory = Files.createDirectory(dir.resolve("ckpt"));
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(directory, live));
        assertTrue(e.getMessage().contains(directory.toString()) && e.getMessage().contains("directory"),
                e.getMessage());
        assertSameState(before, live, "after loading a directory");
    }

    @Test
    void aRootNamesNoFileAndTheLongestLegalNameIsSaved() throws IOException {
        OptimizerState state = trained(3, 2, 10);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Checkpoint.save(Path.of("/"), ADAM_L, state));
        assertTrue(e.getMessage().startsWith("file = /"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Checkpoint.writeNpy(Path.of("/"), state.firstMoment(0)));
        Path longest = dir.resolve("c".repeat(250) + ".ckpt");
        Checkpoint.save(longest, ADAM_L, state);
        OptimizerState loaded = ADAM_L.newState(10);
        Checkpoint.load(longest, loaded);
        assertSameState(state, loaded, "from a 255-character name");
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left");
        }
    }

    @Test
    void saveFailuresNameTheTargetNotTheTemporaryFile() {
        Path target = dir.resolve("missing").resolve("x.ckpt");
        IOException e = assertThrows(IOException.class, () -> Checkpoint.save(target, ADAM_L, trained(1, 1, 4)));
        assertTrue(e.getMessage().contains(target.toAbsolutePath().toString()), e.getMessage());
        assertTrue(!e.getMessage().contains(".tmp"), e.getMessage());
        Path directory = dir;
        IOException onDirectory = assertThrows(IOException.class, () -> Checkpoint.save(directory, ADAM_L,
                trained(1, 1, 4)));
        assertTrue(onDirectory.getMessage().contains("is a directory"), onDirectory.getMessage());
    }

    /** One file of the set cannot be written (a directory holds its name): every old file stays. */
    @Test
    void exportingMomentsIsAllOrNothing() throws IOException {
        OptimizerState state = ADAM_L.newState(TensorGroup.builder().add(new float[4], new float[4])
                .add(new float[3], new float[3]).build());
        Path out = Files.createDirectory(dir.resolve("npy"));
        Files.writeString(out.resolve("m_0.npy"), "old m_0");
        Files.createDirectory(out.resolve("v_1.npy"));
        IOException e = assertThrows(IOException.class, () -> Checkpoint.exportMoments(out, state));
        assertTrue(e.getMessage().contains("v_1.npy"), e.getMessage());
        assertEquals("old m_0", Files.readString(out.resolve("m_0.npy")));
        try (var files = Files.list(out)) {
            assertEquals(2, files.count(), "no new file and no temporary file");
        }
        Files.delete(out.resolve("v_1.npy"));
        assertEquals(4, Checkpoint.exportMoments(out, state).size());
        assertTrue(Files.size(out.resolve("m_0.npy")) > 64);
    }

    // ---- files that pass the checksum but that no save writes ----

    private byte[] valid(OptimizerState state) throws IOException {
        Path file = dir.resolve("valid.ckpt");
        Checkpoint.save(file, ADAM_L, state);
        return Files.readAllBytes(file);
    }

    /** Rewrites the text, moves everything after it and recomputes the length and checksum. */
    private static byte[] withText(byte[] file, String from, String to) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int length = b.getInt(12);
        String text = new String(file, 16, length, StandardCharsets.UTF_8);
        assertTrue(text.contains(from), text);
        byte[] newText = text.replace(from, to).getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[file.length - length + newText.length];
        System.arraycopy(file, 0, out, 0, 16);
        System.arraycopy(newText, 0, out, 16, newText.length);
        System.arraycopy(file, 16 + length, out, 16 + newText.length, file.length - 16 - length);
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putInt(12, newText.length);
        return withChecksum(out);
    }

    private static byte[] withChecksum(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(bytes.length - 4, (int) crc.getValue());
        return bytes;
    }

    private static int countersAt(byte[] file) {
        return 16 + ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getInt(12);
    }

    private void assertRejected(byte[] bytes, String expected) throws IOException {
        Path file = dir.resolve("crafted.ckpt");
        Files.write(file, bytes);
        OptimizerState live = trained(9, 2, 5);
        OptimizerState before = CheckpointTest.copyOf(live);
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(file, live));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertSameState(before, live, "after a rejected crafted file");
    }

    @Test
    void stepCountersNoStepReachesAreRejected() throws IOException {
        for (long step : new long[] {Long.MAX_VALUE, OptimizerState.MAX_STEP + 1, -1}) {
            byte[] bytes = valid(trained(1, 2, 5));
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(countersAt(bytes), step);
            assertRejected(withChecksum(bytes), "step counter " + step);
        }
    }

    @Test
    void aStepAtTheLargestCounterIsRefusedAndChangesNothing() {
        OptimizerState state = trained(1, 2, 5);
        state.step = OptimizerState.MAX_STEP;
        OptimizerState before = CheckpointTest.copyOf(state);
        float[] params = {1, 2, 3, 4, 5};
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ADAM_L.step(state, 1.0, params, new float[5]));
        assertTrue(e.getMessage().contains("maximum"), e.getMessage());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5}, params);
        assertSameState(before, state, "after a refused step");
    }

    @Test
    void referenceLossesNoStepRecordsAreRejected() throws IOException {
        for (double reference : new double[] {-1.5, Double.POSITIVE_INFINITY, Double.NaN}) {
            byte[] bytes = valid(trained(1, 2, 5));
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putDouble(countersAt(bytes) + 8, reference);
            assertRejected(withChecksum(bytes), "reference loss");
        }
        byte[] adam = Files.readAllBytes(saveAdam());
        ByteBuffer.wrap(adam).order(ByteOrder.LITTLE_ENDIAN).putDouble(countersAt(adam) + 8, 2.0);
        Path file = dir.resolve("adam.ckpt");
        Files.write(file, withChecksum(adam));
        OptimizerState live = Adam.builder().build().newState(3);
        assertThrows(CheckpointException.class, () -> Checkpoint.load(file, live));
    }

    private Path saveAdam() throws IOException {
        Path file = dir.resolve("adam.ckpt");
        Adam adam = Adam.builder().build();
        OptimizerState state = adam.newState(3);
        adam.step(state, new float[3], new float[] {1, 2, 3});
        Checkpoint.save(file, adam, state);
        return file;
    }

    /** {@code v} is a sum of squares: a set sign bit on a number (−0 included) was never saved. */
    @Test
    void aNegativeSecondMomentIsRejectedAndNaNIsKept() throws IOException {
        for (float bad : new float[] {-1f, -0f, Float.NEGATIVE_INFINITY}) {
            byte[] bytes = valid(trained(1, 2, 5));
            int vAt = countersAt(bytes) + 20 + 12 + 2 + 4 + 5 * 4 + 2 * 4;   // v_0[2]: counters, slot block, sizes, m_0
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putFloat(vAt, bad);
            assertRejected(withChecksum(bytes), "second moment");
        }
        // A run that diverged under the propagate policy is saved with NaN moments, and loads.
        Adam adam = Adam.builder().build();
        OptimizerState diverged = adam.newState(2);
        adam.step(diverged, new float[2], new float[] {Float.NaN, 1});
        Path file = dir.resolve("nan.ckpt");
        Checkpoint.save(file, adam, diverged);
        OptimizerState loaded = adam.newState(2);
        Checkpoint.load(file, loaded);
        assertTrue(Float.isNaN(loaded.slotCopy(0, 1)[0]));
    }

    @Test
    void hyperparameterTextASaveDoesNotWriteIsRejected() throws IOException {
        byte[] bytes = valid(trained(1, 2, 5));
        assertRejected(withText(bytes, "learningRate=0.01\n", "learningRate=1e-2\n"), "learningRate=0.01");
        assertRejected(withText(bytes, "learningRate=0.01\n", "learningRate=0x1.47ae147ae147bp-7\n"), "line 2");
        assertRejected(withText(bytes, "learningRate=0.01\n", "learningRate=0.01f\n"), "line 2");
        assertRejected(withText(bytes, "beta1=0.9\n", "beta1=0.90\n"), "beta1=0.9");
        assertRejected(withText(bytes, "beta1=0.9\nbeta2=0.999\n", "beta2=0.999\nbeta1=0.9\n"), "line 3");
        CheckpointException crlf = assertThrowsOn(withText(bytes, "\n", "\r\n"));
        assertTrue(crlf.getMessage().contains("carriage return") && crlf.getMessage().contains("\\r"),
                crlf.getMessage());
    }

    private CheckpointException assertThrowsOn(byte[] bytes) throws IOException {
        Path file = dir.resolve("crafted.ckpt");
        Files.write(file, bytes);
        return assertThrows(CheckpointException.class, () -> Checkpoint.load(file, ADAM_L.newState(5)));
    }

    /** Save refuses what load would refuse: a reference loss below the saving optimizer's lossMin. */
    @Test
    void saveRefusesAStateItsOptimizerCouldNotHaveMade() throws IOException {
        OptimizerState state = trained(1, 2, 5);   // reference loss 3.0
        AdamL stricter = ADAM_L.toBuilder().lossMin(4).build();
        Path file = dir.resolve("refused.ckpt");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Checkpoint.save(file, stricter, state));
        assertTrue(e.getMessage().contains("lossMin"), e.getMessage());
        assertTrue(Files.notExists(file));
        Checkpoint.save(file, ADAM_L, state);
        OptimizerState loaded = ADAM_L.newState(5);
        Checkpoint.load(file, loaded);
        assertSameState(state, loaded, "with its own optimizer the state round-trips");
    }

    @Test
    void aFileOfAnotherShapeIsStillCheckedForDamageFirst() throws IOException {
        byte[] bytes = valid(trained(1, 2, 5));
        byte[] damaged = Arrays.copyOf(bytes, bytes.length);
        damaged[damaged.length - 10] ^= 1;
        Path file = dir.resolve("other-shape.ckpt");
        Files.write(file, damaged);
        assertThrows(CheckpointException.class, () -> Checkpoint.load(file, ADAM_L.newState(6)));
        Files.write(file, bytes);
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(file, ADAM_L.newState(6)));
    }
}
