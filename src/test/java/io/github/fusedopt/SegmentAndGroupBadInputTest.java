package io.github.fusedopt;

import io.github.fusedopt.testing.Values;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The segment and group entry points, for every optimizer, reject every bad argument with the
 * documented exception and a message naming the argument, and change nothing: every parameter,
 * gradient and moment (on or off the heap), the step counter and AdamL's reference loss are
 * compared before and after, on a fresh state and on one that has taken steps.
 */
class SegmentAndGroupBadInputTest {

    private static final int N = 21;

    /** The arguments of one call; a scenario breaks one of them. */
    static final class Call implements AutoCloseable {
        final Arena arena = Arena.ofShared();
        final List<Arena> extraArenas = new ArrayList<>();
        Optimizer optimizer;
        OptimizerState state;
        MemorySegment params;
        MemorySegment grads;
        /** The valid call's segments: scenarios replace the fields, these stay to be compared. */
        MemorySegment validParams;
        MemorySegment validGrads;
        float[] heapParams = new float[N + 4];
        float[] heapGrads = new float[N];
        TensorGroup group;
        StepExecutor executor = StepExecutor.serial();
        double gradScale = 1;
        double loss = 2;
        double gradNorm = 3.5;

        /** Segments in an arena of their own, which a scenario may close. */
        MemorySegment ownArenaCopy(MemorySegment of) {
            Arena own = Arena.ofShared();
            extraArenas.add(own);
            return own.allocate(of.byteSize(), 64).copyFrom(of);
        }

        @Override
        public void close() {
            for (Arena a : extraArenas) {
                if (a.scope().isAlive()) {
                    a.close();
                }
            }
            arena.close();
        }
    }

    enum Form { SEGMENTS, GROUP }

    record EntryPoint(String name, Kind kind, Form form, Consumer<Call> invoke) {
    }

    record Scenario(String name, Class<? extends RuntimeException> error, String argument, Consumer<Call> breakIt) {
    }

    @TestFactory
    Stream<DynamicTest> everyEntryPointRejectsEveryBadArgumentAndChangesNothing() {
        List<DynamicTest> tests = new ArrayList<>();
        for (EntryPoint entry : entryPoints()) {
            for (Scenario scenario : scenarios(entry)) {
                for (boolean offHeap : new boolean[] {false, true}) {
                    for (boolean fresh : new boolean[] {true, false}) {
                        tests.add(DynamicTest.dynamicTest(entry.name + " / " + scenario.name
                                        + (offHeap ? " / off-heap state" : "") + (fresh ? " / fresh" : ""),
                                () -> assertRejectedAndUnchanged(entry, scenario, offHeap, fresh)));
                    }
                }
            }
        }
        return tests.stream();
    }

    private static void assertRejectedAndUnchanged(EntryPoint entry, Scenario scenario, boolean offHeap, boolean fresh) {
        try (Call call = validCall(entry, offHeap)) {
            if (!fresh) {
                entry.invoke.accept(call);
            }
            scenario.breakIt.accept(call);
            String before = snapshot(call);
            RuntimeException e = assertThrows(scenario.error, () -> entry.invoke.accept(call));
            String message = String.valueOf(e.getMessage());
            assertTrue(message.startsWith(scenario.argument) || message.contains(scenario.argument),
                    "message names " + scenario.argument + ": " + message);
            assertEquals(before, snapshot(call), "nothing changed");
        }
    }

    private static Call validCall(EntryPoint entry, boolean offHeap) {
        Call call = new Call();
        SplittableRandom r = new SplittableRandom(1);
        call.optimizer = entry.kind.defaults();
        call.params = call.arena.allocateFrom(JAVA_FLOAT, Values.array(r, N, Values.Mix.plain(1)));
        call.grads = call.arena.allocateFrom(JAVA_FLOAT, Values.array(r, N, Values.Mix.plain(0.1)));
        call.validParams = call.params;
        call.validGrads = call.grads;
        for (int i = 0; i < N; i++) {
            call.heapParams[i + 4] = (float) r.nextGaussian();
            call.heapGrads[i] = (float) r.nextGaussian();
        }
        if (entry.form == Form.GROUP) {
            call.group = TensorGroup.builder()
                    .add(call.heapParams, 4, call.heapGrads, 0, N)
                    .add(call.params, call.grads)
                    .add(call.heapParams, 0, call.heapGrads, 1, 3)
                    .build();
            call.state = offHeap ? call.optimizer.newState(call.group, call.arena) : call.optimizer.newState(call.group);
        } else {
            call.state = offHeap ? call.optimizer.newState(N, call.arena) : call.optimizer.newState(N);
        }
        return call;
    }

