package io.github.fusedopt;

import io.github.fusedopt.testing.Values;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every public step method, for every optimizer, rejects every bad argument with the documented
 * exception, a message naming the argument and its value, and no change at all: parameters,
 * gradients, moments, step counter and AdamL's reference loss are compared before and after, on a
 * fresh state and on a state that has already taken steps.
 */
class BadInputTest {

    private static final int N = 21;

    /** The arguments of one call; scenarios break one of them. */
    static final class Call {
        Optimizer optimizer;
        OptimizerState state;
        float[] params;
        int paramsOffset;
        float[] grads;
        int gradsOffset;
        int length = N;
        double gradScale = 1;
        double loss;
        double gradNorm = 3.5;
    }

    /** A public entry point. */
    record EntryPoint(String name, Kind kind, Form form, Consumer<Call> invoke) {
    }

    enum Form { WHOLE, SLICE, SLICE_SCALED }

    /** A bad argument: how to break a valid call, and what the error must say. */
    record Scenario(String name, Class<? extends RuntimeException> error, String argument, String value,
                    Consumer<Call> breakIt) {
    }

    @TestFactory
    Stream<DynamicTest> everyEntryPointRejectsEveryBadArgumentAndChangesNothing() {
        List<DynamicTest> tests = new ArrayList<>();
        for (EntryPoint entry : entryPoints()) {
            for (Scenario scenario : scenarios(entry)) {
                for (boolean fresh : new boolean[] {true, false}) {
                    tests.add(DynamicTest.dynamicTest(entry.name + " / " + scenario.name + (fresh ? " / fresh state" : ""),
                            () -> assertRejectedAndUnchanged(entry, scenario, fresh)));
                }
            }
        }
        return tests.stream();
    }

    private static void assertRejectedAndUnchanged(EntryPoint entry, Scenario scenario, boolean fresh) {
        Call call = validCall(entry, fresh);
        entry.invoke.accept(copyOf(call));  // the valid call goes through
        scenario.breakIt.accept(call);
        Snapshot before = Snapshot.of(call);
        RuntimeException e = assertThrows(scenario.error, () -> entry.invoke.accept(call));
        String message = String.valueOf(e.getMessage());
        assertTrue(message.startsWith(scenario.argument) || message.contains(scenario.argument + " "),
                "message names " + scenario.argument + ": " + message);
        assertTrue(message.contains(scenario.value), "message gives the value " + scenario.value + ": " + message);
        assertEquals(before, Snapshot.of(call), "nothing changed");
    }

    /** A valid call on slices with offsets, on a state that has taken two steps unless {@code fresh}. */
    private static Call validCall(EntryPoint entry, boolean fresh) {
        SplittableRandom r = new SplittableRandom(entry.name.hashCode());
        Call call = new Call();
        call.optimizer = entry.kind.defaults();
        boolean whole = entry.form == Form.WHOLE;
        call.paramsOffset = whole ? 0 : 3;
        call.gradsOffset = whole ? 0 : 5;
        call.params = Values.array(r, call.paramsOffset + N + (whole ? 0 : 2), Values.Mix.plain(1));
        call.grads = Values.array(r, call.gradsOffset + N + (whole ? 0 : 4), Values.Mix.plain(1));
        call.state = call.optimizer.newState(N);
        call.loss = 2.0;
        if (!fresh) {
            entry.invoke.accept(call);
            entry.invoke.accept(call);
            call.loss = 1.5;
        }
        return call;
    }

    private static Call copyOf(Call c) {
        Call copy = new Call();
        copy.optimizer = c.optimizer;
        copy.state = c.optimizer.newState(N);
        copy.params = c.params.clone();
        copy.paramsOffset = c.paramsOffset;
        copy.grads = c.grads.clone();
        copy.gradsOffset = c.gradsOffset;
        copy.length = c.length;
        copy.gradScale = c.gradScale;
        copy.loss = c.loss;
        copy.gradNorm = c.gradNorm;
        return copy;
    }

