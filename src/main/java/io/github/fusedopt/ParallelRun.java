package io.github.fusedopt;

import io.github.fusedopt.kernel.StepScalars;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * One parallel pass over a {@link ChunkPlan}: the calling thread and its helper tasks claim tasks
 * until none are left, and the caller parks until the last claimed task is done. Each worker gets
 * its own copy of the step's scalars (they carry scratch space). No thread spins for long and none
 * is created here.
 *
 * <p>The tasks are split into one contiguous home range per worker: the caller's is the first, and
 * each worker takes its own range front to back before it helps with the others'. So from step to
 * step a chunk is mostly stepped by the same thread and stays in that core's caches; with tasks
 * taken from one shared counter, chunks wandered between cores and two threads gained only 1.3×
 * at 1M elements.
 *
 * <p>A pass has two phases. {@link #submit} hands the helper tasks to the executor; they wait at a
 * gate and touch nothing. If the executor throws anything but {@link RejectedExecutionException},
 * the gate closes, every helper that runs later returns at once, and the exception propagates:
 * nothing was done. Only then does {@link #complete} open the gate, work on the calling thread and
 * wait for the helpers. A helper that finds the gate still shut after {@link #GATE_WAIT_NANOS}
 * (an executor that runs tasks synchronously on another thread, say) gives up its share, which the
 * others then take: a late or odd executor slows a pass down, never stalls or breaks it.
 */
final class ParallelRun implements Runnable {

    /** The work for one unit of the plan, with the worker's scalars. */
    @FunctionalInterface
    interface UnitWork {
        void run(StepScalars scalars, int unit);
    }

    /** How long a helper waits for the caller to finish submitting before it gives up its share. */
    static final long GATE_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private static final int SHUT = 0;
    private static final int OPEN = 1;
    private static final int CANCELLED = 2;
    private static final int PAD = 16;

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
    private final AtomicInteger failedTasks = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicInteger gate = new AtomicInteger(SHUT);
    /** Helpers parked at the gate, by slot, so that opening it can wake them. */
    private final AtomicReferenceArray<Thread> waiting;

    private ParallelRun(ChunkPlan plan, int ranges, StepScalars template, StepScalars[] workers, UnitWork work) {
        this.plan = plan;
        this.ranges = ranges;
        this.template = template;
        this.workers = workers;
        this.work = work;
        this.next = new AtomicIntegerArray(ranges * PAD);
        this.waiting = new AtomicReferenceArray<>(ranges);
        for (int r = 0; r < ranges; r++) {
            next.set(r * PAD, rangeStart(r));
        }
    }

    private int rangeStart(int range) {
        return (int) ((long) range * plan.taskCount() / ranges);
    }

    /**
     * Runs {@code work} on every unit of {@code plan}, on up to {@code parallelism} threads, and
     * returns when all units are done; a unit's exception is rethrown after that.
     *
     * @param workers at least {@code min(parallelism, plan.taskCount())} scalars instances
     */
    static void run(Executor executor, int parallelism, ChunkPlan plan, StepScalars template,
                    StepScalars[] workers, UnitWork work) {
        submit(executor, parallelism, plan, template, workers, work).complete();
    }

    /**
     * Hands up to {@code parallelism − 1} helper tasks to {@code executor}; they do nothing until
     * {@link #complete}. If the executor throws (other than rejecting a task), nothing has run and
     * nothing will: the exception propagates.
     */
    static ParallelRun submit(Executor executor, int parallelism, ChunkPlan plan, StepScalars template,
                              StepScalars[] workers, UnitWork work) {
        int workerCount = Math.min(parallelism, plan.taskCount());
        ParallelRun run = new ParallelRun(plan, workerCount, template, workers, work);
        try {
            for (int i = 1; i < workerCount; i++) {
                executor.execute(run);
            }
        } catch (RejectedExecutionException e) {
            // The helpers accepted so far and the caller share the work.
        } catch (RuntimeException | Error e) {
            run.gate.set(CANCELLED);
            run.wakeWaiting();
            throw e;
        }
        return run;
    }

    /**
     * Opens the gate, works on the calling thread, and returns once every task is done; then
     * rethrows the first failure of a unit, if any.
     */
    void complete() {
        gate.set(OPEN);
        wakeWaiting();
        work(0);
        await();
    }

    /** Tasks of this pass, and how many of them failed (valid after {@link #complete}). */
    int taskCount() {
        return plan.taskCount();
    }

    int failedTaskCount() {
        return failedTasks.get();
    }

    /** A helper task: takes the next worker slot (the caller has slot 0). */
    @Override
    public void run() {
        int slot = nextWorker.getAndIncrement();
        if (slot < ranges && passGate(slot)) {
            work(slot);
        }
    }

    /** Waits for the caller to open the gate; false if the pass was cancelled or the wait gave up. */
    private boolean passGate(int slot) {
        if (Thread.currentThread() == caller) {
            return false;  // an executor running tasks inline: the caller does the work itself
        }
        long deadline = System.nanoTime() + GATE_WAIT_NANOS;
        waiting.set(slot, Thread.currentThread());
        try {
            int state;
            while ((state = gate.get()) == SHUT) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                LockSupport.parkNanos(this, left);
            }
            return state == OPEN;
        } finally {
            waiting.set(slot, null);
        }
    }

    private void wakeWaiting() {
        for (int i = 0; i < ranges; i++) {
            Thread t = waiting.get(i);
            if (t != null) {
                LockSupport.unpark(t);
            }
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
            failedTasks.incrementAndGet();
            failure.compareAndSet(null, t);
        }
        if (finished.incrementAndGet() == plan.taskCount()) {
            LockSupport.unpark(caller);
        }
    }

    /** Parks until every task is done; an interrupt neither cuts the wait short nor is lost. */
    private void await() {
        final int tasks = plan.taskCount();
        boolean interrupted = false;
        while (finished.get() < tasks) {
            LockSupport.park(this);
            interrupted |= Thread.interrupted();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
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
