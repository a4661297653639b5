package io.github.fusedopt;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Executors that fail, block or run late: a step either leaves everything as it was and rethrows,
 * or completes with the serial step's bits; a failure part-way through the update waits for every
 * worker and says what was written. Parallelism is bounded, and closing means the same for every
 * executor the factory makes.
 */
class ExecutorFailureTest {

    private static final int N = 5 * ChunkPlan.UPDATE_CHUNK + 123;
    private static final AdamL ADAM_L = AdamL.builder().build();

    /** Two tensors large enough for a parallel step, with seeded values. */
    private record Run(float[] p0, float[] p1, TensorGroup group, OptimizerState state) {
        static Run create() {
            SplittableRandom r = new SplittableRandom(5);
            float[] p0 = new float[N];
            float[] p1 = new float[N];
            float[] g0 = new float[N];
            float[] g1 = new float[N];
            for (int i = 0; i < N; i++) {
                p0[i] = (float) r.nextGaussian();
                p1[i] = (float) r.nextGaussian();
                g0[i] = (float) r.nextGaussian();
                g1[i] = (float) r.nextGaussian();
            }
            TensorGroup group = TensorGroup.builder().add(p0, g0).add(p1, g1).build();
            return new Run(p0, p1, group, ADAM_L.newState(group));
        }

        void assertUntouched(String where) {
            Run fresh = create();
            assertArrayEquals(fresh.p0, p0, where);
            assertArrayEquals(fresh.p1, p1, where);
            assertArrayEquals(new float[N], state.slotCopy(0, 0), where);
            assertArrayEquals(new float[N], state.slotCopy(1, 1), where);
            assertEquals(0, state.step(), where);
            assertTrue(state.referenceLoss().isEmpty(), where + ": the reference loss stays unset");
        }
    }

    @Test
    void anExecutorThatThrowsOnItsFirstOrALaterSubmissionChangesNothing() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            for (int failAt : new int[] {1, 2, 3}) {
                AtomicInteger calls = new AtomicInteger();
                StepExecutor executor = StepExecutor.of(task -> {
                    if (calls.incrementAndGet() == failAt) {
                        throw new IllegalStateException("executor broke at call " + failAt);
                    }
                    pool.execute(task);
                }, 4).withMinParallelElements(0);
                Run run = Run.create();
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> ADAM_L.step(run.state, 2.0, run.group, 1.0, executor));
                assertEquals("executor broke at call " + failAt, e.getMessage());
                Thread.sleep(50);   // helpers already handed to the pool run now, and must do nothing
                run.assertUntouched("after the executor threw at call " + failAt);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void rejectingLateAndBlockingExecutorsGiveTheSerialBits() {
        Run serial = Run.create();
        ADAM_L.step(serial.state, 2.0, serial.group, 1.0, StepExecutor.serial());
        StepExecutor rejecting = StepExecutor.of(task -> {
            throw new RejectedExecutionException("full");
        }, 3).withMinParallelElements(0);
        // Runs each helper on a thread of its own and waits for it: the helper cannot pass the
        // gate until the submissions return, so it gives its share up after a short wait.
        StepExecutor blocking = StepExecutor.of(task -> {
            Thread t = new Thread(task);
            t.start();
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, 3).withMinParallelElements(0);
        StepExecutor inline = StepExecutor.of(Runnable::run, 3).withMinParallelElements(0);
        for (StepExecutor executor : new StepExecutor[] {rejecting, blocking, inline}) {
            Run run = Run.create();
            ADAM_L.step(run.state, 2.0, run.group, 1.0, executor);
            assertArrayEquals(serial.p0, run.p0);
            assertArrayEquals(serial.p1, run.p1);
            assertArrayEquals(serial.state.slotCopy(1, 1), run.state.slotCopy(1, 1));
            assertEquals(1, run.state.step());
        }
    }

    @Test
    void anInterruptNeitherBreaksAParallelStepNorIsLost() {
        try (StepExecutor threads = StepExecutor.create(2)) {
            Run run = Run.create();
            Thread.currentThread().interrupt();
            ADAM_L.step(run.state, 2.0, run.group, 1.0, threads.withMinParallelElements(0));
            assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
            assertEquals(1, run.state.step());
        }
    }

    /**
     * A shared arena closed while the update runs: the step waits for every worker, then says that
     * it failed part-way; the step counter and the reference loss stay as they were.
     */
    @Test
    void aFailurePartWayThroughTheUpdateWaitsForEveryWorkerAndSaysSo() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        Arena arena = Arena.ofShared();
        try {
            float[] p0 = new float[N];
            Arrays.fill(p0, 1f);
            MemorySegment p1 = arena.allocate(4L * N, 64);
            MemorySegment g1 = arena.allocate(4L * N, 64);
            TensorGroup group = TensorGroup.builder().add(p0, filled(N, 0.5f)).add(p1, g1).build();
            OptimizerState state = ADAM_L.newState(group);
            StepExecutor closing = StepExecutor.of(task -> {
                arena.close();
                pool.execute(task);
            }, 2).withMinParallelElements(0);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> ADAM_L.step(state, 2.0, group, 1.0, closing));
            assertTrue(e.getMessage().startsWith("step 1 failed part-way through the update"), e.getMessage());
            assertTrue(e.getMessage().contains("the step counter stays at 0"), e.getMessage());
            assertEquals(0, state.step());
            assertTrue(state.referenceLoss().isEmpty());
            assertTrue(p0[0] != 1f, "the heap tensor was updated before the failure was reported");
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    private static float[] filled(int n, float value) {
        float[] a = new float[n];
        Arrays.fill(a, value);
        return a;
    }

    /** A second step of the same state while one is in progress is caught, and neither writes. */
    @Test
    void aStepOfTheSameStateDuringAStepIsRefused() {
        Run run = Run.create();
        StepExecutor meddling = StepExecutor.of(task -> ADAM_L.step(run.state, 2.0, run.group, 1.0,
                StepExecutor.serial()), 2).withMinParallelElements(0);
        assertThrows(java.util.ConcurrentModificationException.class,
                () -> ADAM_L.step(run.state, 2.0, run.group, 1.0, meddling));
        run.assertUntouched("after two overlapping steps");
        ADAM_L.step(run.state, 2.0, run.group, 1.0, StepExecutor.serial());
        assertEquals(1, run.state.step(), "the state steps again afterwards");
    }

    @Test
    void parallelismIsBounded() {
        for (int bad : new int[] {0, -1, StepExecutor.MAX_PARALLELISM + 1, Integer.MAX_VALUE}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StepExecutor.create(bad));
            assertTrue(e.getMessage().startsWith("parallelism = " + bad), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> StepExecutor.of(Runnable::run, bad));
        }
        StepExecutor.of(Runnable::run, StepExecutor.MAX_PARALLELISM);
    }

