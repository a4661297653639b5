package io.github.fusedopt;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
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
 * <p>Instances are thread-safe. One made by {@link #create(int)} owns its daemon threads, created
 * once and reused by every step; one made by {@link #of(Executor, int)} borrows the caller's
 * executor and never shuts it down. Closing means the same for every instance but the shared
 * {@link #serial()} one: steps through a closed instance, or through a copy of a closed instance,
 * are rejected with {@link IllegalStateException}, and an instance that owns threads stops them.
 *
 * <p>If the borrowed executor throws anything other than {@link RejectedExecutionException}, the
 * step writes nothing and rethrows it: the helper tasks wait until every submission has succeeded
 * before they touch anything. A rejected task only leaves its share to the others.
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
     * on the 2-core machines of the figures in {@code docs/benchmarks.md} (its parallel table).
     */
    public static final long DEFAULT_MIN_PARALLEL_ELEMENTS = 1 << 20;

    /**
     * The largest parallelism: more than the hardware threads of any current server. A step streams
     * memory, which a few cores per socket saturate; and each worker needs a 16K-element chunk of
     * its own, so a thousand workers only pay off on groups of tens of millions of elements.
     */
    public static final int MAX_PARALLELISM = 1024;

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

    /**
     * Every step on the calling thread: one shared instance, which {@link #close()} leaves open.
     *
     * @return the shared serial executor
     */
    public static StepExecutor serial() {
        return SERIAL;
    }

    /**
     * An executor with its own {@code parallelism − 1} daemon threads (the calling thread is the
     * last worker). Close it to stop the threads.
     *
     * @param parallelism threads per step, calling thread included: in {@code [1, MAX_PARALLELISM]}
     * @return a new executor (with no thread of its own for 1)
     * @throws IllegalArgumentException if {@code parallelism} is out of range
     */
    public static StepExecutor create(int parallelism) {
        checkParallelism(parallelism);
        if (parallelism == 1) {
            return new StepExecutor(null, 1, DEFAULT_MIN_PARALLEL_ELEMENTS, null, null);
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
     * @param parallelism threads per step, calling thread included: in {@code [1, MAX_PARALLELISM]}
     * @return the executor
     * @throws NullPointerException if {@code executor} is null
     * @throws IllegalArgumentException if {@code parallelism} is out of range
     */
    public static StepExecutor of(Executor executor, int parallelism) {
        Checks.notNull(executor, "executor");
        checkParallelism(parallelism);
        return new StepExecutor(executor, parallelism, DEFAULT_MIN_PARALLEL_ELEMENTS, null, null);
    }

    /**
     * The same threads with another threshold. The copy does not own the threads: closing it
     * rejects steps through the copy alone, and it stops working once the original is closed.
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

    /** {@return the threads per step, the calling thread included} */
    public int parallelism() {
        return parallelism;
    }

    /** {@return the size below which steps run on the calling thread alone} */
    public long minParallelElements() {
        return minParallelElements;
    }

    /**
     * Rejects further steps through this instance and stops the threads it owns; idempotent. The
     * shared {@link #serial()} instance stays open.
     */
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
        if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
            throw Checks.invalid("parallelism", parallelism, "must be in [1, " + MAX_PARALLELISM + "]");
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
