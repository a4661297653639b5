package io.github.fusedopt.jmh;

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

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The in-place STREAM-style kernel {@code b[i] += s·c[i]} over {@code size} floats: 12 bytes per
 * element (b read and written, c read). Its bytes/s at a size is the bandwidth the optimizer steps
 * are measured against at that size. C2 vectorises this loop and aligns its stores, so it is the
 * fastest plain Java can move these bytes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
public class BandwidthBenchmark {

    /** Bytes moved per element. */
    public static final int BYTES_PER_ELEMENT = 12;

    @Param({"1024", "4096", "4097", "65536", "1048576", "16777216"})
    public int size;

    private float[] b;
    private float[] c;
    private float s;

    @Setup(Level.Trial)
    public void setUp() {
        b = new float[size];
        c = new float[size];
        Arrays.fill(c, 1f);
        // Small enough that b stays finite however many ops a run makes.
        s = 1e-9f;
    }

    @Benchmark
    public void triad() {
        final float[] b = this.b, c = this.c;
        final float s = this.s;
        for (int i = 0; i < b.length; i++) {
            b[i] += s * c[i];
        }
    }
}
