package io.github.fusedopt.jmh;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.AdamUpdater;
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
import org.tribuo.math.LinearParameters;
import org.tribuo.math.la.DenseMatrix;
import org.tribuo.math.la.Tensor;
import org.tribuo.math.optimisers.Adam;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Adam steps of other Java libraries over {@code size} parameters, for comparison with
 * {@link StepBenchmark}'s {@code adam}: one op is one step, the update applied to the parameters.
 * Built only with {@code -Ppeers} (ND4J alone is a few hundred megabytes), never in CI.
 *
 * <ul>
 *   <li>{@code nd4j}: ND4J's {@code AdamUpdater} (its native op) on a float row vector, then
 *   {@code params.subi(update)};</li>
 *   <li>{@code tribuo}: Tribuo's {@code Adam} on a {@code double} {@code DenseMatrix} (Tribuo has no
 *   float tensors), then {@code LinearParameters.update}.</li>
 * </ul>
 * Both overwrite the gradient with the update, as their APIs do; the values stay finite and the
 * work per step does not depend on them.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx8g", "--enable-native-access=ALL-UNNAMED"})
public class PeerBenchmark {

    @Param({"nd4j", "tribuo"})
    public String peer;

    @Param({"1024", "4096", "4097", "65536", "1048576", "16777216"})
    public int size;

    private INDArray nd4jParams;
    private INDArray nd4jGrads;
    private AdamUpdater nd4jAdam;
    private int iteration;

    private LinearParameters tribuoParams;
    private Tensor[] tribuoGrads;
    private Adam tribuoAdam;

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom random = new SplittableRandom(42);
        switch (peer) {
            case "nd4j" -> {
                nd4jParams = Nd4j.create(DataType.FLOAT, 1, size);
                nd4jGrads = Nd4j.create(DataType.FLOAT, 1, size);
                for (int i = 0; i < size; i++) {
                    nd4jParams.putScalar(0, i, random.nextGaussian());
                    nd4jGrads.putScalar(0, i, 1e-2 * random.nextGaussian());
                }
                nd4jAdam = new AdamUpdater(new org.nd4j.linalg.learning.config.Adam(1e-3, 0.9, 0.999, 1e-8));
                INDArray stateView = Nd4j.zeros(DataType.FLOAT, 1, 2L * size);
                nd4jAdam.setStateViewArray(stateView, nd4jGrads.shape(), 'c', true);
            }
            case "tribuo" -> {
                tribuoParams = new LinearParameters(size, 1);
                DenseMatrix grads = new DenseMatrix(1, size);
                DenseMatrix weights = (DenseMatrix) tribuoParams.get()[0];
                for (int i = 0; i < size; i++) {
                    weights.set(0, i, random.nextGaussian());
                    grads.set(0, i, 1e-2 * random.nextGaussian());
                }
                tribuoGrads = new Tensor[] {grads};
                tribuoAdam = new Adam(1e-3, 0.9, 0.999, 1e-8);
                tribuoAdam.initialise(tribuoParams);
            }
            default -> throw new IllegalArgumentException("peer " + peer);
        }
    }

    @Benchmark
    public void step() {
        if (nd4jAdam != null) {
            nd4jAdam.applyUpdater(nd4jGrads, iteration++, 0);
            nd4jParams.subi(nd4jGrads);
        } else {
            tribuoParams.update(tribuoAdam.step(tribuoGrads, 1.0));
        }
    }
}
