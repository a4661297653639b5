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
import java.util.concurrent.ForkJoinPool;
import java.util.function.Consumer;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Generated bad input on the framework forms, through the base type only: steps with a
 * {@link Step}, update output over arrays and segments, caller-owned state, groups with per-tensor
 * settings, and schedules that fail or return bad values. One argument of a random valid call is
 * broken; the call must throw the documented exception naming it and change nothing, the caller's
 * storage included. {@link BadInputFuzzTest} covers the typed conveniences the same way.
 */
class FrameworkFormsBadInputTest {

    enum Form { STEP, UPDATE, UPDATE_SEGMENTS, CALLER_STATE, GROUP }

    static final class Call implements AutoCloseable {
        final Arena arena = Arena.ofShared();
        Form form;
        Optimizer optimizer;
        OptimizerState state;
        Step step;
        float[] params;
        float[] grads;
        float[] out;
        float[] storage;
        int storageOffset;
        int paramsOffset;
        int gradsOffset;
        int outOffset;
        int length;
        MemorySegment paramSegment;
        MemorySegment gradSegment;
        MemorySegment outSegment;
        TensorGroup group;

        StepOutcome invoke() {
            return switch (form) {
                case STEP, CALLER_STATE -> optimizer.step(state, params, paramsOffset, grads, gradsOffset, length, step);
                case UPDATE -> optimizer.update(state, params, paramsOffset, grads, gradsOffset, out, outOffset, length,
                        step);
                case UPDATE_SEGMENTS -> optimizer.update(state, paramSegment, gradSegment, outSegment, step);
                case GROUP -> optimizer.step(state, group, step);
            };
        }

        @Override
        public void close() {
            if (arena.scope().isAlive()) {
                arena.close();
            }
        }
    }

    record Break(String name, Class<? extends RuntimeException> error, String mention, Consumer<Call> apply) {
    }

    record Case(long seed, Kind kind, Form form, int length) {
    }

    @Test
    void generatedBadArgumentsAreRejectedAndChangeNothing() {
        Property.forAll("framework forms, bad input", Property.tries() * 10, new Property.Generator<Case>() {
            @Override
            public int length(SplittableRandom random) {
                return Values.length(random, 200);
            }

            @Override
            public Case generate(SplittableRandom random, int length) {
                return new Case(random.nextLong(), Kind.values()[random.nextInt(Kind.values().length)],
                        Form.values()[random.nextInt(Form.values().length)], length);
            }
        }, FrameworkFormsBadInputTest::check);
    }

    private static void check(Case c) {
        SplittableRandom r = new SplittableRandom(c.seed());
        try (Call call = validCall(c, r)) {
            List<Break> breaks = breaks(call, r);
            Break chosen = breaks.get(r.nextInt(breaks.size()));
            chosen.apply().accept(call);
            List<float[]> before = everything(call);
            long step = call.state.step();
            double referenceLoss = call.state.referenceLoss;
            RuntimeException e = assertThrows(chosen.error(), call::invoke, chosen.name());
            assertTrue(String.valueOf(e.getMessage()).contains(chosen.mention()),
                    chosen.name() + ": message names " + chosen.mention() + ": " + e.getMessage());
            List<float[]> after = everything(call);
            for (int i = 0; i < before.size(); i++) {
                assertArrayEquals(before.get(i), after.get(i), chosen.name() + ": nothing changed (" + i + ")");
            }
            assertEquals(step, call.state.step(), chosen.name() + ": step counter");
            assertEquals(Double.doubleToLongBits(referenceLoss), Double.doubleToLongBits(call.state.referenceLoss),
                    chosen.name() + ": reference loss");
        }
    }

