package io.github.fusedopt;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How a group step may use threads: opt-in parallelism for the {@code step(state, group, executor)}
 * forms.
 *
 * <p>A parallel step cuts the group into chunks of 16,384 elements (small tensors packed
 * together; AdaL's norm pass cuts at its 65,536-element chunks). The calling thread and up to
 * {@code parallelism − 1} tasks on the executor each take the chunks of their own contiguous share
 * first, so that a chunk stays on one core from step to step, then help with the rest; the caller
 * then waits, blocked rather than spinning, until the last chunk is done. The cut and AdaL's summation order do not depend on the thread count, so the result is
 * the same bits as a single-threaded step. A step over fewer than {@link #minParallelElements()}
 * elements runs on the calling thread alone, so small steps never pay for threads; so does a step
 * over segments of a confined arena, which only its owner thread may touch.
 *
 * <p>Instances are immutable and thread-safe. One made by {@link #create(int)} owns its daemon
 * threads, created once and reused by every step; {@link #close()} stops them. One made by
 * {@link #of(Executor, int)} borrows the caller's executor and never shuts it down.
 *
 * <pre>{@code
 * try (StepExecutor threads = StepExecutor.create(2)) {
 *     for (...) adam.step(state, group, threads);
 * }
 * }</pre>
 */
public final class StepExecutor implements AutoCloseable {

    /**
     * The default {@link #minParallelElements()}: below it, a second thread cost more than it saved
     * on the 2-core machine the README's figures come from (see its parallel table).
     */
    public static final long DEFAULT_MIN_PARALLEL_ELEMENTS = 1 << 20;

    private static final StepExecutor SERIAL = new StepExecutor(null, 1, Long.MAX_VALUE, null, null);

    private final Executor executor;
    private final int parallelism;
    private final long minParallelElements;
    /** The pool this instance owns and shuts down, or null. */
    private final ExecutorService owned;
    /** The instance whose {@link #close()} ends this one: itself, or the one it was copied from. */
    private final StepExecutor origin;
    private volatile boolean closed;

    private StepExecutor(Executor executor, int parallelism, long minParallelElements, ExecutorService owned,
                         StepExecutor origin) {
        this.executor = executor;
        this.parallelism = parallelism;
        this.minParallelElements = minParallelElements;
        this.owned = owned;
        this.origin = origin == null ? this : origin;
    }

    /** Every step on the calling thread. */
    public static StepExecutor serial() {
        return SERIAL;
    }

    /**
     * An executor with its own {@code parallelism − 1} daemon threads (the calling thread is the
     * last worker). Close it to stop the threads.
     *
     * @param parallelism threads per step, calling thread included: {@code ≥ 1}
     * @return the executor
     * @throws IllegalArgumentException if {@code parallelism < 1}
     */
    public static StepExecutor create(int parallelism) {
        checkParallelism(parallelism);
        if (parallelism == 1) {
            return SERIAL;
        }
        ExecutorService pool = Executors.newFixedThreadPool(parallelism - 1, daemonThreads());
        return new StepExecutor(pool, parallelism, DEFAULT_MIN_PARALLEL_ELEMENTS, pool, null);
    }

    /**
     * Steps on the caller's executor: each parallel step submits up to {@code parallelism − 1}
     * tasks to it and works on the calling thread too, so a busy or rejecting executor slows a step
     * down but never stalls it.
     *
     * @param executor where the helper tasks run
     * @param parallelism threads per step, calling thread included: {@code ≥ 1}
     * @return the executor
     * @throws NullPointerException if {@code executor} is null
     * @throws IllegalArgumentException if {@code parallelism < 1}
     */
    public static StepExecutor of(Executor executor, int parallelism) {
        Checks.notNull(executor, "executor");
        checkParallelism(parallelism);
        return new StepExecutor(executor, parallelism, DEFAULT_MIN_PARALLEL_ELEMENTS, null, null);
    }

    /**
     * The same threads with another threshold. The copy does not own the threads: closing it
     * changes nothing, and it stops working once the original is closed.
     *
     * @param minParallelElements steps over fewer elements run on the calling thread: {@code ≥ 0}
     * @return the copy
     * @throws IllegalArgumentException if {@code minParallelElements < 0}
     */
    public StepExecutor withMinParallelElements(long minParallelElements) {
        if (minParallelElements < 0) {
            throw Checks.invalid("minParallelElements", minParallelElements, "must be >= 0");
        }
        return new StepExecutor(executor, parallelism, minParallelElements, null, origin);
    }

    /** Threads per step, the calling thread included. */
    public int parallelism() {
        return parallelism;
    }

    /** Steps over fewer elements than this run on the calling thread alone. */
    public long minParallelElements() {
        return minParallelElements;
    }

    /** Stops the threads this instance owns; steps through it are then rejected. Idempotent. */
    @Override
    public void close() {
        if (this == SERIAL) {
            return;
        }
        closed = true;
        if (owned != null) {
            owned.shutdown();
        }
    }

    @Override
    public String toString() {
        return "StepExecutor[parallelism=" + parallelism + ", minParallelElements=" + minParallelElements
                + (closed || origin.closed ? ", closed" : "") + "]";
    }

    Executor executor() {
        return executor;
    }

    /** Whether a step over {@code elements} elements should use threads. */
    boolean parallelFor(long elements) {
        return parallelism > 1 && elements >= minParallelElements;
    }

    void checkOpen() {
        if (closed || origin.closed) {
            throw new IllegalStateException(this + " is closed");
        }
    }

    private static void checkParallelism(int parallelism) {
        if (parallelism < 1) {
            throw Checks.invalid("parallelism", parallelism, "must be >= 1");
        }
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, "fusedopt-step-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