    static List<EntryPoint> entryPoints() {
        List<EntryPoint> entries = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            String name = kind.defaults().getClass().getSimpleName();
            if (kind == Kind.ADAML) {
                entries.add(new EntryPoint(name + ".step(state, loss, params, grads)", kind, Form.WHOLE,
                        c -> ((AdamL) c.optimizer).step(c.state, c.loss, c.params, c.grads)));
                entries.add(new EntryPoint(name + ".step(state, loss, params, pOff, grads, gOff, length)", kind, Form.SLICE,
                        c -> ((AdamL) c.optimizer).step(c.state, c.loss, c.params, c.paramsOffset, c.grads, c.gradsOffset,
                                c.length)));
                entries.add(new EntryPoint(name + ".step(..., gradScale)", kind, Form.SLICE_SCALED,
                        c -> ((AdamL) c.optimizer).step(c.state, c.loss, c.params, c.paramsOffset, c.grads, c.gradsOffset,
                                c.length, c.gradScale)));
                continue;
            }
            entries.add(new EntryPoint(name + ".step(state, params, grads)", kind, Form.WHOLE,
                    c -> ((GradientOptimizer) c.optimizer).step(c.state, c.params, c.grads)));
            entries.add(new EntryPoint(name + ".step(state, params, pOff, grads, gOff, length)", kind, Form.SLICE,
                    c -> ((GradientOptimizer) c.optimizer).step(c.state, c.params, c.paramsOffset, c.grads,
                            c.gradsOffset, c.length)));
            entries.add(new EntryPoint(name + ".step(..., gradScale)", kind, Form.SLICE_SCALED,
                    c -> ((GradientOptimizer) c.optimizer).step(c.state, c.params, c.paramsOffset, c.grads,
                            c.gradsOffset, c.length, c.gradScale)));
            if (kind == Kind.ADAL) {
                entries.add(new EntryPoint(name + ".stepWithGradNorm(state, norm, params, grads)", kind, Form.WHOLE,
                        c -> ((AdaL) c.optimizer).stepWithGradNorm(c.state, c.gradNorm, c.params, c.grads)));
                entries.add(new EntryPoint(name + ".stepWithGradNorm(state, norm, ..., gradScale)", kind,
                        Form.SLICE_SCALED, c -> ((AdaL) c.optimizer).stepWithGradNorm(c.state, c.gradNorm, c.params,
                        c.paramsOffset, c.grads, c.gradsOffset, c.length, c.gradScale)));
            }
        }
        return entries;
    }

    static List<Scenario> scenarios(EntryPoint entry) {
        List<Scenario> s = new ArrayList<>();
        s.add(new Scenario("null state", NullPointerException.class, "state", "null", c -> c.state = null));
        s.add(new Scenario("null params", NullPointerException.class, "params", "null", c -> c.params = null));
        s.add(new Scenario("null grads", NullPointerException.class, "grads", "null", c -> c.grads = null));
        Kind foreign = entry.kind == Kind.EADAM ? Kind.ADAM : Kind.EADAM;
        s.add(new Scenario("state of another optimizer", IllegalArgumentException.class, "state",
                foreign == Kind.EADAM ? "EAdam" : "Adam", c -> c.state = foreign.defaults().newState(N)));
        if (entry.form == Form.WHOLE) {
            s.add(new Scenario("params too short", IllegalArgumentException.class, "params.length", "" + (N - 1),
                    c -> c.params = Arrays.copyOf(c.params, N - 1)));
            s.add(new Scenario("grads too long", IllegalArgumentException.class, "grads.length", "" + (N + 1),
                    c -> c.grads = Arrays.copyOf(c.grads, N + 1)));
            s.add(new Scenario("state of another size", IllegalArgumentException.class, "params.length", "" + N,
                    c -> c.state = c.optimizer.newState(N + 2)));
            s.add(new Scenario("params and grads the same array", IllegalArgumentException.class, "grads", "overlaps",
                    c -> c.grads = c.params));
        } else {
            s.add(new Scenario("length above the state's size", IllegalArgumentException.class, "length", "" + (N + 1),
                    c -> c.length = N + 1));
            s.add(new Scenario("length below the state's size", IllegalArgumentException.class, "length", "" + (N - 1),
                    c -> c.length = N - 1));
            s.add(new Scenario("negative length", IllegalArgumentException.class, "length", "-1", c -> c.length = -1));
            s.add(new Scenario("negative paramsOffset", IllegalArgumentException.class, "paramsOffset", "-1",
                    c -> c.paramsOffset = -1));
            s.add(new Scenario("negative gradsOffset", IllegalArgumentException.class, "gradsOffset", "-7",
                    c -> c.gradsOffset = -7));
            s.add(new Scenario("params slice past the end", IllegalArgumentException.class, "paramsOffset + length",
                    "6 + " + N, c -> c.paramsOffset = 6));
            s.add(new Scenario("grads slice past the end", IllegalArgumentException.class, "gradsOffset + length",
                    "10 + " + N, c -> c.gradsOffset = 10));
            s.add(new Scenario("offset that overflows", IllegalArgumentException.class, "paramsOffset + length",
                    "" + Integer.MAX_VALUE, c -> c.paramsOffset = Integer.MAX_VALUE));
            s.add(new Scenario("overlapping slices of one array", IllegalArgumentException.class, "grads", "overlaps",
                    c -> {
                        c.grads = c.params;
                        c.gradsOffset = c.paramsOffset + 1;
                        c.params = Arrays.copyOf(c.params, c.params.length + 1);
                        c.grads = c.params;
                    }));
        }
        if (entry.form == Form.SLICE_SCALED) {
            for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e39}) {
                s.add(new Scenario("gradScale " + bad, IllegalArgumentException.class, "gradScale", "" + bad,
                        c -> c.gradScale = bad));
            }
        }
        if (entry.kind == Kind.ADAML) {
            for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -1e-9}) {
                s.add(new Scenario("loss " + bad, IllegalArgumentException.class, "loss", "" + bad, c -> c.loss = bad));
            }
        }
        if (entry.name.contains("stepWithGradNorm")) {
            for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, -1, 1e39}) {
                s.add(new Scenario("gradL1Norm " + bad, IllegalArgumentException.class, "gradL1Norm", "" + bad,
                        c -> c.gradNorm = bad));
            }
        }
        return s;
    }

    /** Everything a step may change, plus the gradients it must never change. */
    record Snapshot(float[] params, float[] grads, float[] m, float[] v, long step, OptionalDouble referenceLoss) {

        static Snapshot of(Call c) {
            OptimizerState state = c.state;
            return new Snapshot(c.params == null ? null : c.params.clone(), c.grads == null ? null : c.grads.clone(),
                    state == null ? null : copy(state.firstMoment()), state == null ? null : copy(state.secondMoment()),
                    state == null ? -1 : state.step(), state == null ? OptionalDouble.empty() : state.referenceLoss());
        }

        private static float[] copy(FloatBuffer view) {
            float[] values = new float[view.remaining()];
            view.get(values);
            return values;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Snapshot s && Arrays.equals(params, s.params) && Arrays.equals(grads, s.grads)
                    && Arrays.equals(m, s.m) && Arrays.equals(v, s.v) && step == s.step
                    && referenceLoss.equals(s.referenceLoss);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(step);
        }

        @Override
        public String toString() {
            return "step " + step + ", referenceLoss " + referenceLoss + ", params " + Arrays.toString(params);
        }
    }

    @TestFactory
    Stream<DynamicTest> aRejectedFirstAdamLStepDoesNotFixTheReferenceLoss() {
        return Stream.of(Double.NaN, -1.0, Double.POSITIVE_INFINITY).map(bad -> DynamicTest.dynamicTest("loss " + bad, () -> {
            AdamL adamL = AdamL.builder().build();
            OptimizerState state = adamL.newState(2);
            float[] params = {1, 2};
            assertThrows(IllegalArgumentException.class, () -> adamL.step(state, bad, params, new float[] {1, 1}));
            assertEquals(OptionalDouble.empty(), state.referenceLoss());
            assertEquals(0, state.step());
            assertArrayEquals(new float[] {1, 2}, params);
        }));
    }
}