    private static Call validCall(Case c, SplittableRandom r) {
        Call call = new Call();
        call.form = c.form();
        call.optimizer = Hyperparameters.withPolicy(c.kind().random(r),
                r.nextBoolean() ? NonFinitePolicy.SKIP : NonFinitePolicy.PROPAGATE);
        int n = c.length();
        call.length = n;
        call.paramsOffset = r.nextInt(0, 5);
        call.gradsOffset = r.nextInt(0, 5);
        call.params = Values.array(r, call.paramsOffset + n + r.nextInt(0, 3), Values.Mix.plain(1));
        call.grads = Values.array(r, call.gradsOffset + n + r.nextInt(0, 3), Values.Mix.plain(0.1));
        double lossMin = call.optimizer instanceof AdamL a ? a.lossMin() : 0;
        call.step = new Step().loss(lossMin + 3 * r.nextDouble()).gradScale(Kind.pick(r, 1, 0.5, 1024, -1));
        if (r.nextBoolean()) {
            call.step.learningRate(Math.pow(10, -4 + 3 * r.nextDouble()));
        }
        switch (c.form()) {
            case UPDATE -> {
                if (r.nextBoolean()) {
                    call.out = call.grads;
                    call.outOffset = call.gradsOffset;
                } else {
                    call.outOffset = r.nextInt(0, 5);
                    call.out = new float[call.outOffset + n + r.nextInt(0, 3)];
                }
                if (r.nextBoolean()) {
                    call.params = null;
                    call.step.weightDecay(0);
                }
                call.state = call.optimizer.newState(n);
            }
            case UPDATE_SEGMENTS -> {
                call.paramSegment = call.arena.allocate(4L * n, 4);
                call.gradSegment = call.arena.allocate(4L * n, 4);
                call.outSegment = r.nextBoolean() ? call.gradSegment : call.arena.allocate(4L * n, 4);
                MemorySegment.copy(call.params, 0, call.paramSegment, JAVA_FLOAT, 0, n);
                MemorySegment.copy(call.grads, 0, call.gradSegment, JAVA_FLOAT, 0, n);
                call.state = call.optimizer.newState(n, r.nextBoolean() ? StateStorage.heap()
                        : StateStorage.allocate(call.arena));
            }
            case CALLER_STATE -> {
                call.storageOffset = r.nextInt(0, 7);
                call.storage = new float[call.storageOffset + call.optimizer.stateSlots() * n + r.nextInt(0, 3)];
                call.state = call.optimizer.newState(n, StateStorage.of(call.storage, call.storageOffset));
                call.state.setStep(r.nextInt(0, 1000));
            }
            case GROUP -> {
                int split = r.nextInt(0, n + 1);
                call.group = TensorGroup.builder()
                        .add(call.params, call.paramsOffset, call.grads, call.gradsOffset, split).weightDecay(0)
                        .add(call.params, call.paramsOffset + split, call.grads, call.gradsOffset + split, n - split)
                        .learningRateScale(Kind.pick(r, 0.5, 1, 2))
                        .build();
                call.state = call.optimizer.newState(call.group);
                call.step.executor(r.nextBoolean() ? StepExecutor.serial() : StepExecutor.of(ForkJoinPool.commonPool(), 2));
            }
            case STEP -> call.state = call.optimizer.newState(n);
        }
        int warmSteps = r.nextInt(0, 3);
        for (int s = 0; s < warmSteps; s++) {
            call.invoke();
        }
        return call;
    }

