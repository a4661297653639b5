package io.github.fusedopt.dl4j;

import io.github.fusedopt.Adam;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;
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

import java.util.concurrent.TimeUnit;

/**
 * One DL4J updater call over a layer of {@code size} parameters, as DL4J makes it during
 * {@code fit}: {@code applyUpdater(gradientView, iteration, epoch)} over the block's state view,
 * the update left in the gradient view. {@code fusedopt}: {@link FusedUpdater} of fusedopt's Adam;
 * {@code dl4j}: DL4J's own {@code Adam} (ND4J's native {@code AdamUpdater} op). Both overwrite the
 * gradient with the update, as the contract says; the values stay finite and the work per call does
 * not depend on them. Time per call, in microseconds.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 2, jvmArgsAppend = {"-Xmx6g", "--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class UpdaterBenchmark {

    @Param({"fusedopt", "dl4j"})
    public String updater;

    @Param({"1048576", "16777216"})
    public int size;

    private GradientUpdater<?> gradientUpdater;
    private INDArray gradient;
    private int iteration;

    @Setup(Level.Trial)
    public void setUp() {
        IUpdater config = switch (updater) {
            case "fusedopt" -> FusedUpdater.of(Adam.builder().learningRate(1e-3).build());
            case "dl4j" -> new org.nd4j.linalg.learning.config.Adam(1e-3);
            default -> throw new IllegalArgumentException(updater);
        };
        INDArray state = Nd4j.zeros(DataType.FLOAT, 1, config.stateSize(size));
        gradientUpdater = config.instantiate(state, true);
        Nd4j.getRandom().setSeed(42);
        gradient = Nd4j.randn(DataType.FLOAT, 1, size).muli(1e-2);
    }

    @Benchmark
    public INDArray applyUpdater() {
        gradientUpdater.applyUpdater(gradient, iteration++, 0);
        return gradient;
    }
}
