package io.github.fusedopt.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.github.fusedopt.Adam;
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

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

/**
 * One DJL optimizer update of a parameter of {@code size} floats on the PyTorch engine (CPU), as
 * {@code trainer.step()} makes it: {@code update(id, weight, grad)}, the weight updated in place
 * and the weight's gradient zeroed (DJL passes a duplicate of the gradient; here {@code grad} is the
 * gradient itself, so the duplicate's cost is not in the figure). {@code fusedopt}: {@link FusedOptimizer} of fusedopt's
 * Adam; {@code djl}: DJL's own {@code Adam} (PyTorch's tensor operations). Both zero the gradient,
 * so each invocation first writes it again from a fixed copy (not timed). Time per update, in
 * microseconds.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 2, jvmArgsAppend = {"-Xmx6g", "--add-modules=jdk.incubator.vector", "-Dai.djl.offline=true"})
public class UpdaterBenchmark {

    /** {@code fusedopt-kernel}: fusedopt's step on the same memory, called directly, without DJL's update. */
    @Param({"fusedopt", "djl", "fusedopt-kernel"})
    public String optimizer;

    @Param({"1048576", "16777216"})
    public int size;

    private NDManager manager;
    private Optimizer djlOptimizer;
    private NDArray weight;
    private NDArray grad;
    private ByteBuffer gradMemory;
    private float[] gradient;
    private io.github.fusedopt.Optimizer kernelOnly;
    private OptimizerState kernelState;
    private MemorySegment weightMemory;
    private MemorySegment gradMemorySegment;
    private final Step kernelStep = new Step();

    @Setup(Level.Trial)
    public void setUp() {
        manager = NDManager.newBaseManager();
        djlOptimizer = switch (optimizer) {
            case "fusedopt", "fusedopt-kernel" -> FusedOptimizer.builder(Adam.builder().learningRate(1e-3).build()).build();
            case "djl" -> Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build();
            default -> throw new IllegalArgumentException(optimizer);
        };
        weight = manager.randomNormal(new Shape(size));
        weight.setRequiresGradient(true);
        NDArray target = manager.randomNormal(new Shape(size));
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            collector.backward(weight.sub(target).square().sum());
        }
        grad = weight.getGradient();
        gradient = grad.toFloatArray();
        gradMemory = grad.toByteBuffer(true).order(ByteOrder.nativeOrder());
        if (!gradMemory.isDirect()) {
            throw new IllegalStateException("the engine gives no direct buffer of the gradient");
        }
        if (optimizer.equals("fusedopt-kernel")) {
            kernelOnly = Adam.builder().learningRate(1e-3).build();
            kernelState = kernelOnly.newState(size);
            weightMemory = MemorySegment.ofBuffer(weight.toByteBuffer(true));
            gradMemorySegment = MemorySegment.ofBuffer(gradMemory);
        }
    }

    @Setup(Level.Invocation)
    public void writeGradient() {
        gradMemory.asFloatBuffer().put(0, gradient);
    }

    @Benchmark
    public NDArray update() {
        if (kernelOnly != null) {
            kernelOnly.step(kernelState, weightMemory, gradMemorySegment, kernelStep);
        } else {
            djlOptimizer.update("w", weight, grad);
        }
        return weight;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        manager.close();
    }
}
