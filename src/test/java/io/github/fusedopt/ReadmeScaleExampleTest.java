package io.github.fusedopt;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** The README's "Many tensors, threads, native memory" snippets, compiled and run. */
class ReadmeScaleExampleTest {

    /** A one-rank all-reduce. */
    private static double allReduceSum(double local) {
        return local;
    }

    @Test
    void theGroupThreadAndOffHeapExamplesRun() {
        Adam adam = Adam.builder().build();
        AdamL adamL = AdamL.builder().build();
        double loss = 1.5;
        int iterations = 3;
        float[] w1 = new float[600_000];
        float[] g1 = new float[600_000];
        java.util.Arrays.fill(g1, 0.1f);
        float[] flat = new float[192];
        float[] flatGrads = new float[192];
        try (Arena embeddings = Arena.ofShared()) {
            MemorySegment embedding = embeddings.allocate(4L * 1000, 64);
            MemorySegment embeddingGrads = embeddings.allocate(4L * 1000, 64);
            embeddingGrads.fill((byte) 0x3f);

            // --- as in the README: groups ---
            TensorGroup group = TensorGroup.builder()
                    .add(w1, g1)                              // whole arrays
                    .add(flat, 0, flatGrads, 0, 128)          // a slice of one flat buffer
                    .add(flat, 128, flatGrads, 128, 64)
                    .add(embedding, embeddingGrads)           // MemorySegments, off the heap
                    .build();                                 // rejects overlapping parameter ranges
            OptimizerState state = adam.newState(group);      // moments for every tensor, one t
            adam.step(state, group);                          // once per iteration; write new grads in place
            OptimizerState adamLState = adamL.newState(group);
            adamL.step(adamLState, loss, group);              // AdamL: one loss for the group

            // --- threads ---
            try (StepExecutor threads = StepExecutor.create(2)) {     // one pool thread + the caller
                for (int i = 0; i < iterations; i++) {
                    adam.step(state, group, threads);
                }
            }
            // --- end ---
            assertEquals(1 + iterations, state.step());
            assertNotEquals(0f, w1[0]);
            assertNotEquals(0f, embedding.get(JAVA_FLOAT, 0));
        }

        int n = 4096;
        // --- off-heap ---
        try (Arena arena = Arena.ofShared()) {
            MemorySegment params = arena.allocate(4L * n, 64);   // floats, native byte order
            MemorySegment grads = arena.allocate(4L * n, 64);
            OptimizerState state = adam.newState(n, arena);       // moments off the heap too (optional)
            adam.step(state, params, grads);                      // same kernels, same bits as arrays
            assertEquals(1, state.step());
        }
        // --- end ---
    }

    @Test
    void theScaleOutExampleRuns() {
        AdamL adamL = AdamL.builder().build();
        AdaL adal = AdaL.builder().build();
        TensorGroup shard = TensorGroup.builder().add(new float[100], new float[100]).build();
        double globalLoss = 0.5;
        OptimizerState adalState = adal.newState(shard);

        // --- as in the README ---
        OptimizerState adamLState = adamL.newState(shard);
        adamL.step(adamLState, globalLoss, shard);                        // AdamL: the global loss

        double localNorm = adal.gradL1Norm(shard, 1.0);                   // this shard's ‖g‖₁
        double globalNorm = allReduceSum(localNorm);                      // your framework's all-reduce
        adal.stepWithGradNorm(adalState, globalNorm, shard, 1.0, StepExecutor.serial());
        // --- end ---

        assertEquals(1, adamLState.step());
        assertEquals(1, adalState.step());
    }
}
