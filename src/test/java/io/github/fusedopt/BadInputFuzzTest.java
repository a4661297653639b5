package io.github.fusedopt;

import io.github.fusedopt.testing.Property;
import io.github.fusedopt.testing.Values;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Generated bad input: a random valid call (any optimizer with random hyperparameters and policy,
 * any entry point, random lengths and offsets, a state that has taken 0–3 steps) broken in one
 * random way with random values. Every such call must throw the documented exception naming the
 * argument, and change nothing: parameters, gradients, moments, step counter, reference loss.
 * {@link BadInputTest} and {@link SegmentAndGroupBadInputTest} list the cases one by one; this
 * property draws them at random, as many as {@code -Dfusedopt.tries} asks.
 */
class BadInputFuzzTest {

    enum Form { WHOLE, SLICE, SCALED, GIVEN_NORM, SEGMENTS, GROUP }

    /** One call's arguments; a break replaces one of them. */
    static final class Call implements AutoCloseable {
        final Arena arena = Arena.ofShared();
        Form form;
        Optimizer optimizer;
        OptimizerState state;
        float[] params;
        float[] grads;
        int paramsOffset;
        int gradsOffset;
        int length;
        double gradScale = 1;
        double loss;
        double gradNorm = Double.NaN;
        MemorySegment paramSegment;
        MemorySegment gradSegment;
        TensorGroup group;
        StepExecutor executor = StepExecutor.serial();

        StepOutcome invoke() {
            return switch (form) {
                case WHOLE -> switch (optimizer) {
                    case AdamL a -> a.step(state, loss, params, grads);
                    case GradientOptimizer g -> g.step(state, params, grads);
                };
                case SLICE -> switch (optimizer) {
                    case AdamL a -> a.step(state, loss, params, paramsOffset, grads, gradsOffset, length);
                    case GradientOptimizer g -> g.step(state, params, paramsOffset, grads, gradsOffset, length);
                };
                case SCALED -> switch (optimizer) {
                    case AdamL a -> a.step(state, loss, params, paramsOffset, grads, gradsOffset, length, gradScale);
                    case GradientOptimizer g -> g.step(state, params, paramsOffset, grads, gradsOffset, length, gradScale);
                };
                case GIVEN_NORM -> ((AdaL) optimizer).stepWithGradNorm(state, gradNorm, params, paramsOffset, grads,
                        gradsOffset, length, gradScale);
                case SEGMENTS -> switch (optimizer) {
                    case AdamL a -> a.step(state, loss, paramSegment, gradSegment, gradScale);
                    case AdaL a when !Double.isNaN(gradNorm) ->
                            a.stepWithGradNorm(state, gradNorm, paramSegment, gradSegment, gradScale);
                    case GradientOptimizer g -> g.step(state, paramSegment, gradSegment, gradScale);
                };
                case GROUP -> switch (optimizer) {
                    case AdamL a -> a.step(state, loss, group, gradScale, executor);
                    case AdaL a when !Double.isNaN(gradNorm) -> a.stepWithGradNorm(state, gradNorm, group, gradScale, executor);
                    case GradientOptimizer g -> g.step(state, group, gradScale, executor);
                };
            };
        }

        @Override
        public void close() {
            if (arena.scope().isAlive()) {
                arena.close();
            }
        }
    }

    /** A way to break a call: the exception it must cause and the text its message must hold. */
    record Break(String name, Class<? extends RuntimeException> error, String mention, Consumer<Call> apply) {
    }

    record Case(long seed, Kind kind, Form form, int length) {
    }

