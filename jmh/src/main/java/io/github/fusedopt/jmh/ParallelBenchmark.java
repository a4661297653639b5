package io.github.fusedopt.jmh;

import io.github.fusedopt.Optimizer;
import io.github.fusedopt.OptimizerState;
import io.github.fusedopt.Step;
import io.github.fusedopt.StepExecutor;
import io.github.fusedopt.TensorGroup;
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
import org.openjdk.jmh.annotations.TearDown;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One step over one tensor of {@code size} elements on {@code threads} threads (the calling thread
 * included), with the threshold at 0 so that every size really runs in parallel: the figures that
 * set {@link StepExecutor#DEFAULT_MIN_PARALLEL_ELEMENTS}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = Suite.VECTOR_MODULE)
public class ParallelBenchmark {

    @Param({"adam", "adal"})
    public String optimizer;

    @Param({"65536", "131072", "262144", "1048576", "16777216"})
    public int size;

    @Param({"1", "2"})
    public int threads;

    private Optimizer stepper;
    private TensorGroup group;
    private OptimizerState state;
    private StepExecutor owner;
    private StepExecutor executor;

    private final Step step = Optimizers.step();

    @Setup(Level.Trial)
    public void setUp() {
        stepper = Optimizers.byName(optimizer);
        float[] params = new float[size];
        float[] grads = new float[size];
        Optimizers.fill(new SplittableRandom(42), params, grads);
        group = TensorGroup.of(params, grads);
        state = stepper.newState(group);
        owner = StepExecutor.create(threads);
        executor = owner.withMinParallelElements(0);
        step.executor(executor);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        owner.close();
    }

    @Benchmark
    public void step() {
        stepper.step(state, group, step);
    }
}
