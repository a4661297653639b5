package io.github.fusedopt;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checkpoints of bf16 states (version 2): 2 bytes per slot value, the seed restored, a state of the
 * other format refused, slot codes checked, and {@code .npy} export widened to float32. Round trips
 * that continue bit for bit are {@code CheckpointTest}'s, over generated bf16 states too.
 */
class Bf16CheckpointTest {

    @TempDir
    Path dir;

    private static final Adam BF16 = Adam.builder().amsGrad(true).stateFormat(StateFormat.BF16).roundingSeed(99).build();

    private static OptimizerState trained(Optimizer optimizer, int n) {
        OptimizerState state = optimizer.newState(n);
        SplittableRandom r = new SplittableRandom(4);
        float[] p = new float[n];
        float[] g = new float[n];
        for (int s = 0; s < 5; s++) {
            for (int i = 0; i < n; i++) {
                g[i] = (float) r.nextGaussian();
            }
            ((Adam) optimizer).step(state, p, g);
        }
        return state;
    }

    @Test
    void aBf16StateSavesTwoBytesPerValueAndRestoresItsSeed() throws IOException {
        OptimizerState state = trained(BF16, 7);
        Path file = dir.resolve("bf16.ckpt");
        Checkpoint.save(file, BF16, state);
        byte[] bytes = Files.readAllBytes(file);
        int text = HyperparameterText.encode(BF16).getBytes(StandardCharsets.UTF_8).length;
        assertEquals(16 + text + 20 + 12 + 3 + 4 + 3 * 2 * 7 + 4, bytes.length);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(2, b.getInt(8), "version");
        int block = 16 + text + 20;
        assertEquals(99, b.getLong(block), "seed");
        assertEquals(3, b.getInt(block + 8), "slots");
        assertEquals(1, bytes[block + 12]);
        assertTrue(HyperparameterText.encode(BF16).contains("stateFormat=BF16\nroundingSeed=99\n"));

        OptimizerState fresh = Adam.builder().amsGrad(true).stateFormat(StateFormat.BF16).build().newState(7);
        Optimizer loaded = Checkpoint.load(file, fresh);
        assertEquals(99, fresh.roundingSeed());
        assertEquals(StateFormat.BF16, loaded.stateFormat());
        CheckpointTest.assertSameState(state, fresh, "after load");
    }

    @Test
    void aStateOfTheOtherFormatIsRefusedAndUntouched() throws IOException {
        Path file = dir.resolve("bf16.ckpt");
        Checkpoint.save(file, BF16, trained(BF16, 7));
        Adam f32 = Adam.builder().amsGrad(true).build();
        OptimizerState live = trained(f32, 7);
        OptimizerState before = CheckpointTest.copyOf(live);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(file, live));
        assertTrue(e.getMessage().contains("stores its slots as F32") && e.getMessage().contains("stateFormat(BF16)"),
                e.getMessage());
        CheckpointTest.assertSameState(before, live, "after a refused load");

        Path floats = dir.resolve("f32.ckpt");
        Checkpoint.save(floats, f32, live);
        OptimizerState bf16 = trained(BF16, 7);
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(floats, bf16));
    }

    @Test
    void unknownOrMixedSlotCodesAreDamage() throws IOException {
        Path file = dir.resolve("bf16.ckpt");
        Checkpoint.save(file, BF16, trained(BF16, 7));
        byte[] valid = Files.readAllBytes(file);
        int codes = 16 + HyperparameterText.encode(BF16).getBytes(StandardCharsets.UTF_8).length + 20 + 12;
        for (int[] edit : new int[][] {{0, 7}, {1, 0}, {2, -1}}) {
            byte[] bad = valid.clone();
            bad[codes + edit[0]] = (byte) edit[1];
            Path damaged = dir.resolve("damaged.ckpt");
            Files.write(damaged, withChecksum(bad));
            OptimizerState live = trained(BF16, 7);
            OptimizerState before = CheckpointTest.copyOf(live);
            CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(damaged, live));
            assertTrue(e.getMessage().contains("slot " + edit[0]), e.getMessage());
            CheckpointTest.assertSameState(before, live, "after a damaged load");
        }
        byte[] badCount = valid.clone();
        ByteBuffer.wrap(badCount).order(ByteOrder.LITTLE_ENDIAN).putInt(codes - 4, 4);
        Files.write(dir.resolve("count.ckpt"), withChecksum(badCount));
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> Checkpoint.load(dir.resolve("count.ckpt"), trained(BF16, 7)));
        assertTrue(e.getMessage().contains("4 slots per element"), e.getMessage());
    }

    @Test
    void exportWidensToFloat32() throws IOException {
        OptimizerState state = trained(BF16, 9);
        Checkpoint.exportMoments(dir, state);
        assertArrayEquals(state.slotCopy(0, 0), CheckpointTest.readNpy(dir.resolve("m_0.npy")));
        assertArrayEquals(state.slotCopy(0, 1), CheckpointTest.readNpy(dir.resolve("v_0.npy")));
        assertArrayEquals(state.slotCopy(0, 2), CheckpointTest.readNpy(dir.resolve("vmax_0.npy")));
        for (float m : state.slotCopy(0, 0)) {
            assertEquals(0, Float.floatToRawIntBits(m) & 0xFFFF, "a bf16 value widened: its low half is zero");
        }
    }

    private static byte[] withChecksum(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(bytes.length - 4, (int) crc.getValue());
        return bytes;
    }
}