    @Test
    void generatedBadArgumentsAreRejectedAndChangeNothing() {
        Property.forAll("bad input, generated", Property.tries() * 20, new Property.Generator<Case>() {
            @Override
            public int length(SplittableRandom random) {
                return Values.length(random, 300);
            }

            @Override
            public Case generate(SplittableRandom random, int length) {
                Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
                List<Form> forms = new ArrayList<>(List.of(Form.WHOLE, Form.SLICE, Form.SCALED, Form.SEGMENTS, Form.GROUP));
                if (kind == Kind.ADAL) {
                    forms.add(Form.GIVEN_NORM);
                }
                return new Case(random.nextLong(), kind, forms.get(random.nextInt(forms.size())), length);
            }
        }, BadInputFuzzTest::check);
    }

    private static void check(Case c) {
        SplittableRandom r = new SplittableRandom(c.seed());
        try (Call call = validCall(c, r)) {
            List<Break> breaks = breaks(call, r);
            Break chosen = breaks.get(r.nextInt(breaks.size()));
            OptimizerState live = call.state;
            Snapshot liveBefore = Snapshot.of(call, live);
            chosen.apply().accept(call);
            Snapshot before = Snapshot.of(call, call.state);
            RuntimeException e = assertThrows(chosen.error(), call::invoke, chosen.name());
            String message = String.valueOf(e.getMessage());
            assertTrue(message.contains(chosen.mention()), chosen.name() + ": message names " + chosen.mention()
                    + ": " + message);
            assertEquals(before, Snapshot.of(call, call.state), chosen.name() + ": nothing changed");
            if (live != call.state) {
                assertEquals(liveBefore, Snapshot.of(call, live), chosen.name() + ": the live state is unchanged");
            }
        }
    }

    private static Call validCall(Case c, SplittableRandom r) {
        Call call = new Call();
        call.form = c.form();
        Optimizer o = c.kind().random(r);
        call.optimizer = Hyperparameters.withPolicy(o, r.nextBoolean() ? NonFinitePolicy.SKIP : NonFinitePolicy.PROPAGATE);
        int n = c.length();
        call.length = n;
        boolean whole = c.form() == Form.WHOLE;
        call.paramsOffset = whole ? 0 : r.nextInt(0, 9);
        call.gradsOffset = whole ? 0 : r.nextInt(0, 9);
        call.params = Values.array(r, call.paramsOffset + n + (whole ? 0 : r.nextInt(0, 5)), Values.Mix.plain(1));
        call.grads = Values.array(r, call.gradsOffset + n + (whole ? 0 : r.nextInt(0, 5)), Values.Mix.plain(0.1));
        call.gradScale = c.form() == Form.WHOLE || c.form() == Form.SLICE ? 1 : Kind.pick(r, 1, 0.5, 1024, -1);
        double lossMin = call.optimizer instanceof AdamL a ? a.lossMin() : 0;
        call.loss = lossMin + 3 * r.nextDouble();
        boolean takesNorm = c.form() == Form.SEGMENTS || c.form() == Form.GROUP;
        if (c.form() == Form.GIVEN_NORM || (c.kind() == Kind.ADAL && takesNorm && r.nextInt(3) == 0)) {
            call.gradNorm = Kind.pick(r, 0, 1e-3, 2.5, 1e6);
        }
        boolean offHeap = r.nextInt(3) == 0;
        switch (c.form()) {
            case SEGMENTS -> {
                call.paramSegment = call.arena.allocate(4L * n + 4, 4).asSlice(4L * r.nextInt(0, 2), 4L * n);
                call.gradSegment = call.arena.allocate(4L * n, 4);
                MemorySegment.copy(call.params, 0, call.paramSegment, JAVA_FLOAT, 0, n);
                MemorySegment.copy(call.grads, 0, call.gradSegment, JAVA_FLOAT, 0, n);
                call.state = offHeap ? call.optimizer.newState(n, call.arena) : call.optimizer.newState(n);
            }
            case GROUP -> {
                int split = r.nextInt(0, n + 1);
                call.group = TensorGroup.builder()
                        .add(call.params, call.paramsOffset, call.grads, call.gradsOffset, split)
                        .add(call.params, call.paramsOffset + split, call.grads, call.gradsOffset + split, n - split)
                        .build();
                call.state = offHeap ? call.optimizer.newState(call.group, call.arena) : call.optimizer.newState(call.group);
            }
            default -> call.state = call.optimizer.newState(n);
        }
        int warmSteps = r.nextInt(0, 4);
        for (int s = 0; s < warmSteps; s++) {
            call.invoke();
        }
        return call;
    }