    /** Everything a step could write, as text; dead segments are left out. */
    private static String snapshot(Call call) {
        StringBuilder s = new StringBuilder();
        s.append(call.state == null ? "no state" : call.state.toString());
        try {
            for (int i = 0; call.state != null && i < call.state.tensorCount(); i++) {
                s.append(bits(call.state.slotCopy(i, 0))).append(bits(call.state.slotCopy(i, 1)));
            }
        } catch (IllegalStateException closedArena) {
            s.append("moments in a closed arena");
        }
        s.append(bits(call.validParams.toArray(JAVA_FLOAT))).append(bits(call.validGrads.toArray(JAVA_FLOAT)));
        s.append(bits(call.heapParams)).append(bits(call.heapGrads));
        return s.toString();
    }

    private static String bits(float[] values) {
        StringBuilder s = new StringBuilder("[");
        for (float v : values) {
            s.append(Integer.toHexString(Float.floatToRawIntBits(v))).append(',');
        }
        return s.append(']').toString();
    }

    private static List<EntryPoint> entryPoints() {
        List<EntryPoint> entries = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            entries.add(new EntryPoint(kind + " segments", kind, Form.SEGMENTS, c -> {
                switch (c.optimizer) {
                    case AdamL a -> a.step(c.state, c.loss, c.params, c.grads, c.gradScale);
                    case GradientOptimizer g -> g.step(c.state, c.params, c.grads, c.gradScale);
                }
            }));
            entries.add(new EntryPoint(kind + " group", kind, Form.GROUP, c -> {
                switch (c.optimizer) {
                    case AdamL a -> a.step(c.state, c.loss, c.group, c.gradScale, c.executor);
                    case GradientOptimizer g -> g.step(c.state, c.group, c.gradScale, c.executor);
                }
            }));
        }
        entries.add(new EntryPoint("AdaL segments with norm", Kind.ADAL, Form.SEGMENTS,
                c -> ((AdaL) c.optimizer).stepWithGradNorm(c.state, c.gradNorm, c.params, c.grads, c.gradScale)));
        entries.add(new EntryPoint("AdaL group with norm", Kind.ADAL, Form.GROUP,
                c -> ((AdaL) c.optimizer).stepWithGradNorm(c.state, c.gradNorm, c.group, c.gradScale, c.executor)));
        return entries;
    }

    private static List<Scenario> scenarios(EntryPoint entry) {
        List<Scenario> list = new ArrayList<>();
        list.add(new Scenario("null state", NullPointerException.class, "state", c -> c.state = null));
        list.add(new Scenario("state of another optimizer", IllegalArgumentException.class, "state",
                c -> c.state = (c.optimizer instanceof EAdam ? Kind.ADAM : Kind.EADAM).defaults().newState(
                        c.group == null ? N : 1)));
        list.add(new Scenario("NaN gradScale", IllegalArgumentException.class, "gradScale", c -> c.gradScale = Double.NaN));
        list.add(new Scenario("state arena closed", IllegalStateException.class, "moments", c -> {
            Arena own = Arena.ofShared();
            c.state = c.group == null ? c.optimizer.newState(N, own) : c.optimizer.newState(c.group, own);
            own.close();
        }));
        if (entry.kind == Kind.ADAML) {
            list.add(new Scenario("NaN loss", IllegalArgumentException.class, "loss", c -> c.loss = Double.NaN));
            list.add(new Scenario("negative loss", IllegalArgumentException.class, "loss", c -> c.loss = -1));
        }
        if (entry.name.endsWith("with norm")) {
            list.add(new Scenario("negative norm", IllegalArgumentException.class, "gradL1Norm", c -> c.gradNorm = -1));
            list.add(new Scenario("infinite norm", IllegalArgumentException.class, "gradL1Norm",
                    c -> c.gradNorm = Double.POSITIVE_INFINITY));
        }
        if (entry.form == Form.SEGMENTS) {
            list.add(new Scenario("null params", NullPointerException.class, "params", c -> c.params = null));
            list.add(new Scenario("null grads", NullPointerException.class, "grads", c -> c.grads = null));
            list.add(new Scenario("read-only params", IllegalArgumentException.class, "params",
                    c -> c.params = c.params.asReadOnly()));
            list.add(new Scenario("misaligned params", IllegalArgumentException.class, "params",
                    c -> c.params = c.arena.allocate(4L * N + 1, 8).asSlice(1, 4L * N)));
            list.add(new Scenario("params too short", IllegalArgumentException.class, "params.byteSize()",
                    c -> c.params = c.params.asSlice(0, 4L * (N - 1))));
            list.add(new Scenario("grads too long", IllegalArgumentException.class, "grads.byteSize()",
                    c -> c.grads = c.arena.allocate(4L * (N + 1))));
            list.add(new Scenario("params not whole floats", IllegalArgumentException.class, "params.byteSize()",
                    c -> c.params = c.arena.allocate(4L * N + 2, 4)));
            list.add(new Scenario("grads overlap params", IllegalArgumentException.class, "grads",
                    c -> c.grads = c.params));
            list.add(new Scenario("params arena closed", IllegalStateException.class, "params", c -> {
                c.params = c.ownArenaCopy(c.params);
                c.extraArenas.getLast().close();
            }));
            list.add(new Scenario("params confined to another thread", IllegalStateException.class, "params",
                    c -> c.params = confinedElsewhere(c)));
            list.add(new Scenario("state of a group", IllegalArgumentException.class, "state",
                    c -> c.state = c.optimizer.newState(TensorGroup.builder().add(new float[N], new float[N])
                            .add(new float[1], new float[1]).build())));
            list.add(new Scenario("state of another size", IllegalArgumentException.class, "params.byteSize()",
                    c -> c.state = c.optimizer.newState(N + 1)));
        } else {
            list.add(new Scenario("null group", NullPointerException.class, "group", c -> c.group = null));
            list.add(new Scenario("null executor", NullPointerException.class, "executor", c -> c.executor = null));
            list.add(new Scenario("closed executor", IllegalStateException.class, "closed", c -> {
                StepExecutor threads = StepExecutor.create(2);
                c.executor = threads.withMinParallelElements(0);
                threads.close();
            }));
            list.add(new Scenario("state with fewer tensors", IllegalArgumentException.class, "group.tensorCount()",
                    c -> c.state = c.optimizer.newState(N)));
            list.add(new Scenario("state of other lengths", IllegalArgumentException.class, "group.length(1)",
                    c -> c.state = c.optimizer.newState(TensorGroup.builder().add(new float[N], new float[N])
                            .add(new float[N + 1], new float[N + 1]).add(new float[3], new float[3]).build())));
            list.add(new Scenario("a bound segment's arena closed", IllegalStateException.class, "params of tensor 1",
                    c -> {
                        c.params = c.ownArenaCopy(c.params);
                        c.group = TensorGroup.builder().add(c.heapParams, 4, c.heapGrads, 0, N).add(c.params, c.grads)
                                .add(c.heapParams, 0, c.heapGrads, 1, 3).build();
                        c.extraArenas.getLast().close();
                    }));
        }
        return list;
    }

    /** A copy of the params in a confined arena owned by another thread (left open). */
    private static MemorySegment confinedElsewhere(Call c) {
        var pool = Executors.newSingleThreadExecutor();
        try {
            Future<MemorySegment> made = pool.submit(() -> Arena.ofConfined().allocate(4L * N, 64));
            return made.get();
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError(e);
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void groupBuilderRejectsBadBindingsNamingTheTensor() {
        float[] a = new float[10];
        float[] b = new float[10];
        assertMessage(IllegalArgumentException.class, "grads.length of tensor 1",
                () -> TensorGroup.builder().add(new float[2], new float[2]).add(a, new float[9]));
        assertMessage(IllegalArgumentException.class, "paramsOffset of tensor 0",
                () -> TensorGroup.builder().add(a, 8, b, 0, 3));
        assertMessage(IllegalArgumentException.class, "length of tensor 0",
                () -> TensorGroup.builder().add(a, 0, b, 0, -1));
        assertMessage(IllegalArgumentException.class, "overlaps params of tensor 0",
                () -> TensorGroup.builder().add(a, 0, b, 0, 5).add(a, 4, b, 5, 5).build());
        assertMessage(IllegalArgumentException.class, "overlaps",
                () -> TensorGroup.builder().add(a, 0, b, 0, 5).add(b, 4, a, 5, 5).build());
        assertMessage(IllegalArgumentException.class, "overlaps",
                () -> TensorGroup.builder().add(a, 0, a, 3, 5).build());
        // Gradients may be shared: they are only read.
        assertEquals(2, TensorGroup.builder().add(a, 0, b, 0, 5).add(a, 5, b, 0, 5).build().tensorCount());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = arena.allocate(40, 64);
            MemorySegment g = arena.allocate(40, 64);
            assertMessage(IllegalArgumentException.class, "read-only",
                    () -> TensorGroup.builder().add(p.asReadOnly(), g));
            assertEquals(1, TensorGroup.builder().add(p, g.asReadOnly()).build().tensorCount());
            assertMessage(IllegalArgumentException.class, "aligned",
                    () -> TensorGroup.builder().add(arena.allocate(44, 8).asSlice(2, 40), g));
            assertMessage(IllegalArgumentException.class, "grads.byteSize() of tensor 0",
                    () -> TensorGroup.builder().add(p, g.asSlice(4)));
            assertMessage(IllegalArgumentException.class, "overlaps",
                    () -> TensorGroup.builder().add(p.asSlice(0, 20), g.asSlice(0, 20)).add(p.asSlice(16, 20), g.asSlice(20, 20)).build());
            assertMessage(IllegalArgumentException.class, "overlaps",
                    () -> TensorGroup.builder().add(a, b).add(MemorySegment.ofArray(a), g).build());
            // An array slice and a heap segment over the same array: adjacent is fine, one float more is not.
            assertEquals(2, TensorGroup.builder().add(a, 0, b, 0, 5)
                    .add(MemorySegment.ofArray(a).asSlice(20, 20), MemorySegment.ofArray(new float[5])).build().tensorCount());
            assertMessage(IllegalArgumentException.class, "overlaps", () -> TensorGroup.builder().add(a, 0, b, 0, 5)
                    .add(MemorySegment.ofArray(a).asSlice(16, 20), MemorySegment.ofArray(new float[5])).build());
        }
    }

    @Test
    void executorArgumentsAreChecked() {
        assertMessage(IllegalArgumentException.class, "parallelism", () -> StepExecutor.create(0));
        assertMessage(NullPointerException.class, "executor", () -> StepExecutor.of(null, 2));
        assertMessage(IllegalArgumentException.class, "minParallelElements",
                () -> StepExecutor.serial().withMinParallelElements(-1));
    }

    @Test
    void normAndStateQueriesAreChecked() {
        AdaL adaL = AdaL.builder().build();
        TensorGroup group = TensorGroup.of(new float[4], new float[] {1, -2, 3, -4});
        assertMessage(NullPointerException.class, "group", () -> adaL.gradL1Norm(null, 1));
        assertMessage(IllegalArgumentException.class, "gradScale", () -> adaL.gradL1Norm(group, Double.NaN));
        assertMessage(IllegalArgumentException.class, "gradScale", () -> adaL.gradL1Norm(group, 1e39));
        Arena arena = Arena.ofShared();
        TensorGroup closed = TensorGroup.of(arena.allocate(16, 4), arena.allocate(16, 4));
        arena.close();
        assertMessage(IllegalStateException.class, "params of tensor 0", () -> adaL.gradL1Norm(closed, 1));
        assertEquals(10.0, adaL.gradL1Norm(group, 1));
        OptimizerState state = adaL.newState(group);
        assertThrows(IndexOutOfBoundsException.class, () -> state.size(1));
        assertThrows(IndexOutOfBoundsException.class, () -> state.firstMoment(-1));
        assertThrows(IndexOutOfBoundsException.class, () -> state.secondMoment(1));
        OptimizerState twoTensors = adaL.newState(TensorGroup.builder().add(new float[2], new float[2])
                .add(new float[3], new float[3]).build());
        assertMessage(IllegalStateException.class, "2 tensors", twoTensors::size);
        assertMessage(IllegalStateException.class, "2 tensors", twoTensors::firstMoment);
    }

    private static void assertMessage(Class<? extends RuntimeException> type, String part, Runnable call) {
        RuntimeException e = assertThrows(type, call::run);
        assertTrue(e.getMessage().contains(part), "message contains '" + part + "': " + e.getMessage());
    }
}
