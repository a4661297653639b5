package io.github.fusedopt;

import io.github.fusedopt.kernel.KernelProvider;
import io.github.fusedopt.kernel.StepKernels;
import io.github.fusedopt.testing.Property;
import io.github.fusedopt.testing.Values;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The skip-non-finite policy: a step whose scaled gradient holds NaN or ±∞ returns
 * {@link StepOutcome#SKIPPED} and changes nothing (parameters, moments, step counter, AdamL's
 * reference loss); every other step returns {@link StepOutcome#APPLIED} with exactly the bits of
 * the propagate policy fed the same applied steps. Groups skip as a whole.
 */
class NonFiniteSkipTest {

    private static final StepExecutor TWO_THREADS = StepExecutor.create(2).withMinParallelElements(0);
    private static final StepExecutor INLINE = StepExecutor.of(Runnable::run, 3).withMinParallelElements(0);
    private static final StepExecutor[] EXECUTORS = {StepExecutor.serial(), TWO_THREADS, INLINE};

    @AfterAll
    static void stopThreads() {
        TWO_THREADS.close();
    }

    private static List<StepKernels> kernels() {
        List<StepKernels> all = new ArrayList<>(List.of(KernelProvider.scalar()));
        KernelProvider.vector().ifPresent(all::add);
        return all;
    }

    /** Puts NaN, ±∞ or a value that overflows when scaled at the first, last or a random element. */
    static void inject(SplittableRandom r, float[] g) {
        if (g.length == 0) {
            return;
        }
        int at = switch (r.nextInt(3)) {
            case 0 -> 0;
            case 1 -> g.length - 1;
            default -> r.nextInt(g.length);
        };
        g[at] = r.nextInt(4) == 0 ? Float.MAX_VALUE : Values.NON_FINITE[r.nextInt(3)];
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void skippedStepsChangeNothingAndTheRestMatchPropagate(Kind kind) {
        List<StepKernels> kernels = kernels();
        Property.forAll("skip policy, arrays, " + kind, Property.tries(), new Property.Generator<Trajectory>() {
            @Override
            public int length(SplittableRandom random) {
                return Values.length(random, 3000);
            }

            @Override
            public Trajectory generate(SplittableRandom random, int length) {
                Trajectory t = Trajectory.random(kind, random, length);
                for (float[] g : t.grads()) {
                    if (random.nextInt(3) == 0) {
                        inject(random, g);
                    }
                }
                return t;
            }
        }, t -> {
            for (StepKernels k : kernels) {
                assertSkipsExactly(t, k);
            }
        });
    }

    private static void assertSkipsExactly(Trajectory t, StepKernels kernels) {
        Trajectory.Run skipping = t.start(Hyperparameters.withPolicy(t.optimizer(), NonFinitePolicy.SKIP));
        Trajectory.Run propagating = t.start(Hyperparameters.withPolicy(t.optimizer(), NonFinitePolicy.PROPAGATE));
        for (int s = 0; s < t.steps(); s++) {
            String where = kernels.name() + " kernels, step " + (s + 1);
            Snapshot before = Snapshot.of(skipping.paramSlice(), skipping.state);
            boolean skip = !SkipRule.appliesAlone(t.optimizer(), before.params(), t.grads()[s], t.gradScales()[s],
                    t.gradNorms()[s]);
            StepOutcome outcome = skipping.step(kernels, s);
            if (skip) {
                assertEquals(StepOutcome.SKIPPED, outcome, where);
                before.assertUnchanged(skipping.paramSlice(), skipping.state, where);
            } else {
                assertEquals(StepOutcome.APPLIED, outcome, where);
                assertEquals(StepOutcome.APPLIED, propagating.step(kernels, s), where);
                Snapshot.of(propagating.paramSlice(), propagating.state).assertUnchanged(skipping.paramSlice(),
                        skipping.state,
                        where + ": skip differs from propagate");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aGroupSkipsAsAWhole(Kind kind) {
        Property.forAll("skip policy, groups, " + kind, Math.max(1, Property.tries() / 10),
                new Property.Generator<GroupStepTest.OnExecutor>() {
                    @Override
                    public int length(SplittableRandom random) {
                        return random.nextInt(1, 10);
                    }

                    @Override
                    public GroupStepTest.OnExecutor generate(SplittableRandom random, int size) {
                        Optimizer optimizer = kind.random(random);
                        if (optimizer instanceof AdaL adaL && random.nextBoolean()) {
                            optimizer = adaL.toBuilder().normScope(NormScope.GROUP).build();
                        }
                        GroupCase c = GroupCase.random(optimizer, random, size);
                        for (float[][] stepGrads : c.grads()) {
                            if (random.nextInt(3) == 0) {
                                inject(random, stepGrads[random.nextInt(stepGrads.length)]);
                            }
                        }
                        return new GroupStepTest.OnExecutor(c, EXECUTORS[random.nextInt(EXECUTORS.length)]);
                    }
                }, c -> assertGroupSkipsExactly(c.groupCase(), c.executor()));
    }

    private static void assertGroupSkipsExactly(GroupCase c, StepExecutor executor) {
        Optimizer skip = Hyperparameters.withPolicy(c.optimizer(), NonFinitePolicy.SKIP);
        Optimizer propagate = Hyperparameters.withPolicy(c.optimizer(), NonFinitePolicy.PROPAGATE);
        try (GroupCase.Bound skipping = c.new Bound(new SplittableRandom(1));
             GroupCase.Bound propagating = c.new Bound(new SplittableRandom(2))) {
            for (int s = 0; s < c.steps(); s++) {
                String where = "step " + (s + 1) + " on " + executor;
                skipping.loadGrads(s);
                float[][] paramsBefore = params(skipping, c);
                boolean finite = SkipRule.appliesToGroup(skip, paramsBefore, c.grads()[s], c.gradScales()[s],
                        c.gradNorms()[s]);
                float[][] mBefore = moments(skipping.state, true);
                float[][] vBefore = moments(skipping.state, false);
                long stepBefore = skipping.state.step();
                StepOutcome outcome = GroupStepTest.stepGroup(skip, c, skipping, s, executor);
                if (!finite) {
                    assertEquals(StepOutcome.SKIPPED, outcome, where);
                    assertBits(paramsBefore, params(skipping, c), "params, " + where);
                    assertBits(mBefore, moments(skipping.state, true), "m, " + where);
                    assertBits(vBefore, moments(skipping.state, false), "v, " + where);
                    assertEquals(stepBefore, skipping.state.step(), where);
                    continue;
                }
                assertEquals(StepOutcome.APPLIED, outcome, where);
                propagating.loadGrads(s);
                assertEquals(StepOutcome.APPLIED, GroupStepTest.stepGroup(propagate, c, propagating, s, executor));
                assertBits(params(propagating, c), params(skipping, c), "params, " + where);
                assertBits(moments(propagating.state, true), moments(skipping.state, true), "m, " + where);
                assertBits(moments(propagating.state, false), moments(skipping.state, false), "v, " + where);
                assertEquals(propagating.state.step(), skipping.state.step(), where);
                assertEquals(propagating.state.referenceLoss(), skipping.state.referenceLoss(), where);
            }
        }
    }

    private static float[][] params(GroupCase.Bound bound, GroupCase c) {
        float[][] out = new float[c.tensors()][];
        for (int i = 0; i < c.tensors(); i++) {
            out[i] = bound.paramsCopy(i);
        }
        return out;
    }

    private static float[][] moments(OptimizerState state, boolean first) {
        float[][] out = new float[state.tensorCount()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = first ? state.slotCopy(i, 0) : state.slotCopy(i, 1);
        }
        return out;
    }

    private static void assertBits(float[][] expected, float[][] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(-1, Values.firstDifference(expected[i], actual[i]), what + ", tensor " + i);
        }
    }

    /** A segment step, with native segments and an off-heap state, skips like the array step. */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void segmentStepsSkipToo(Kind kind) {
        SplittableRandom r = new SplittableRandom(kind.ordinal());
        int n = 1003;
        Optimizer base = kind.random(r, false);
        Optimizer skip = Hyperparameters.withPolicy(base, NonFinitePolicy.SKIP);
        Optimizer propagate = Hyperparameters.withPolicy(base, NonFinitePolicy.PROPAGATE);
        float[] initial = Values.array(r, n, Values.Mix.plain(1));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = arena.allocate(4L * n, 64);
            MemorySegment grads = arena.allocate(4L * n, 64);
            MemorySegment.copy(initial, 0, params, JAVA_FLOAT, 0, n);
            OptimizerState skipState = skip.newState(n, arena);
            float[] expectedParams = initial.clone();
            OptimizerState expectedState = propagate.newState(n);
            double[] scales = {1, 1, 2, 1, 0.5, 1};
            for (int s = 0; s < scales.length; s++) {
                float[] g = Values.array(r, n, Values.Mix.plain(0.1));
                switch (s) {
                    case 1 -> g[n - 1] = Float.NaN;
                    case 2 -> g[r.nextInt(n)] = Float.MAX_VALUE;
                    case 4 -> g[0] = Float.NEGATIVE_INFINITY;
                    default -> { }
                }
                MemorySegment.copy(g, 0, grads, JAVA_FLOAT, 0, n);
                boolean finite = SkipRule.appliesAlone(skip, params.toArray(JAVA_FLOAT), g, scales[s], Double.NaN);
                StepOutcome outcome = segmentStep(skip, skipState, params, grads, scales[s]);
                assertEquals(finite ? StepOutcome.APPLIED : StepOutcome.SKIPPED, outcome, "step " + (s + 1));
                if (finite) {
                    arrayStep(propagate, expectedState, expectedParams, g, scales[s]);
                }
                assertArrayEquals(expectedParams, params.toArray(JAVA_FLOAT), "params after step " + (s + 1));
                assertArrayEquals(expectedState.slotCopy(0, 0), skipState.slotCopy(0, 0), "m after step " + (s + 1));
                assertArrayEquals(expectedState.slotCopy(0, 1), skipState.slotCopy(0, 1), "v after step " + (s + 1));
                assertEquals(expectedState.step(), skipState.step());
                assertEquals(expectedState.referenceLoss(), skipState.referenceLoss());
            }
            assertEquals(3, skipState.step());
        }
    }

    private static StepOutcome segmentStep(Optimizer o, OptimizerState state, MemorySegment p, MemorySegment g,
                                           double scale) {
        return switch (o) {
            case AdamL adamL -> adamL.step(state, 2.0, p, g, scale);
            case GradientOptimizer go -> go.step(state, p, g, scale);
        };
    }

    private static void arrayStep(Optimizer o, OptimizerState state, float[] p, float[] g, double scale) {
        switch (o) {
            case AdamL adamL -> adamL.step(state, 2.0, p, 0, g, 0, p.length, scale);
            case GradientOptimizer go -> go.step(state, p, 0, g, 0, p.length, scale);
        }
    }

    /**
     * AdaL multiplies the gradient by its own {@code ‖g‖₁}: finite gradients near {@code 1e20} then
     * overflow, and the skip policy must skip that step rather than write ±∞. In range, a step is
     * applied whether the norm proves it ({@code ‖g‖₁² < 2^62}) or the elements must be looked at.
     */
    @Test
    void adaLSkipsAGradientThatOverflowsOnceMultipliedByItsNorm() {
        AdaL skip = AdaL.builder().nonFinitePolicy(NonFinitePolicy.SKIP).build();
        AdaL propagate = AdaL.builder().build();
        float[] huge = new float[10];
        Arrays.fill(huge, 1e20f);
        float[] params = new float[10];
        OptimizerState skipping = skip.newState(10);
        assertEquals(StepOutcome.SKIPPED, skip.step(skipping, params, huge));
        assertArrayEquals(new float[10], params);
        assertEquals(0, skipping.step());
        OptimizerState propagating = propagate.newState(10);
        propagate.step(propagating, params, huge);
        assertEquals(Float.NEGATIVE_INFINITY, params[0], "propagate writes what the skip policy refused");

        for (int n : new int[] {100, 1_000_000}) {
            float[] g = new float[n];
            Arrays.fill(g, n == 100 ? 1e4f : 3000f);   // ‖g‖₁ = 1e6 (proves the range), 3e9 (does not)
            float[] p1 = new float[n];
            float[] p2 = new float[n];
            OptimizerState s1 = skip.newState(n);
            OptimizerState s2 = propagate.newState(n);
            assertEquals(StepOutcome.APPLIED, skip.step(s1, p1, g), "n = " + n);
            propagate.step(s2, p2, g);
            assertArrayEquals(p2, p1);
            assertArrayEquals(s2.slotCopy(0, 1), s1.slotCopy(0, 1));
            assertTrue(Float.isFinite(s1.slotCopy(0, 1)[0]) && Float.isFinite(p1[0]), "n = " + n);
        }

        float[] g = {1, Float.NaN, 1};
        float[] p = new float[3];
        OptimizerState state = skip.newState(3);
        assertEquals(StepOutcome.SKIPPED, skip.stepWithGradNorm(state, 1.0, p, g), "a given norm proves nothing");
        g[1] = 2e18f;
        assertEquals(StepOutcome.SKIPPED, skip.stepWithGradNorm(state, 3.0, p, g), "3·2e18 is above 2^62");
        assertEquals(StepOutcome.APPLIED, skip.stepWithGradNorm(state, 2.0, p, g), "2·2e18 is below 2^62");
    }

    /**
     * Every rule: a finite gradient whose square would overflow the second moment is skipped, so
     * that an applied step under the skip policy never turns finite moments infinite.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void aFiniteGradientOutOfRangeIsSkippedAndInRangeKeepsTheMomentsFinite(Kind kind) {
        Optimizer skip = Hyperparameters.withPolicy(kind.defaults(), NonFinitePolicy.SKIP);
        float[] params = {1, 2, 3};
        OptimizerState state = skip.newState(3);
        assertEquals(StepOutcome.SKIPPED, step(skip, state, params, new float[] {0, 1e19f, 0}));
        assertEquals(0, state.step());
        float big = kind == Kind.ADAL ? 1e6f : 4e18f;   // AdaL: ‖g‖₁·g = 3e6·1e6 < 2^62
        for (int s = 0; s < 50; s++) {
            assertEquals(StepOutcome.APPLIED, step(skip, state, params, new float[] {big, -big, big}), kind.name());
            for (int i = 0; i < 3; i++) {
                assertTrue(Float.isFinite(state.slotCopy(0, 0)[i]) && Float.isFinite(state.slotCopy(0, 1)[i]) && Float.isFinite(params[i]),
                        kind + " step " + (s + 1) + " element " + i);
            }
        }
    }

    private static StepOutcome step(Optimizer o, OptimizerState state, float[] params, float[] grads) {
        return switch (o) {
            case AdamL adamL -> adamL.step(state, 2.0, params, grads);
            case GradientOptimizer go -> go.step(state, params, grads);
        };
    }

    /** The first step of AdamL records its loss as the reference; a skipped first step must not. */
    @Test
    void aSkippedFirstStepLeavesAdamLsReferenceLossUnset() {
        AdamL adamL = AdamL.builder().nonFinitePolicy(NonFinitePolicy.SKIP).build();
        OptimizerState state = adamL.newState(3);
        float[] params = {1, 2, 3};
        assertEquals(StepOutcome.SKIPPED, adamL.step(state, 7.0, params, new float[] {0, Float.NaN, 0}));
        assertEquals(java.util.OptionalDouble.empty(), state.referenceLoss());
        assertEquals(StepOutcome.APPLIED, adamL.step(state, 5.0, params, new float[] {0, 1, 0}));
        assertEquals(5.0, state.referenceLoss().orElseThrow());
    }

    /** Under the default policy a non-finite gradient flows through and the step counts. */
    @Test
    void propagateIsTheDefaultAndApplies() {
        Adam adam = Adam.builder().build();
        assertEquals(NonFinitePolicy.PROPAGATE, adam.nonFinitePolicy());
        OptimizerState state = adam.newState(2);
        float[] params = {1, 2};
        assertEquals(StepOutcome.APPLIED, adam.step(state, params, new float[] {Float.NaN, 1}));
        assertEquals(1, state.step());
        assertEquals(Float.NaN, params[0]);
    }

    /** Everything a skipped step must leave alone. */
    private record Snapshot(float[] params, float[] m, float[] v, long step, double referenceLoss) {
        static Snapshot of(float[] params, OptimizerState state) {
            return new Snapshot(params.clone(), state.slotCopy(0, 0), state.slotCopy(0, 1), state.step(), state.referenceLoss);
        }

        void assertUnchanged(float[] params, OptimizerState state, String where) {
            assertEquals(-1, Values.firstDifference(this.params, params), "params, " + where);
            assertEquals(-1, Values.firstDifference(m, state.slotCopy(0, 0)), "m, " + where);
            assertEquals(-1, Values.firstDifference(v, state.slotCopy(0, 1)), "v, " + where);
            assertEquals(step, state.step(), "step counter, " + where);
            assertEquals(Double.doubleToRawLongBits(referenceLoss), Double.doubleToRawLongBits(state.referenceLoss),
                    "reference loss, " + where);
        }
    }
}