    @Test
    void closingMeansTheSameForEveryExecutorTheFactoryMakes() {
        for (int parallelism : new int[] {1, 2}) {
            StepExecutor executor = StepExecutor.create(parallelism);
            StepExecutor copy = executor.withMinParallelElements(0);
            Run run = Run.create();
            ADAM_L.step(run.state, 2.0, run.group, 1.0, executor);
            executor.close();
            assertThrows(IllegalStateException.class, () -> ADAM_L.step(run.state, 2.0, run.group, 1.0, executor));
            assertThrows(IllegalStateException.class, () -> ADAM_L.step(run.state, 2.0, run.group, 1.0, copy));
            assertEquals(1, run.state.step());
        }
        StepExecutor borrowed = StepExecutor.of(Runnable::run, 2);
        StepExecutor copy = borrowed.withMinParallelElements(0);
        copy.close();
        Run run = Run.create();
        assertThrows(IllegalStateException.class, () -> ADAM_L.step(run.state, 2.0, run.group, 1.0, copy));
        ADAM_L.step(run.state, 2.0, run.group, 1.0, borrowed);   // closing a copy leaves the original open
        StepExecutor.serial().close();
        ADAM_L.step(run.state, 2.0, run.group, 1.0, StepExecutor.serial());
        assertEquals(2, run.state.step());
        assertSame(StepExecutor.serial(), StepExecutor.serial());
    }

    @Test
    void aFailingExecutorOnAFirstSkipCheckOrNormPassChangesNothingEither() {
        AdaL adaL = AdaL.builder().nonFinitePolicy(NonFinitePolicy.SKIP).build();
        float[] p = new float[N];
        float[] g = filled(N, 1e-3f);
        TensorGroup group = TensorGroup.of(p, g);
        OptimizerState state = adaL.newState(group);
        StepExecutor broken = StepExecutor.of(task -> {
            throw new IllegalStateException("broken");
        }, 2).withMinParallelElements(0);
        assertThrows(IllegalStateException.class, () -> adaL.step(state, group, broken));
        assertArrayEquals(new float[N], p);
        assertEquals(0, state.step());
        assertArrayEquals(new float[N], state.firstMomentSegment(0).toArray(JAVA_FLOAT));
    }
}
