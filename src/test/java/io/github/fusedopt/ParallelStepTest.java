package io.github.fusedopt;

import io.github.fusedopt.testing.Values;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Parallel steps over a model-like group (one large tensor, many small ones) give the same bits for
 * 1, 2, 3 and 4 threads; helper tasks really run above the threshold and never below it, nor on
 * segments of a confined arena.
 */
class ParallelStepTest {

    /** Counts the helper tasks a step hands to the pool. */
    static final class CountingExecutor implements Executor, AutoCloseable {
        final ExecutorService pool = Executors.newFixedThreadPool(3);
        final AtomicInteger tasks = new AtomicInteger();

        @Override
        public void execute(Runnable task) {
            tasks.incrementAndGet();
            pool.execute(task);
        }

        @Override
        public void close() {
            pool.shutdown();
        }
    }

    private static Optimizer optimizer(Kind kind, boolean groupNorm) {
        return groupNorm ? AdaL.builder().normScope(NormScope.GROUP).weightDecay(1e-2).build() : kind.defaults();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void everyThreadCountGivesTheSameBits(Kind kind) {
        for (boolean groupNorm : kind == Kind.ADAL ? new boolean[] {false, true} : new boolean[] {false}) {
            float[][] serial = run(optimizer(kind, groupNorm), StepExecutor.serial());
            try (CountingExecutor pool = new CountingExecutor()) {
                for (int threads = 2; threads <= 4; threads++) {
                    float[][] parallel = run(optimizer(kind, groupNorm), StepExecutor.of(pool, threads));
                    for (int i = 0; i < serial.length; i++) {
                        assertEquals(-1, Values.firstDifference(serial[i], parallel[i]),
                                kind + " tensor " + i + " on " + threads + " threads");
                    }
                }
                assertTrue(pool.tasks.get() > 0, "helper tasks ran");
            }
        }
    }

    /** Five steps over 1,000,003 + 300 × 1,000 elements; returns the parameters and moments. */
    private static float[][] run(Optimizer optimizer, StepExecutor executor) {
        SplittableRandom r = new SplittableRandom(11);
        TensorGroupBuilder builder = TensorGroup.builder();
        int tensors = 301;
        float[][] params = new float[tensors][];
        float[][] grads = new float[tensors][];
        for (int i = 0; i < tensors; i++) {
            int n = i == 0 ? 1_000_003 : 1000 + i;
            params[i] = Values.array(r, n, Values.Mix.plain(1));
            grads[i] = new float[n];
            builder.add(params[i], grads[i]);
        }
        TensorGroup group = builder.build();
        OptimizerState state = optimizer.newState(group);
        for (int step = 0; step < 5; step++) {
            for (float[] g : grads) {
                for (int j = 0; j < g.length; j++) {
                    g[j] = (float) (0.01 * r.nextGaussian());
                }
            }
            switch (optimizer) {
                case AdamL adamL -> adamL.step(state, 2.0 / (step + 1), group, 1.0, executor);
                case GradientOptimizer g -> g.step(state, group, 1.0, executor);
            }
        }
        float[][] out = new float[3 * tensors][];
        for (int i = 0; i < tensors; i++) {
            out[3 * i] = params[i];
            out[3 * i + 1] = state.slotCopy(i, 0);
            out[3 * i + 2] = state.slotCopy(i, 1);
        }
        return out;
    }

    @Test
    void smallStepsStayOnTheCallingThread() {
        Adam adam = Adam.builder().build();
        try (CountingExecutor pool = new CountingExecutor()) {
            StepExecutor executor = StepExecutor.of(pool, 2);
            int n = (int) StepExecutor.DEFAULT_MIN_PARALLEL_ELEMENTS - 1;
            TensorGroup group = TensorGroup.of(new float[n], new float[n]);
            adam.step(adam.newState(group), group, executor);
            assertEquals(0, pool.tasks.get());
            int m = (int) StepExecutor.DEFAULT_MIN_PARALLEL_ELEMENTS;
            TensorGroup large = TensorGroup.of(new float[m], new float[m]);
            adam.step(adam.newState(large), large, executor);
            assertEquals(1, pool.tasks.get());
        }
    }

    @Test
    void confinedSegmentsStepOnTheCallingThreadWithTheSameBits() {
        Adam adam = Adam.builder().build();
        int n = 3 * ChunkPlan.CHUNK + 5;
        float[] grads = Values.array(new SplittableRandom(3), n, Values.Mix.plain(1));
        float[] expected = Values.array(new SplittableRandom(4), n, Values.Mix.plain(1));
        float[] start = expected.clone();
        adam.step(adam.newState(n), expected, grads);
        try (CountingExecutor pool = new CountingExecutor(); Arena arena = Arena.ofConfined()) {
            MemorySegment p = arena.allocateFrom(JAVA_FLOAT, start);
            MemorySegment g = arena.allocateFrom(JAVA_FLOAT, grads);
            TensorGroup group = TensorGroup.of(p, g);
            adam.step(adam.newState(group, arena), group, StepExecutor.of(pool, 2).withMinParallelElements(0));
            assertEquals(0, pool.tasks.get());
            assertEquals(-1, Values.firstDifference(expected, p.toArray(JAVA_FLOAT)));
        }
    }

    /**
     * The chunk sums of a parallel norm are added in the documented order. Chunk 0 sums to 2^40 and
     * each of the 20 later chunks to 2^-13, half an ulp of 2^40: added in order, each tie rounds back
     * to 2^40; added in any other order the small sums first make 2^40 + 10·2^-12. The norm a
     * parallel step used (kept in the state's scratch) must be the serial norm, bit for bit.
     */
    @Test
    void parallelNormAddsChunkSumsInTheDocumentedOrder() {
        int n = 21 * ChunkPlan.CHUNK;
        float[] grads = new float[n];
        grads[0] = 0x1p40f;
        for (int chunk = 1; chunk < 21; chunk++) {
            grads[chunk * ChunkPlan.CHUNK] = 0x1p-13f;
        }
        AdaL adaL = AdaL.builder().build();
        try (CountingExecutor pool = new CountingExecutor()) {
            for (int threads = 2; threads <= 4; threads++) {
                TensorGroup group = TensorGroup.builder().add(new float[7], new float[7]).add(new float[n], grads).build();
                double serialNorm = adaL.gradL1Norm(TensorGroup.of(new float[n], grads), 1.0);
                assertEquals(0x1p40, serialNorm);
                OptimizerState state = adaL.newState(group);
                adaL.step(state, group, StepExecutor.of(pool, threads));
                assertEquals(Double.doubleToLongBits(serialNorm), Double.doubleToLongBits(state.run.gradients.lastNorm(1)),
                        "serial " + serialNorm + ", parallel " + state.run.gradients.lastNorm(1));
            }
            assertTrue(pool.tasks.get() > 0, "helper tasks ran");
        }
    }
}