    private static List<Break> breaks(Call c, SplittableRandom r) {
        List<Break> list = new ArrayList<>();
        list.add(new Break("null step", NullPointerException.class, "step", x -> x.step = null));
        double badRate = Kind.pick(r, 0, -1e-3, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);
        list.add(new Break("step.learningRate " + badRate, IllegalArgumentException.class, "step.learningRate",
                x -> x.step.learningRate(badRate)));
        double badDecay = Kind.pick(r, -1e-3, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);
        list.add(new Break("step.weightDecay " + badDecay, IllegalArgumentException.class, "step.weightDecay",
                x -> x.step.weightDecay(badDecay)));
        double badScale = Kind.pick(r, Double.NaN, Double.POSITIVE_INFINITY, 1e39);
        list.add(new Break("step.gradScale " + badScale, IllegalArgumentException.class, "step.gradScale",
                x -> x.step.gradScale(badScale)));
        if (c.optimizer instanceof AdamL) {
            list.add(new Break("no loss", IllegalArgumentException.class, "loss", x -> x.step.noLoss()));
        }
        if (Double.isNaN(c.step.learningRate())) {
            list.add(new Break("a schedule that throws", ArithmeticException.class, "schedule failed",
                    x -> x.optimizer = x.optimizer.toBuilder().learningRateSchedule(t -> {
                        throw new ArithmeticException("schedule failed at step " + t);
                    }).build()));
            double bad = Kind.pick(r, Double.NaN, -1, 0, Double.POSITIVE_INFINITY);
            list.add(new Break("learning-rate schedule giving " + bad, IllegalArgumentException.class,
                    "learningRateSchedule.valueAt(" + (c.state.step() + 1) + ")",
                    x -> x.optimizer = x.optimizer.toBuilder().learningRateSchedule(t -> bad).build()));
        }
        if (Double.isNaN(c.step.weightDecay())) {
            list.add(new Break("weight-decay schedule giving -1", IllegalArgumentException.class,
                    "weightDecaySchedule.valueAt(", x -> x.optimizer = x.optimizer.toBuilder()
                            .weightDecaySchedule(t -> -1).build()));
        }
        list.add(new Break("step counter at its maximum", IllegalStateException.class, "maximum",
                x -> x.state.setStep(OptimizerState.MAX_STEP)));
        int n = c.length;
        switch (c.form) {
            case STEP, CALLER_STATE -> {
                list.add(new Break("length " + (n + 1), IllegalArgumentException.class, "length", x -> x.length = n + 1));
                if (c.form == Form.CALLER_STATE && n > 0) {
                    list.add(new Break("params inside the caller's storage", IllegalArgumentException.class,
                            "overlaps the state's slot", x -> {
                                x.params = x.storage;
                                x.paramsOffset = x.storageOffset + r.nextInt(0, n);
                            }));
                }
            }
            case UPDATE -> {
                list.add(new Break("null out", NullPointerException.class, "out", x -> x.out = null));
                list.add(new Break("negative outOffset", IllegalArgumentException.class, "outOffset",
                        x -> x.outOffset = -1));
                if (n > 0) {
                    list.add(new Break("out too short", IllegalArgumentException.class, "outOffset + length",
                            x -> x.out = new float[x.outOffset + n - 1]));
                }
                if (n > 0 && c.params == null) {
                    list.add(new Break("no params with weight decay", IllegalArgumentException.class, "params",
                            x -> x.step.weightDecay(1e-2)));
                }
                if (n > 0 && c.params != null) {
                    list.add(new Break("out the params", IllegalArgumentException.class, "overlaps", x -> {
                        x.out = x.params;
                        x.outOffset = x.paramsOffset;
                    }));
                }
            }
            case UPDATE_SEGMENTS -> {
                list.add(new Break("read-only out", IllegalArgumentException.class, "out",
                        x -> x.outSegment = x.arena.allocate(4L * n, 4).asReadOnly()));
                list.add(new Break("out of another size", IllegalArgumentException.class, "out.byteSize()",
                        x -> x.outSegment = x.arena.allocate(4L * (n + 1), 4)));
                if (n > 0) {
                    list.add(new Break("out a view of the state's m", IllegalArgumentException.class, "out",
                            x -> x.outSegment = x.state.slotSegment(0, 0)));
                }
            }
            case GROUP -> {
                list.add(new Break("null executor", NullPointerException.class, "step.executor",
                        x -> x.step.executor(null)));
                list.add(new Break("closed executor", IllegalStateException.class, "closed", x -> {
                    StepExecutor closed = StepExecutor.create(2);
                    closed.close();
                    x.step.executor(closed);
                }));
            }
        }
        return list;
    }

    /** Every float the call could write: its arrays, segments and every slot of the state. */
    private static List<float[]> everything(Call c) {
        List<float[]> all = new ArrayList<>();
        for (float[] a : new float[][] {c.params, c.grads, c.out, c.storage}) {
            all.add(a == null ? null : a.clone());
        }
        for (MemorySegment s : new MemorySegment[] {c.paramSegment, c.gradSegment, c.outSegment}) {
            all.add(s == null ? null : Values.floatsOf(s));
        }
        for (int i = 0; i < c.state.tensorCount(); i++) {
            for (int k = 0; k < c.state.slotCount(); k++) {
                all.add(c.state.slotCopy(i, k));
            }
        }
        return all.stream().map(a -> a == null ? new float[0] : Arrays.copyOf(a, a.length)).toList();
    }
}
