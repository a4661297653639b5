package io.github.fusedopt.jmh;

import io.github.fusedopt.Optimizer;
import io.github.fusedopt.OptimizerState;
import io.github.fusedopt.Step;
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

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * One step over {@code size} elements held on the heap or off it, by {@code storage}:
 * <ul>
 *   <li>{@code heap}: arrays and a heap state, through the array kernels;</li>
 *   <li>{@code heapsegment}: the same heap arrays wrapped as segments, through the segment kernels
 *       (the segment code on heap memory);</li>
 *   <li>{@code segment}: parameters, gradients and moments in native segments at 64-byte aligned
 *       addresses, as a framework's allocator gives them;</li>
 *   <li>{@code segment16}: as {@code segment}, with parameters and gradients 16 bytes past
 *       alignment, where a heap array's data starts.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = Suite.VECTOR_MODULE)
public class OffHeapBenchmark {

    @Param({"adam"})
    public String optimizer;

    @Param({"4096", "1048576", "16777216"})
    public int size;

    @Param({"heap", "heapsegment", "segment", "segment16"})
    public String storage;

    private Optimizer stepper;
    private Arena arena;
    private OptimizerState state;
    private float[] params;
    private float[] grads;
    private MemorySegment paramSegment;
    private MemorySegment gradSegment;

    private final Step step = Optimizers.step();

    @Setup(Level.Trial)
    public void setUp() {
        stepper = Optimizers.byName(optimizer);
        params = new float[size];
        grads = new float[size];
        Optimizers.fill(new SplittableRandom(42), params, grads);
        arena = Arena.ofShared();
        if (storage.equals("heap")) {
            state = stepper.newState(size);
            return;
        }
        if (storage.equals("heapsegment")) {
            paramSegment = MemorySegment.ofArray(params);
            gradSegment = MemorySegment.ofArray(grads);
            state = stepper.newState(size);
            return;
        }
        long shift = storage.equals("segment16") ? 16 : 0;
        long skew = storage.equals("skew") ? 1024 : 0;
        paramSegment = arena.allocate(shift + skew + 4L * size, 64).asSlice(shift + skew);
        gradSegment = arena.allocate(shift + 2 * skew + 4L * size, 64).asSlice(shift + 2 * skew);
        MemorySegment.copy(params, 0, paramSegment, JAVA_FLOAT, 0, size);
        MemorySegment.copy(grads, 0, gradSegment, JAVA_FLOAT, 0, size);
        state = stepper.newState(size, arena);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public void step() {
        if (paramSegment == null) {
            stepper.step(state, params, grads, step);
            return;
        }
        stepper.step(state, paramSegment, gradSegment, step);
    }
}
