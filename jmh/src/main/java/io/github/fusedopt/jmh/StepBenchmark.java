package io.github.fusedopt.jmh;

import io.github.fusedopt.Optimizer;
import io.github.fusedopt.OptimizerState;
import io.github.fusedopt.StateFormat;
import io.github.fusedopt.Step;
import io.github.fusedopt.StepOutcome;
import io.github.fusedopt.kernel.KernelProvider;
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

import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One full optimizer step over {@code size} elements per operation; multiply ops/s by
 * {@code size} for elements/s and by {@link #bytesPerElement} for the memory traffic.
 * {@code impl} picks the kernels through {@code -Dfusedopt.kernels}, which is read once per JVM,
 * so every parameter combination must run in its own fork (JMH's default).
 *
 * <p>The arrays are allocated as a framework would allocate them (parameters and gradients, then
 * the state), with no control over their placement; see docs/benchmarks.md on alignment.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class StepBenchmark {

    @Param({"adam", "adamw", "eadam", "adabelief", "adaml", "adal"})
    public String optimizer;

    @Param({"1024", "4096", "4097", "65536", "1048576", "16777216"})
    public int size;

    @Param({"vector", "scalar"})
    public String impl;

    /** The state's storage format: {@code f32} or {@code bf16} (moments in bfloat16, 20 bytes per element). */
    @Param({"f32", "bf16"})
    public String state;

    private final Step step = Optimizers.step();
    private Optimizer stepper;
    private OptimizerState optimizerState;
    private float[] params;
    private float[] grads;

    /** Bytes read and written per element with float state: p, g, m, v in and p, m, v out; AdaL reads g twice. */
    public static int bytesPerElement(String optimizer) {
        return optimizer.equals("adal") ? 32 : 28;
    }

    /** As {@link #bytesPerElement(String)} with bf16 state: the four moment transfers take 2 bytes each. */
    public static int bf16BytesPerElement(String optimizer) {
        return bytesPerElement(optimizer) - 8;
    }

    @Setup(Level.Trial)
    public void setUp() {
        System.setProperty(KernelProvider.PROPERTY, impl);
        if (!KernelProvider.kernels().name().equals(impl)) {
            throw new IllegalStateException("asked for " + impl + " kernels, running " + KernelProvider.kernels().name()
                    + "; each parameter combination needs its own fork");
        }
        stepper = Optimizers.byName(optimizer).toBuilder().stateFormat(StateFormat.valueOf(state.toUpperCase(
                Locale.ROOT))).build();
        params = new float[size];
        grads = new float[size];
        Optimizers.fill(new SplittableRandom(42), params, grads);
        optimizerState = stepper.newState(size);
    }

    @Benchmark
    public StepOutcome step() {
        return stepper.step(optimizerState, params, grads, step);
    }
}
