package io.github.fusedopt;

import io.github.fusedopt.kernel.StepKernels;
import io.github.fusedopt.kernel.StepKernels.Family;
import io.github.fusedopt.kernel.StepScalars;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.ConcurrentModificationException;

/**
 * The order of a step, in one place for every form (whole arrays, slices, segments, groups), after
 * the caller validated its arguments: {@code t ← t + 1}; the gradient scalars (scale and weight
 * decay); AdaL's norms; the skip policy's check; the optimizer's per-step scalars; the update.
 * Nothing is written before the update; the step counter and AdamL's reference loss change only
 * after it succeeded.
 *
 * <p>One instance per state, bound to the step's tensors for the length of one call and reused, so
 * that a single-tensor or serial step allocates nothing. The passes run on the calling thread, or
 * in parallel over a group's chunk plans; both ways run the same kernels on the same elements and
 * add AdaL's chunk sums in the same order ({@link GradientPass}), so they give the same bits.
 */
final class StepRun {

    private final OptimizerState state;
    private final Tensor.OnHeap arrays = new Tensor.OnHeap();
    private final Tensor.InSegments segments = new Tensor.InSegments();
    private final Tensor[] single = new Tensor[1];
    /** The arguments of the typed convenience steps, reused so that they allocate nothing. */
    private final Step conveniences = new Step();
    private Tensor[] tensors;
    private TensorGroup group;
    private TensorSettings settings;
    private StepExecutor executor;
    private boolean parallel;
    final GradientPass gradients = new GradientPass(this);
    private StepScalars[] workers = new StepScalars[0];
    /** The per-step scalars of each distinct tensor setting; the first is the state's own. */
    private StepScalars[] settingScalars;
    private final StepHyperparameters hyperparameters = new StepHyperparameters();
    /** An update output without parameters: no weight decay may apply. */
    private boolean paramsAbsent;

    StepRun(OptimizerState state) {
        this.state = state;
        this.settingScalars = new StepScalars[] {state.scalars};
    }

    /** The {@link Step} the typed conveniences fill, reset to its defaults. */
    Step conveniences() {
        return conveniences.reset();
    }

    /** {@code withParams} false: an update output without parameters, which {@code params} then stands in for. */
    StepOutcome arrays(Optimizer optimizer, StepKernels kernels, Step step, float[] params, int paramsOffset,
                       float[] grads, int gradsOffset, float[] out, int outOffset, int length, boolean withParams) {
        requireIdle();
        single[0] = arrays.bind(params, paramsOffset, grads, gradsOffset, out, outOffset, length);
        return runSingle(optimizer, kernels, step, withParams);
    }

    StepOutcome segments(Optimizer optimizer, StepKernels kernels, Step step, MemorySegment params,
                         MemorySegment grads, MemorySegment out, int length, boolean withParams) {
        requireIdle();
        single[0] = segments.bind(params, grads, out, length);
        return runSingle(optimizer, kernels, step, withParams);
    }

    StepOutcome group(Optimizer optimizer, StepKernels kernels, Step step, TensorGroup group) {
        requireIdle();
        this.tensors = group.tensors();
        this.group = group;
        this.settings = group.settings();
        this.executor = step.executor();
        this.parallel = executor.parallelFor(group.elementCount()) && group.updatePlan().taskCount() > 1
                && group.shareable() && StateChecks.shareable(state);
        try {
            return run(optimizer, kernels, step);
        } finally {
            this.tensors = null;
            this.group = null;
            this.settings = null;
            this.executor = null;
        }
    }

    /**
     * A state steps one call at a time: a second call while one is bound (another thread stepping
     * the same state) would step the first caller's arrays. Not a lock, just a check that costs
     * nothing: it catches the overlapping calls that see each other's binding.
     */
    void requireIdle() {
        if (tensors != null || single[0] != null) {
            throw new ConcurrentModificationException(state + " is being stepped by another call; a state steps "
                    + "from one thread at a time");
        }
    }

    private StepOutcome runSingle(Optimizer optimizer, StepKernels kernels, Step step, boolean withParams) {
        this.tensors = single;
        this.settings = TensorSettings.PLAIN;
        this.parallel = false;
        this.paramsAbsent = !withParams;
        try {
            return run(optimizer, kernels, step);
        } finally {
            single[0].unbind();
            single[0] = null;
            this.tensors = null;
            this.settings = null;
            this.paramsAbsent = false;
        }
    }

