package io.github.fusedopt;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The README's "Use" section, compiled and run, so that it cannot drift from the API. */
class ReadmeExampleTest {

    @Test
    void theReadmeExampleRuns() {
        double loss = 0.7;
        double lossScale = 1024;
        float[] flatParams = new float[10_000];
        float[] flatGrads = new float[10_000];
        int offset = 100;
        int length = 4096;
        float[] shardParams = new float[512];
        float[] shardGrads = new float[512];
        int shardLength = 512;
        double globalL1Norm = 3.0;
        Arrays.fill(flatGrads, 1f);
        Arrays.fill(shardGrads, 0.01f);

        // --- as in the README ---
        float[] weights = new float[4096];   // your parameters, updated in place
        float[] grads = new float[4096];     // their gradients, read only

        Adam adam = Adam.builder().learningRate(3e-4).build();      // validated here
        OptimizerState state = adam.newState(weights.length);       // m, v and t of this tensor
        adam.step(state, weights, grads);                           // once per iteration

        // AdamL takes the loss at the weights the gradient was taken at.
        AdamL adamL = AdamL.builder().learningRate(1e-3).lossMin(0).build();
        OptimizerState s = adamL.newState(weights.length);
        adamL.step(s, loss, weights, grads);

        // Slices of larger buffers, and a gradient scale k (the step uses k·g):
        OptimizerState state2 = adam.newState(length);
        adam.step(state2, flatParams, offset, flatGrads, offset, length, 1.0 / lossScale);

        // AdaL with a norm you already have (for example from an all-reduce across shards):
        AdaL adal = AdaL.builder().build();
        OptimizerState state3 = adal.newState(shardLength);
        adal.stepWithGradNorm(state3, globalL1Norm, shardParams, 0, shardGrads, 0, shardLength, 1.0);
        // --- end ---

        assertEquals(1, state.step());
        assertEquals(0.7, s.referenceLoss().getAsDouble());
        assertEquals(0f, flatParams[offset - 1]);
        assertFalse(flatParams[offset] == 0f);
        assertFalse(shardParams[0] == 0f);
    }
}
