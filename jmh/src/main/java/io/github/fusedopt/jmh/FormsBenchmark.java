package io.github.fusedopt.jmh;

import io.github.fusedopt.Optimizer;
import io.github.fusedopt.OptimizerState;
import io.github.fusedopt.Schedule;
import io.github.fusedopt.StateStorage;
import io.github.fusedopt.Step;
import io.github.fusedopt.StepOutcome;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The step forms a framework uses, each over {@code size} elements per operation, to show what
 * they cost beside the plain in-place step ({@code constant}): a learning-rate schedule of the
 * builder, a learning rate set on the {@link Step} each iteration, the update written into the
 * gradient array, and moments in one caller-owned array. Every form should allocate nothing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class FormsBenchmark {

    /** The forms, in the order the report lists them. */
    static final String[] FORMS = {"constant", "schedule", "step-lr", "update", "caller-state"};

    @Param({"adam", "adaml"})
    public String optimizer;

    @Param({"4096"})
    public int size;

    @Param({"constant", "schedule", "step-lr", "update", "caller-state"})
    public String form;

    private final Step step = Optimizers.step();
    private Optimizer stepper;
    private OptimizerState state;
    private float[] params;
    private float[] grads;
    private long iteration;

    /** A warm-up then cosine decay, as a training loop would give it: pure arithmetic on {@code t}. */
    static final Schedule WARMUP_COSINE = t -> 1e-3 * Math.min(1, t / 100.0)
            * (0.5 + 0.5 * Math.cos(Math.PI * Math.min(1, t / 1e7)));

    @Setup(Level.Trial)
    public void setUp() {
        Optimizer plain = Optimizers.byName(optimizer);
        stepper = form.equals("schedule") ? plain.toBuilder().learningRateSchedule(WARMUP_COSINE).build() : plain;
        params = new float[size];
        grads = new float[size];
        Optimizers.fill(new SplittableRandom(42), params, grads);
        state = form.equals("caller-state")
                ? stepper.newState(size, StateStorage.of(new float[stepper.stateSlots() * size], 0))
                : stepper.newState(size);
    }

    @Benchmark
    public StepOutcome step() {
        return switch (form) {
            case "step-lr" -> stepper.step(state, params, grads, step.learningRate(WARMUP_COSINE.valueAt(++iteration)));
            case "update" -> stepper.update(state, params, 0, grads, 0, grads, 0, size, step);
            default -> stepper.step(state, params, grads, step);
        };
    }
}