    private StepOutcome run(Optimizer optimizer, StepKernels kernels, Step step) {
        state.checkCanStep();
        long t = state.step + 1;
        hyperparameters.resolve(optimizer, step, t, settings, paramsAbsent);
        for (int j = 0; j < settings.count(); j++) {
            optimizer.prepareGradient(scalars(j), step.gradScale(), hyperparameters.learningRate(j),
                    hyperparameters.weightDecay(j));
        }
        Family family = optimizer.family();
        double gradNorm = step.gradL1Norm();
        boolean computedNorms = Double.isNaN(gradNorm);
        double[] multipliers = family == Family.ADAL ? gradients.adalNorms(optimizer, kernels, gradNorm) : null;
        if (optimizer.skipsNonFinite() && !gradients.inRange(kernels, multipliers, computedNorms)) {
            return StepOutcome.SKIPPED;
        }
        double referenceLoss = optimizer.referenceLossFor(state.referenceLoss, step.loss());
        for (int j = 0; j < settings.count(); j++) {
            optimizer.prepare(scalars(j), hyperparameters.learningRate(j), referenceLoss, t, step.loss());
            scalars(j).rounding(state.roundingSeed, t);
        }
        update(kernels, family, multipliers, t);
        state.step = t;
        state.referenceLoss = referenceLoss;
        return StepOutcome.APPLIED;
    }

    /** The scalars of setting {@code j}, made on first use. */
    private StepScalars scalars(int j) {
        if (j >= settingScalars.length) {
            StepScalars[] grown = Arrays.copyOf(settingScalars, settings.count());
            for (int k = settingScalars.length; k < grown.length; k++) {
                grown[k] = new StepScalars();
            }
            settingScalars = grown;
        }
        return settingScalars[j];
    }

    /** The scalars tensor {@code i} steps with. */
    StepScalars scalarsOf(int i) {
        return settingScalars[settings.settingOf[i]];
    }

    /** A worker's scalars for tensor {@code i}: the template's values are already there with one setting. */
    StepScalars workerScalars(StepScalars worker, int i) {
        if (settings.count() > 1) {
            worker.copyFrom(scalarsOf(i));
        }
        return worker;
    }

    Tensor[] tensors() {
        return tensors;
    }

    boolean parallel() {
        return parallel;
    }

    ChunkPlan normPlan() {
        return group.normPlan();
    }

    /** {@code work} for every unit of {@code plan}, on the step's executor, each worker with its own scalars. */
    void onWorkers(ChunkPlan plan, ParallelRun.UnitWork work) {
        ParallelRun.run(executor.executor(), executor.parallelism(), plan, state.scalars, workers(), work);
    }

    /** Every tensor's update, with the per-step scalars set; a failure part-way says what was written. */
    private void update(StepKernels kernels, Family family, double[] multipliers, long t) {
        reserveScratch();
        if (parallel) {
            ChunkPlan plan = group.updatePlan();
            Tensor[] ts = tensors;
            Moments[] moments = state.moments;
            ParallelRun run = ParallelRun.submit(executor.executor(), executor.parallelism(), plan, state.scalars,
                    workers(), (ws, u) -> {
                        int i = plan.unitTensor[u];
                        StepScalars s = workerScalars(ws, i);
                        if (multipliers != null) {
                            s.gradNorm(multipliers[i]);
                        }
                        ts[i].step(kernels, family, s, moments[i], plan.unitFrom[u], plan.unitLength[u]);
                    });
            try {
                run.complete();
            } catch (RuntimeException e) {
                throw failedPartWay(t, run.failedTaskCount() + " of the " + run.taskCount()
                        + " chunks of the update failed and were left partly or wholly unwritten; the others "
                        + "hold the new values", e);
            }
            return;
        }
        for (int i = 0; i < tensors.length; i++) {
            StepScalars s = scalarsOf(i);
            if (multipliers != null) {
                s.gradNorm(multipliers[i]);
            }
            try {
                tensors[i].step(kernels, family, s, state.moments[i], 0, tensors[i].length());
            } catch (RuntimeException e) {
                throw failedPartWay(t, tensors.length == 1 ? "the tensor holds new values up to some element "
                        + "and old ones after it" : "tensors [0, " + i + ") hold the new values, tensor " + i
                        + " new values up to some element and old ones after it, and the rest the old values", e);
            }
        }
    }

    private IllegalStateException failedPartWay(long t, String written, RuntimeException cause) {
        return new IllegalStateException("step " + t + " failed part-way through the update (" + cause + "): "
                + written + "; the step counter stays at " + (t - 1) + " and AdamL's reference loss as it was",
                cause);
    }

    /** Scratch the segment kernels and the bf16 tails use, allocated before anything is written. */
    private void reserveScratch() {
        if (state.inSegments() || state.format() == StateFormat.BF16 || (group == null ? tensors[0] instanceof Tensor.InSegments : group.hasSegments())) {
            for (int j = 0; j < settings.count(); j++) {
                scalars(j).reserveSegmentScratch();
            }
            if (parallel) {
                for (StepScalars w : workers()) {
                    w.reserveSegmentScratch();
                }
            }
        }
    }

    /** One scalars instance per worker of a parallel step, reused from step to step. */
    private StepScalars[] workers() {
        int count = Math.min(executor.parallelism(), group.updatePlan().taskCount());
        count = Math.max(count, Math.min(executor.parallelism(), group.normPlan().taskCount()));
        if (workers.length < count) {
            int had = workers.length;
            workers = Arrays.copyOf(workers, count);
            for (int i = had; i < count; i++) {
                workers[i] = new StepScalars();
            }
        }
        return workers;
    }
}
