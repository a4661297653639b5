package io.github.fusedopt;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Version-1 checkpoints written by the 0.1.0 code (commit e653cc6, before the slots, AMSGrad and the
 * framework API) still load: each fixture in {@code src/test/resources/checkpoints/v1-0.1.0} holds a
 * {@code state.ckpt}, the moments that code exported beside it, and its step counter.
 */
class CheckpointCompatibilityTest {

    @Test
    void filesOfTheFirstFormatLoad() throws Exception {
        float[] a = new float[5];
        float[] b = new float[19];
        TensorGroup group = TensorGroup.builder().add(a, new float[5]).add(b, new float[19]).build();

        Optimizer adam = loadInto(fixture("adam-group"), Adam.builder().build().newState(group), 2);
        assertEquals("Adam", adam.kind().displayName());
        assertEquals(0.1, adam.weightDecay());

        OptimizerState adamLState = AdamL.builder().build().newState(11);
        Optimizer adamL = loadInto(fixture("adaml"), adamLState, 1);
        assertEquals(0.5, ((AdamL) adamL).lossMin());
        assertEquals(3.5, adamLState.referenceLoss().getAsDouble());

        Optimizer adal = loadInto(fixture("adal-group"), AdaL.builder().build().newState(group), 2);
        assertEquals(NormScope.GROUP, ((AdaL) adal).normScope());
    }

    private static Optimizer loadInto(Path dir, OptimizerState state, int tensors) throws IOException {
        Optimizer loaded = Checkpoint.load(dir.resolve("state.ckpt"), state);
        assertEquals(Long.parseLong(Files.readString(dir.resolve("step.txt")).trim()), state.step());
        assertTrue(state.step() > 0);
        for (int i = 0; i < tensors; i++) {
            assertArrayEquals(CheckpointTest.readNpy(dir.resolve("m_" + i + ".npy")), state.slotCopy(i, 0), "m_" + i);
            assertArrayEquals(CheckpointTest.readNpy(dir.resolve("v_" + i + ".npy")), state.slotCopy(i, 1), "v_" + i);
        }
        // The loaded state steps on, with the loaded optimizer.
        if (tensors == 1) {
            loaded.step(state, new float[state.size()], new float[state.size()], new Step().loss(1.0));
        }
        return loaded;
    }

    private static Path fixture(String name) throws URISyntaxException {
        return Path.of(CheckpointCompatibilityTest.class.getResource("/checkpoints/v1-0.1.0/" + name + "/state.ckpt")
                .toURI()).getParent();
    }
}