    private static List<Break> breaks(Call c, SplittableRandom r) {
        List<Break> list = new ArrayList<>();
        int n = c.length;
        list.add(new Break("null state", NullPointerException.class, "state", x -> x.state = null));
        Kind foreign = c.optimizer instanceof EAdam ? Kind.ADAM : Kind.EADAM;
        list.add(new Break("state of another optimizer", IllegalArgumentException.class, "state",
                x -> x.state = x.form == Form.GROUP ? foreign.defaults().newState(x.group) : foreign.defaults().newState(n)));
        if (c.form != Form.WHOLE && c.form != Form.SLICE) {
            double bad = Kind.pick(r, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
                    Float.MAX_VALUE * (1 + r.nextDouble()), -1e39 * (1 + r.nextDouble()));
            list.add(new Break("gradScale " + bad, IllegalArgumentException.class, "gradScale", x -> x.gradScale = bad));
        }
        if (c.optimizer instanceof AdamL a) {
            double bad = Kind.pick(r, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
                    a.lossMin() - Math.pow(10, -12 + 14 * r.nextDouble()));
            list.add(new Break("loss " + bad, IllegalArgumentException.class, "loss", x -> x.loss = bad));
        }
        if (!Double.isNaN(c.gradNorm)) {
            double bad = Kind.pick(r, Double.NaN, Double.POSITIVE_INFINITY, -Math.pow(10, -10 + 20 * r.nextDouble()),
                    Float.MAX_VALUE * (1 + r.nextDouble()));
            // NaN means "compute the norm" in the segment and group forms of this harness.
            if (!Double.isNaN(bad) || c.form == Form.GIVEN_NORM) {
                list.add(new Break("gradL1Norm " + bad, IllegalArgumentException.class, "gradL1Norm",
                        x -> x.gradNorm = bad));
            }
        }
        list.add(new Break("step counter at its maximum", IllegalStateException.class, "maximum",
                x -> x.state.step = OptimizerState.MAX_STEP));
        switch (c.form) {
            case WHOLE, SLICE, SCALED, GIVEN_NORM -> arrayBreaks(c, r, list);
            case SEGMENTS -> segmentBreaks(c, r, list);
            case GROUP -> groupBreaks(c, r, list);
        }
        return list;
    }

