package io.github.fusedopt;

import io.github.fusedopt.kernel.StepScalars;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * One parallel pass over a {@link ChunkPlan}: the calling thread and its helper tasks claim tasks
 * until none are left, and the caller parks until the last claimed task is done. Each worker gets
 * its own copy of the step's scalars (they carry scratch space). No thread spins and none is
 * created here.
 *
 * <p>The tasks are split into one contiguous home range per worker: the caller's is the first, and
 * each worker takes its own range front to back before it helps with the others'. So from step to
 * step a chunk is mostly stepped by the same thread and stays in that core's caches; with tasks
 * taken from one shared counter, chunks wandered between cores and two threads gained only 1.3×
 * at 1M elements.
 */
final class ParallelRun implements Runnable {

    /** The work for one unit of the plan, with the worker's scalars. */
    @FunctionalInterface
    interface UnitWork {
        void run(StepScalars scalars, int unit);
    }

    private final ChunkPlan plan;
    private final StepScalars template;
    private final StepScalars[] workers;
    private final UnitWork work;
    private final Thread caller = Thread.currentThread();
    private final int ranges;
    /** Next task of range {@code r} at index {@code r·PAD}, padded against false sharing. */
    private final AtomicIntegerArray next;
    private final AtomicInteger nextWorker = new AtomicInteger(1);
    private final AtomicInteger finished = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private static final int PAD = 16;

    private ParallelRun(ChunkPlan plan, int ranges, StepScalars template, StepScalars[] workers, UnitWork work) {
        this.plan = plan;
        this.ranges = ranges;
        this.template = template;
        this.workers = workers;
        this.work = work;
        this.next = new AtomicIntegerArray(ranges * PAD);
        for (int r = 0; r < ranges; r++) {
            next.set(r * PAD, rangeStart(r));
        }
    }

    private int rangeStart(int range) {
        return (int) ((long) range * plan.taskCount() / ranges);
    }

    /**
     * Runs {@code work} on every unit of {@code plan}, on up to {@code parallelism} threads, and
     * returns when all units are done; a unit's exception is rethrown here after that.
     *
     * @param workers at least {@code parallelism} scalars instances, one per worker
     */
    static void run(Executor executor, int parallelism, ChunkPlan plan, StepScalars template,
                    StepScalars[] workers, UnitWork work) {
        int workerCount = Math.min(parallelism, plan.taskCount());
        ParallelRun run = new ParallelRun(plan, workerCount, template, workers, work);
        for (int i = 1; i < workerCount; i++) {
            try {
                executor.execute(run);
            } catch (RejectedExecutionException e) {
                break;
            }
        }
        run.work(0);
        run.await();
    }

    /** A helper task: takes the next worker slot (the caller has slot 0). */
    @Override
    public void run() {
        int slot = nextWorker.getAndIncrement();
        if (slot < ranges) {
            work(slot);
        }
    }

    private void work(int slot) {
        StepScalars scalars = null;
        for (int k = 0; k < ranges; k++) {
            int range = (slot + k) % ranges;
            int end = rangeStart(range + 1);
            for (int task; (task = next.getAndIncrement(range * PAD)) < end; ) {
                if (scalars == null) {
                    // Only once a task is claimed: a helper that starts after the last task was
                    // claimed must not touch the scalars, which the next step may be using.
                    scalars = workers[slot];
                    scalars.copyFrom(template);
                }
                runTask(scalars, task);
            }
        }
    }

    private void runTask(StepScalars scalars, int task) {
        try {
            for (int unit = plan.taskStart[task]; unit < plan.taskStart[task + 1]; unit++) {
                work.run(scalars, unit);
            }
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        }
        if (finished.incrementAndGet() == plan.taskCount()) {
            LockSupport.unpark(caller);
        }
    }

    private void await() {
        final int tasks = plan.taskCount();
        while (finished.get() < tasks) {
            LockSupport.park(this);
        }
        Throwable t = failure.get();
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        if (t != null) {
            throw new IllegalStateException("a parallel step failed", t);
        }
    }
}
