package io.github.fusedopt;

import io.github.fusedopt.testing.Values;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * AMSGrad's third slot: {@code v_max} is the running maximum of {@code v}, it is saved, restored
 * and exported like the moments, and its states are not Adam's.
 */
class AmsGradTest {

    @Test
    void vmaxIsTheRunningMaximumOfV() {
        Adam adam = Adam.builder().amsGrad(true).beta2(0.9).build();
        OptimizerState state = adam.newState(2);
        float[] p = {1, 1};
        float[] max = new float[2];
        for (int s = 0; s < 10; s++) {
            float big = s < 3 ? 10 : 0.01f;   // v peaks early, then decays; v_max keeps the peak
            adam.step(state, p, new float[] {big, 0.5f}, new Step());
            float[] v = state.slotCopy(0, 1);
            for (int i = 0; i < 2; i++) {
                max[i] = Math.max(max[i], v[i]);
            }
            assertArrayEquals(max, state.slotCopy(0, 2), "step " + (s + 1));
        }
        assertTrue(state.slotCopy(0, 2)[0] > state.slotCopy(0, 1)[0]);
        assertEquals(3, state.slotCount());
    }

    @Test
    void savedRestoredAndExportedWithTheMoments(@TempDir Path dir) throws IOException {
        SplittableRandom r = new SplittableRandom(2);
        AdamW adamW = AdamW.builder().amsGrad(true).build();
        TensorGroup group = TensorGroup.builder().add(new float[40], Values.array(r, 40, Values.Mix.plain(1)))
                .add(new float[7], Values.array(r, 7, Values.Mix.plain(1))).build();
        OptimizerState state = adamW.newState(group);
        for (int s = 0; s < 4; s++) {
            adamW.step(state, group, new Step());
        }
        Path file = dir.resolve("ams.ckpt");
        Checkpoint.save(file, adamW, state);
        assertTrue(Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1).contains("amsGrad=true\n"));
        OptimizerState restored = adamW.newState(group);
        Optimizer loaded = Checkpoint.load(file, restored);
        assertTrue(loaded instanceof AdamW w && w.amsGrad());
        CheckpointTest.assertSameState(state, restored, "after a load");

        List<Path> files = Checkpoint.exportMoments(dir, state);
        assertEquals(List.of("m_0.npy", "v_0.npy", "vmax_0.npy", "m_1.npy", "v_1.npy", "vmax_1.npy"),
                files.stream().map(f -> f.getFileName().toString()).toList());

        OptimizerState plainAdam = Adam.builder().build().newState(group);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(file, plainAdam));
        assertTrue(e.getMessage().contains("holds the state of AdamW with AMSGrad"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Adam.builder().build().step(state, group, new Step()));
        assertTrue(e.getMessage().contains("was created by Adam/AdamW with AMSGrad and cannot be stepped by Adam"),
                e.getMessage());
        assertEquals(4, state.step());
    }

    /** A checkpoint cut to the length of two slots is damaged, not an Adam state. */
    @Test
    void aFileWithTheWrongNumberOfSlotsIsDamaged(@TempDir Path dir) throws IOException {
        Adam adam = Adam.builder().amsGrad(true).build();
        OptimizerState state = adam.newState(8);
        adam.step(state, new float[8], new float[] {1, 2, 3, 4, 5, 6, 7, 8}, new Step());
        Path file = dir.resolve("a.ckpt");
        Checkpoint.save(file, adam, state);
        byte[] bytes = Files.readAllBytes(file);
        byte[] cut = new byte[bytes.length - 32];
        System.arraycopy(bytes, 0, cut, 0, cut.length - 4);
        System.arraycopy(bytes, bytes.length - 4, cut, cut.length - 4, 4);
        Files.write(file, cut);
        assertThrows(CheckpointException.class, () -> Checkpoint.load(file, adam.newState(8)));
    }
}
