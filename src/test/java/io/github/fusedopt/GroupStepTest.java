package io.github.fusedopt;

import io.github.fusedopt.kernel.KernelProvider;
import io.github.fusedopt.testing.Property;
import io.github.fusedopt.testing.Values;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.RejectedExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A group step, on the calling thread or in parallel, on heap arrays, flat-array slices or native
 * segments, with moments on or off the heap, gives exactly the bits of stepping each tensor alone
 * through the single-tensor array step: the same parameters, moments and step counter after every
 * step of generated multi-step runs. AdaL is checked with per-tensor norms, one norm over the group,
 * and a given norm.
 */
class GroupStepTest {

    private static final StepExecutor TWO_THREADS = StepExecutor.create(2).withMinParallelElements(0);
    private static final StepExecutor THREE_THREADS = StepExecutor.create(3).withMinParallelElements(0);
    /** Runs helper tasks inside {@code execute}, before the caller starts. */
    private static final StepExecutor INLINE = StepExecutor.of(Runnable::run, 4).withMinParallelElements(0);
    /** Takes no tasks: the caller does all the work. */
    private static final StepExecutor REJECTING = StepExecutor.of(task -> {
        throw new RejectedExecutionException("full");
    }, 2).withMinParallelElements(0);
    private static final StepExecutor[] EXECUTORS = {StepExecutor.serial(), TWO_THREADS, THREE_THREADS, INLINE, REJECTING};

    @AfterAll
    static void stopThreads() {
        TWO_THREADS.close();
        THREE_THREADS.close();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void groupStepEqualsEachTensorSteppedAlone(Kind kind) {
        Property.forAll("group == tensors alone, " + kind, Math.max(1, Property.tries() / 5),
                new Property.Generator<OnExecutor>() {
                    @Override
                    public int length(SplittableRandom random) {
                        return random.nextInt(1, 16);
                    }

                    @Override
                    public OnExecutor generate(SplittableRandom random, int size) {
                        Optimizer optimizer = kind.random(random);
                        if (optimizer instanceof AdaL && random.nextBoolean()) {
                            optimizer = AdaL.builder().learningRate(optimizer.learningRate()).beta1(optimizer.beta1())
                                    .beta2(optimizer.beta2()).eps(optimizer.eps()).weightDecay(optimizer.weightDecay())
                                    .weightDecayMode(optimizer.weightDecayMode()).normScope(NormScope.GROUP).build();
                        }
                        StepExecutor executor = EXECUTORS[random.nextInt(EXECUTORS.length)];
                        return new OnExecutor(GroupCase.random(optimizer, random, size), executor);
                    }
                }, c -> assertSameAsAlone(c.groupCase, c.executor));
    }

    record OnExecutor(GroupCase groupCase, StepExecutor executor) {
    }

    static void assertSameAsAlone(GroupCase c, StepExecutor executor) {
        SplittableRandom layout = new SplittableRandom(c.lengths().length);
        try (GroupCase.Bound bound = c.new Bound(layout)) {
            Optimizer optimizer = c.optimizer();
            float[][] aloneParams = new float[c.tensors()][];
            OptimizerState[] aloneStates = new OptimizerState[c.tensors()];
            for (int i = 0; i < c.tensors(); i++) {
                aloneParams[i] = c.initialParams()[i].clone();
                aloneStates[i] = optimizer.newState(c.lengths()[i]);
            }
            for (int s = 0; s < c.steps(); s++) {
                bound.loadGrads(s);
                double norm = groupNorm(c, bound, s);
                stepGroup(c.optimizer(), c, bound, s, executor);
                for (int i = 0; i < c.tensors(); i++) {
                    stepAlone(c, s, i, aloneParams[i], aloneStates[i], norm);
                    String where = "tensor " + i + " of " + c.tensors() + " (length " + c.lengths()[i] + ", "
                            + c.storage()[i] + ", state " + (c.offHeapState() ? "off" : "on") + " heap, "
                            + executor + ") after step " + (s + 1);
                    assertEquals(-1, Values.firstDifference(aloneParams[i], bound.paramsCopy(i)), "params of " + where);
                    assertEquals(-1, Values.firstDifference(aloneStates[i].slotCopy(0, 0), bound.state.slotCopy(i, 0)), "m of " + where);
                    assertEquals(-1, Values.firstDifference(aloneStates[i].slotCopy(0, 1), bound.state.slotCopy(i, 1)), "v of " + where);
                }
                assertEquals(s + 1, bound.state.step());
            }
        }
    }

    /** The norm every tensor uses when stepped alone: given, the group's, or NaN for its own. */
    private static double groupNorm(GroupCase c, GroupCase.Bound bound, int s) {
        if (!(c.optimizer() instanceof AdaL adaL)) {
            return Double.NaN;
        }
        if (!Double.isNaN(c.gradNorms()[s])) {
            return c.gradNorms()[s];
        }
        return adaL.normScope() == NormScope.GROUP ? adaL.gradL1Norm(bound.group, c.gradScales()[s]) : Double.NaN;
    }

    /** Step {@code s} of the case through {@code optimizer}'s group API. */
    static StepOutcome stepGroup(Optimizer optimizer, GroupCase c, GroupCase.Bound bound, int s, StepExecutor executor) {
        return switch (optimizer) {
            case AdamL adamL -> adamL.step(bound.state, c.losses()[s], bound.group, c.gradScales()[s], executor);
            case AdaL adaL when !Double.isNaN(c.gradNorms()[s]) ->
                    adaL.stepWithGradNorm(bound.state, c.gradNorms()[s], bound.group, c.gradScales()[s], executor);
            case GradientOptimizer g -> g.step(bound.state, bound.group, c.gradScales()[s], executor);
        };
    }

    private static void stepAlone(GroupCase c, int s, int i, float[] params, OptimizerState state, double norm) {
        if (Double.isNaN(norm) && c.optimizer() instanceof AdaL adaL && adaL.normScope() == NormScope.GROUP
                && Double.isNaN(c.gradNorms()[s])) {
            // A NaN group norm (a non-finite gradient somewhere) scales every gradient to NaN, and
            // NaN reaches every p, m and v; a NaN given norm would mean "compute your own" here.
            Moments.OnHeap moments = (Moments.OnHeap) state.moments[0];
            Arrays.fill(params, Float.NaN);
            Arrays.fill(moments.arrays()[0], Float.NaN);
            Arrays.fill(moments.arrays()[1], Float.NaN);
            return;
        }
        float[] grads = c.grads()[s][i];
        int n = c.lengths()[i];
        switch (c.optimizer()) {
            case AdamL adamL -> adamL.step(state, c.losses()[s], params, 0, grads, 0, n, c.gradScales()[s]);
            // The package-private step: a group norm may be non-finite, which the public form rejects.
            case AdaL adaL when !Double.isNaN(norm) -> TestSteps.unchecked(adaL, KernelProvider.kernels(), state, norm,
                    params, grads, n, c.gradScales()[s]);
            case GradientOptimizer g -> g.step(state, params, 0, grads, 0, n, c.gradScales()[s]);
        }
    }
}
