package io.github.fusedopt;

import io.github.fusedopt.kernel.StepScalars;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * One parallel pass over a {@link ChunkPlan}: the calling thread and its helper tasks claim tasks
 * from a counter until none are left, and the caller parks until the last claimed task is done.
 * Each worker gets its own copy of the step's scalars (they carry scratch space). No thread spins
 * and none is created here.
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
    private final AtomicInteger nextTask = new AtomicInteger();
    private final AtomicInteger nextWorker = new AtomicInteger();
    private final AtomicInteger finished = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private ParallelRun(ChunkPlan plan, StepScalars template, StepScalars[] workers, UnitWork work) {
        this.plan = plan;
        this.template = template;
        this.workers = workers;
        this.work = work;
    }

    /**
     * Runs {@code work} on every unit of {@code plan}, on up to {@code parallelism} threads, and
     * returns when all units are done; a unit's exception is rethrown here after that.
     *
     * @param workers at least {@code parallelism} scalars instances, one per worker
     */
    static void run(Executor executor, int parallelism, ChunkPlan plan, StepScalars template,
                    StepScalars[] workers, UnitWork work) {
        ParallelRun run = new ParallelRun(plan, template, workers, work);
        int helpers = Math.min(parallelism, plan.taskCount()) - 1;
        for (int i = 0; i < helpers; i++) {
            try {
                executor.execute(run);
            } catch (RejectedExecutionException e) {
                break;
            }
        }
        run.run();
        run.await();
    }

    @Override
    public void run() {
        final int tasks = plan.taskCount();
        int task = nextTask.getAndIncrement();
        if (task >= tasks) {
            // A helper that starts after the last task was claimed must not touch the scalars:
            // the next step may already be using them.
            return;
        }
        StepScalars scalars = workers[nextWorker.getAndIncrement()];
        scalars.copyFrom(template);
        for (; task < tasks; task = nextTask.getAndIncrement()) {
            try {
                for (int unit = plan.taskStart[task]; unit < plan.taskStart[task + 1]; unit++) {
                    work.run(scalars, unit);
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
            if (finished.incrementAndGet() == tasks) {
                LockSupport.unpark(caller);
            }
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
