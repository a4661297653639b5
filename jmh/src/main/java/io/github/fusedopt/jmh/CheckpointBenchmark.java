package io.github.fusedopt.jmh;

import io.github.fusedopt.Adam;
import io.github.fusedopt.Checkpoint;
import io.github.fusedopt.Optimizer;
import io.github.fusedopt.OptimizerState;
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

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Loading a checkpoint of one tensor's state whose file sits in the page cache: what a load costs
 * beyond the disk (reading, the checksum, the checks, the copy into the state).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class CheckpointBenchmark {

    @Param({"1048576", "16777216"})
    public int size;

    private final Optimizer adam = Adam.builder().build();
    private Path dir;
    private Path file;
    private OptimizerState state;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("fusedopt-checkpoint-bench");
        file = dir.resolve("state.ckpt");
        state = adam.newState(size);
        float[] params = new float[size];
        float[] grads = new float[size];
        Optimizers.fill(new SplittableRandom(7), params, grads);
        adam.step(state, params, grads, Optimizers.step());
        Checkpoint.save(file, adam, state);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
    }

    @Benchmark
    public Optimizer load() throws IOException {
        return Checkpoint.load(file, state);
    }
}
