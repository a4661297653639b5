package io.github.fusedopt.jmh;

import io.github.fusedopt.NonFinitePolicy;
import io.github.fusedopt.Optimizer;
import io.github.fusedopt.OptimizerState;
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
 * The cost of the skip-non-finite policy's check: one step over {@code size} finite gradients
 * (so nothing is skipped) under {@code propagate} and {@code skip}. Adam pays one extra read of
 * the gradients; AdaL's norm pass doubles as the check.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class NonFiniteBenchmark {

    @Param({"adam", "adal"})
    public String optimizer;

    @Param({"4096", "65536", "1048576", "16777216"})
    public int size;

    @Param({"propagate", "skip"})
    public String policy;

    private final Step step = Optimizers.step();
    private Optimizer stepper;
    private OptimizerState state;
    private float[] params;
    private float[] grads;

    @Setup(Level.Trial)
    public void setUp() {
        NonFinitePolicy chosen = policy.equals("skip") ? NonFinitePolicy.SKIP : NonFinitePolicy.PROPAGATE;
        stepper = Optimizers.byName(optimizer).toBuilder().nonFinitePolicy(chosen).build();
        params = new float[size];
        grads = new float[size];
        Optimizers.fill(new SplittableRandom(42), params, grads);
        state = stepper.newState(size);
    }

    @Benchmark
    public StepOutcome step() {
        return stepper.step(state, params, grads, step);
    }
}