    private static void arrayBreaks(Call c, SplittableRandom r, List<Break> list) {
        int n = c.length;
        list.add(new Break("null params", NullPointerException.class, "params", x -> x.params = null));
        list.add(new Break("null grads", NullPointerException.class, "grads", x -> x.grads = null));
        if (c.form == Form.WHOLE) {
            int other = otherThan(r, n);
            list.add(new Break("params.length " + other, IllegalArgumentException.class, "params.length",
                    x -> x.params = Arrays.copyOf(x.params, other)));
            list.add(new Break("grads.length " + other, IllegalArgumentException.class, "grads.length",
                    x -> x.grads = Arrays.copyOf(x.grads, other)));
            if (n > 0) {
                list.add(new Break("params and grads the same array", IllegalArgumentException.class, "overlaps",
                        x -> x.grads = x.params));
            }
            return;
        }
        int otherLength = otherThan(r, n);
        list.add(new Break("length " + otherLength, IllegalArgumentException.class, "length", x -> x.length = otherLength));
        int negative = -r.nextInt(1, Integer.MAX_VALUE);
        list.add(new Break("paramsOffset " + negative, IllegalArgumentException.class, "paramsOffset",
                x -> x.paramsOffset = negative));
        list.add(new Break("gradsOffset " + negative, IllegalArgumentException.class, "gradsOffset",
                x -> x.gradsOffset = negative));
        int pastParams = r.nextInt(c.params.length - n + 1, Integer.MAX_VALUE);
        list.add(new Break("paramsOffset past the end " + pastParams, IllegalArgumentException.class,
                "paramsOffset + length", x -> x.paramsOffset = pastParams));
        int pastGrads = r.nextInt(c.grads.length - n + 1, Integer.MAX_VALUE);
        list.add(new Break("gradsOffset past the end " + pastGrads, IllegalArgumentException.class,
                "gradsOffset + length", x -> x.gradsOffset = pastGrads));
        if (n > 0) {
            int shift = r.nextInt(-(n - 1), n);
            list.add(new Break("slices of one array " + shift + " apart", IllegalArgumentException.class, "overlaps", x -> {
                int start = Math.max(0, -shift);
                x.params = Arrays.copyOf(x.params, Math.max(x.params.length, start + Math.abs(shift) + n) + 1);
                x.grads = x.params;
                x.paramsOffset = start;
                x.gradsOffset = start + shift;
            }));
        }
    }

    private static void segmentBreaks(Call c, SplittableRandom r, List<Break> list) {
        int n = c.length;
        list.add(new Break("null params", NullPointerException.class, "params", x -> x.paramSegment = null));
        list.add(new Break("null grads", NullPointerException.class, "grads", x -> x.gradSegment = null));
        list.add(new Break("read-only params", IllegalArgumentException.class, "params",
                x -> x.paramSegment = x.paramSegment.asReadOnly()));
        int misalignment = r.nextInt(1, 4);
        list.add(new Break("params misaligned by " + misalignment, IllegalArgumentException.class, "params", x -> {
            MemorySegment wider = x.arena.allocate(4L * n + 4, 4);
            x.paramSegment = wider.asSlice(misalignment, 4L * n);
        }));
        int other = otherThan(r, n);
        list.add(new Break("params of " + other + " floats", IllegalArgumentException.class, "params.byteSize()",
                x -> x.paramSegment = x.arena.allocate(4L * other, 4)));
        list.add(new Break("grads of " + other + " floats", IllegalArgumentException.class, "grads.byteSize()",
                x -> x.gradSegment = x.arena.allocate(4L * other, 4)));
        if (n > 0) {
            list.add(new Break("grads overlapping params", IllegalArgumentException.class, "overlaps", x -> {
                MemorySegment both = x.arena.allocate(4L * (n + n / 2 + 1), 4);
                x.paramSegment = both.asSlice(0, 4L * n);
                x.gradSegment = both.asSlice(4L * (n / 2 + 1) - 4, 4L * n);
            }));
        }
        if (n > 0) {
            list.add(new Break("grads a read-only view of params", IllegalArgumentException.class, "overlaps",
                    x -> x.gradSegment = x.paramSegment.asReadOnly()));
            boolean first = r.nextBoolean();
            // A bf16 slot view holds 2-byte elements: it fails the alignment or size check of grads first.
            boolean bf16 = c.state.format() == StateFormat.BF16;
            list.add(new Break("grads a view of the state's " + (first ? "m" : "v"), IllegalArgumentException.class,
                    bf16 ? "grads" : "the state's moments", x -> x.gradSegment = first || bf16
                            ? x.state.slotSegment(0, first ? 0 : 1) : MemorySegment.ofBuffer(x.state.secondMoment(0))));
        }
        list.add(new Break("params arena closed", IllegalStateException.class, "params", x -> {
            Arena closing = Arena.ofShared();
            x.paramSegment = closing.allocate(4L * n, 4);
            closing.close();
        }));
        list.add(new Break("state of another size", IllegalArgumentException.class, "byteSize()",
                x -> x.state = x.optimizer.newState(other)));
    }

