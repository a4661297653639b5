package io.github.fusedopt.jmh;

import io.github.fusedopt.kernel.KernelProvider;
import io.github.fusedopt.kernel.StepKernels;
import io.github.fusedopt.kernel.StepScalars;
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
 * AdaL's first pass alone: {@code ‖g‖₁} over {@code size} gradients (4 bytes read per element), to
 * show what AdaL pays on top of the fused step. Not part of the report; run it directly.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class NormBenchmark {

    @Param({"4096", "1048576", "16777216"})
    public int size;

    @Param({"vector", "scalar"})
    public String impl;

    private StepKernels kernels;
    private final StepScalars scalars = new StepScalars();
    private float[] params;
    private float[] grads;

    @Setup(Level.Trial)
    public void setUp() {
        kernels = impl.equals("vector")
                ? KernelProvider.vector().orElseThrow(() -> new IllegalStateException("vector kernels not loaded"))
                : KernelProvider.scalar();
        scalars.gradient(1, 0, 0, 1e-3);
        SplittableRandom random = new SplittableRandom(42);
        params = new float[size];
        grads = new float[size];
        for (int i = 0; i < size; i++) {
            grads[i] = (float) (1e-2 * random.nextGaussian());
        }
    }

    @Benchmark
    public double norm() {
        return kernels.gradL1Norm(scalars, params, 0, grads, 0, size);
    }
}
