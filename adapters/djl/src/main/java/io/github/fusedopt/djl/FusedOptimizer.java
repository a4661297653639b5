package io.github.fusedopt.djl;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.training.tracker.ParameterTracker;
import ai.djl.training.tracker.Tracker;
import io.github.fusedopt.Optimizer;
import io.github.fusedopt.OptimizerKind;
import io.github.fusedopt.OptimizerState;
import io.github.fusedopt.Step;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Any fusedopt optimizer as a DJL {@link ai.djl.training.optimizer.Optimizer}: give it to
 * {@code DefaultTrainingConfig.optOptimizer(...)} as DJL's own {@code Adam}.
 *
 * <pre>{@code
 * FusedOptimizer optimizer = FusedOptimizer.builder(AdamL.builder().build())
 *         .optLearningRateTracker(Tracker.cosine().setBaseValue(1e-3f).setMaxUpdates(1000).build())
 *         .build();
 * }</pre>
 *
 * <p>Each {@code update(parameterId, weight, grad)} runs the fused step in place on the weight,
 * reading the gradient where the engine keeps it: PyTorch's CPU tensors are read and written
 * through their own memory, without a copy; tensors the engine cannot expose (another device)
 * are copied to the heap and back. The weight's gradient is zeroed after the step, as DJL's own
 * optimizers do. The optimizer's state is kept per parameter and device. The
 * step counter is DJL's update count; the learning rate is DJL's tracker's (a constant by
 * default, the fusedopt optimizer's {@code learningRate}); DJL's {@code setRescaleGrad} is the
 * gradient scale; DJL's {@code optWeightDecays}, when set, is the weight decay, applied as the
 * fusedopt optimizer's mode prescribes. AdamL takes each minibatch's loss through {@link #loss}.
 */
public final class FusedOptimizer extends ai.djl.training.optimizer.Optimizer {

    private final Optimizer optimizer;
    private final ParameterTracker learningRateTracker;
    private final Map<String, Map<Device, OptimizerState>> states = new ConcurrentHashMap<>();
    private final Step step = new Step();
    private volatile double loss = Double.NaN;
    /** Updates made before {@link #loadState}: DJL's own count starts again at the restored optimizer. */
    private volatile int updatesBefore;

    private FusedOptimizer(Builder builder) {
        super(builder);
        this.optimizer = builder.optimizer;
        this.learningRateTracker = builder.learningRateTracker != null ? builder.learningRateTracker
                : Tracker.fixed((float) optimizer.learningRate());
    }

    /**
     * A builder of the DJL optimizer that steps with {@code optimizer}.
     *
     * @param optimizer any fusedopt optimizer without a learning-rate schedule of its own (give DJL's
     *        tracker instead)
     * @return the builder
     * @throws NullPointerException if {@code optimizer} is null
     * @throws IllegalArgumentException if the optimizer has a learning-rate schedule
     */
    public static Builder builder(Optimizer optimizer) {
        Objects.requireNonNull(optimizer, "optimizer");
        if (optimizer.learningRateSchedule().isPresent()) {
            throw new IllegalArgumentException("optimizer = " + optimizer + ": has a learning-rate schedule; "
                    + "give DJL's tracker to optLearningRateTracker instead");
        }
        return new Builder(optimizer);
    }

    /** {@return the fusedopt optimizer this one steps with} */
    public Optimizer optimizer() {
        return optimizer;
    }

    /**
     * The loss of the minibatch whose gradients the next {@code trainer.step()} applies; AdamL
     * needs it before every step, the other optimizers ignore it.
     *
     * @param loss the minibatch's loss
     */
    public void loss(double loss) {
        this.loss = loss;
    }

    /**
     * The state of one parameter on one device, as the steps left it; empty before its first update.
     *
     * @param parameterId DJL's parameter id
     * @param device the device
     * @return the state, or null
     */
    public OptimizerState state(String parameterId, Device device) {
        Map<Device, OptimizerState> byDevice = states.get(parameterId);
        return byDevice == null ? null : byDevice.get(device);
    }

    /**
     * Writes the state of every parameter of {@code block} in DJL's own {@link ai.djl.ndarray.NDList} encoding:
     * each slot as an array named {@code <parameter>/<slot>}, AdamL's reference loss, and the
     * update count. With the parameters DJL saves ({@code Model.save}), it lets a run resume as if
     * uninterrupted: see {@link #loadState}.
     *
     * @param block the model's block, whose parameters name the states
     * @param out where to write; not closed
     * @throws IOException if writing fails
     * @throws IllegalStateException if a parameter has no state yet (save after the first step)
     */
    public void saveState(Block block, OutputStream out) throws IOException {
        StateFile.save(this, block, out);
    }

    /**
     * Reads what {@link #saveState} wrote into this optimizer, for {@code block}'s parameters as the
     * restored model names them, on each parameter's device; the update count continues from the
     * saved one (do not also set {@code optBeginNumUpdate}). Nothing changes unless the whole file
     * reads and fits the block.
     *
     * @param block the restored model's block
     * @param in what {@link #saveState} wrote; not closed
     * @throws IOException if reading fails or the content does not fit this optimizer and block
     */
    public void loadState(Block block, InputStream in) throws IOException {
        StateFile.load(this, block, in);
    }

    /** The updates applied so far: every state's counter is the last update it took. */
    int updatesSoFar() {
        long most = updatesBefore;
        for (Map<Device, OptimizerState> byDevice : states.values()) {
            for (OptimizerState state : byDevice.values()) {
                most = Math.max(most, state.step());
            }
        }
        return Math.toIntExact(most);
    }

    void restore(Map<String, Map<Device, OptimizerState>> restored, int updates) {
        states.clear();
        states.putAll(restored);
        updatesBefore = updates;
    }

    Map<String, Map<Device, OptimizerState>> states() {
        return states;
    }

    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        Objects.requireNonNull(parameterId, "parameterId");
        Objects.requireNonNull(weight, "weight");
        Objects.requireNonNull(grad, "grad");
        if (weight.getDataType() != DataType.FLOAT32 || grad.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("parameter " + parameterId + " is " + weight.getDataType()
                    + " with a " + grad.getDataType() + " gradient; fusedopt steps FLOAT32 parameters");
        }
        int size = Math.toIntExact(weight.size());
        if (grad.size() != size) {
            throw new IllegalArgumentException("parameter " + parameterId + ": " + size + " weights but "
                    + grad.size() + " gradients");
        }
        if (optimizer.kind() == OptimizerKind.ADAML && Double.isNaN(loss)) {
            throw new IllegalStateException("AdamL needs the minibatch loss: call loss(value) before trainer.step()");
        }
        int t = updateCount(parameterId) + updatesBefore;
        OptimizerState state = states.computeIfAbsent(parameterId, id -> new ConcurrentHashMap<>())
                .computeIfAbsent(weight.getDevice(), device -> optimizer.newState(size));
        synchronized (state) {
            step.learningRate(learningRateTracker.getNewValue(parameterId, t)).gradScale(rescaleGrad);
            float weightDecay = getWeightDecay();
            step.weightDecay(weightDecay != 0 ? weightDecay : Double.NaN);
            if (optimizer.kind() == OptimizerKind.ADAML) {
                step.loss(loss);
            }
            state.setStep(t - 1L);
            stepInPlace(state, weight, grad);
            zeroGradient(weight);
        }
    }

    /** The step on the engine's memory where it is exposed, else through heap copies. */
    private void stepInPlace(OptimizerState state, NDArray weight, NDArray grad) {
        ByteBuffer weights = weight.toByteBuffer(true);
        ByteBuffer grads = grad.toByteBuffer(true);
        if (weights.isDirect() && grads.isDirect() && !weights.isReadOnly()) {
            optimizer.step(state, MemorySegment.ofBuffer(weights), MemorySegment.ofBuffer(grads), step);
        } else {
            float[] w = weight.toFloatArray();
            optimizer.step(state, w, grad.toFloatArray(), step);
            weight.set(w);
        }
    }

    /**
     * Zeroes the weight's gradient, as DJL's own optimizers do after their update: PyTorch adds
     * each backward pass to it. The {@code grad} DJL passes may be a copy, so the weight's own
     * gradient is cleared (DJL's parameter server passes a duplicate).
     */
    private static void zeroGradient(NDArray weight) {
        if (!weight.hasGradient()) {
            return;   // a weight stepped outside a trainer, with a gradient of the caller's own
        }
        try (NDArray gradient = weight.getGradient()) {   // closes this handle only, not the gradient
            ByteBuffer memory = gradient.toByteBuffer(true);
            if (memory.isDirect() && !memory.isReadOnly()) {
                MemorySegment.ofBuffer(memory).fill((byte) 0);
            } else {
                gradient.set(new float[Math.toIntExact(gradient.size())]);
            }
        }
    }

    /** Builds a {@link FusedOptimizer}; DJL's options as for its own optimizers. */
    public static final class Builder extends OptimizerBuilder<Builder> {

        private final Optimizer optimizer;
        private ParameterTracker learningRateTracker;

        private Builder(Optimizer optimizer) {
            this.optimizer = optimizer;
        }

        /**
         * The learning rate of each update, from DJL's tracker; by default the fusedopt optimizer's
         * constant {@code learningRate}.
         *
         * @param tracker the tracker
         * @return this builder
         */
        public Builder optLearningRateTracker(ParameterTracker tracker) {
            this.learningRateTracker = Objects.requireNonNull(tracker, "tracker");
            return this;
        }

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * The optimizer.
         *
         * @return the optimizer
         * @throws IllegalArgumentException if gradient clipping is set: fusedopt does not clip
         */
        public FusedOptimizer build() {
            FusedOptimizer built = new FusedOptimizer(this);
            if (built.clipGrad > 0) {
                throw new IllegalArgumentException("clipGrad = " + built.clipGrad + ": fusedopt does not clip "
                        + "gradients; clip them before the step");
            }
            return built;
        }
    }
}