    private static void groupBreaks(Call c, SplittableRandom r, List<Break> list) {
        list.add(new Break("null group", NullPointerException.class, "group", x -> x.group = null));
        list.add(new Break("null executor", NullPointerException.class, "executor", x -> x.executor = null));
        list.add(new Break("closed executor", IllegalStateException.class, "closed", x -> {
            StepExecutor closed = StepExecutor.create(2);
            closed.close();
            x.executor = closed;
        }));
        int extra = r.nextInt(1, 5);
        list.add(new Break("state of a group with " + extra + " more elements", IllegalArgumentException.class,
                "group.length(", x -> x.state = x.optimizer.newState(TensorGroup.builder()
                        .add(new float[x.group.length(0)], 0, new float[x.group.length(0)], 0, x.group.length(0))
                        .add(new float[x.group.length(1) + extra], 0, new float[x.group.length(1) + extra], 0,
                                x.group.length(1) + extra).build())));
        list.add(new Break("state of one tensor", IllegalArgumentException.class, "group.tensorCount()",
                x -> x.state = x.optimizer.newState(x.length)));
        if (c.state.offHeap()) {
            list.add(new Break("state arena closed", IllegalStateException.class, "moments", x -> x.arena.close()));
        }
        if (c.group.length(1) > 0 && c.state.format() == StateFormat.F32) {   // bf16 m: not a float view at all
            list.add(new Break("tensor 1's grads a view of its own m", IllegalArgumentException.class,
                    "the state's m of tensor 1", x -> x.group = TensorGroup.builder()
                            .add(x.params, x.paramsOffset, x.grads, x.gradsOffset, x.group.length(0))
                            .add(MemorySegment.ofArray(x.params).asSlice(4L * (x.paramsOffset + x.group.length(0)),
                                    4L * x.group.length(1)), x.state.firstMomentSegment(1))
                            .build()));
        }
    }

    private static int otherThan(SplittableRandom r, int n) {
        int other = r.nextBoolean() ? n + r.nextInt(1, 40) : r.nextInt(0, Math.max(1, n));
        return other == n ? n + 1 : other;
    }

    /** Everything a call could change. */
    record Snapshot(float[] params, float[] grads, float[] paramSegment, float[] gradSegment, float[][] m,
                    float[][] v, long step, double referenceLoss) {

        static Snapshot of(Call c, OptimizerState state) {
            boolean stateReadable = state != null && (!state.offHeap() || c.arena.scope().isAlive());
            float[][] m = null;
            float[][] v = null;
            if (stateReadable) {
                m = new float[state.tensorCount()][];
                v = new float[state.tensorCount()][];
                for (int i = 0; i < m.length; i++) {
                    m[i] = state.slotCopy(i, 0);
                    v[i] = state.slotCopy(i, 1);
                }
            }
            return new Snapshot(c.params == null ? null : c.params.clone(), c.grads == null ? null : c.grads.clone(),
                    readable(c.paramSegment), readable(c.gradSegment), m, v,
                    state == null ? -1 : state.step(), state == null ? Double.NaN : state.referenceLoss);
        }

        private static float[] readable(MemorySegment s) {
            if (s == null || !s.scope().isAlive()) {
                return null;
            }
            return Values.floatsOf(s);   // a bf16 slot given as a gradient has an odd byte count
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Snapshot s && Arrays.equals(params, s.params) && Arrays.equals(grads, s.grads)
                    && Arrays.equals(paramSegment, s.paramSegment) && Arrays.equals(gradSegment, s.gradSegment)
                    && Arrays.deepEquals(m, s.m) && Arrays.deepEquals(v, s.v) && step == s.step
                    && Double.compare(referenceLoss, s.referenceLoss) == 0;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(step);
        }

        @Override
        public String toString() {
            return "step " + step + ", referenceLoss " + referenceLoss;
        }
    }
}
