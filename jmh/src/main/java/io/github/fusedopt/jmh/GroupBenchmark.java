package io.github.fusedopt.jmh;

import io.github.fusedopt.Optimizer;
import io.github.fusedopt.OptimizerState;
import io.github.fusedopt.Step;
import io.github.fusedopt.TensorGroup;
import io.github.fusedopt.TensorGroupBuilder;
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
 * One step over a model of {@code shape} = tensors × elements, each tensor in its own arrays as a
 * framework allocates them. {@code api=group} steps them all with one group call; {@code api=loop}
 * calls the single-tensor step once per tensor, each with its own state, as a caller without
 * groups would. Multiply ops/s by the element count for elements/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = Suite.VECTOR_MODULE)
public class GroupBenchmark {

    @Param({"1x1048576", "1000x1024", "16384x64"})
    public String shape;

    @Param({"adam", "adal"})
    public String optimizer;

    @Param({"group", "loop"})
    public String api;

    /** {@code arrays}: one pair of arrays per tensor; {@code flat}: slices of one flat pair, as DL4J keeps them. */
    @Param({"arrays", "flat"})
    public String layout;

    private Optimizer stepper;
    private float[][] params;
    private float[][] grads;
    private int[] offsets;
    private int size;
    private TensorGroup group;
    private OptimizerState groupState;
    private OptimizerState[] states;

    /** Elements per op of a {@code tensors x size} shape. */
    static long elements(String shape) {
        String[] parts = shape.split("x");
        return Long.parseLong(parts[0]) * Long.parseLong(parts[1]);
    }

    private final Step step = Optimizers.step();

    @Setup(Level.Trial)
    public void setUp() {
        String[] parts = shape.split("x");
        int tensors = Integer.parseInt(parts[0]);
        size = Integer.parseInt(parts[1]);
        offsets = new int[tensors];
        stepper = Optimizers.byName(optimizer);
        SplittableRandom random = new SplittableRandom(42);
        params = new float[tensors][];
        grads = new float[tensors][];
        states = new OptimizerState[tensors];
        TensorGroupBuilder builder = TensorGroup.builder();
        boolean flat = layout.equals("flat");
        float[] flatParams = flat ? new float[tensors * size] : null;
        float[] flatGrads = flat ? new float[tensors * size] : null;
        if (flat) {
            Optimizers.fill(random, flatParams, flatGrads);
        }
        for (int i = 0; i < tensors; i++) {
            if (flat) {
                params[i] = flatParams;
                grads[i] = flatGrads;
                offsets[i] = i * size;
            } else {
                params[i] = new float[size];
                grads[i] = new float[size];
                Optimizers.fill(random, params[i], grads[i]);
            }
            builder.add(params[i], offsets[i], grads[i], offsets[i], size);
            states[i] = stepper.newState(size);
        }
        group = builder.build();
        groupState = stepper.newState(group);
    }

    @Benchmark
    public void step() {
        if (api.equals("group")) {
            stepper.step(groupState, group, step);
            return;
        }
        for (int i = 0; i < states.length; i++) {
            stepper.step(states[i], params[i], offsets[i], grads[i], offsets[i], size, step);
        }
    }
}
