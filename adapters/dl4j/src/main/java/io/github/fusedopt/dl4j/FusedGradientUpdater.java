package io.github.fusedopt.dl4j;

import io.github.fusedopt.Optimizer;
import io.github.fusedopt.OptimizerState;
import io.github.fusedopt.StateStorage;
import io.github.fusedopt.Step;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.GradientUpdater;

import java.lang.foreign.MemorySegment;
import java.util.Map;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The step of one DL4J updater block: the update written into DL4J's gradient view, the slots
 * kept in DL4J's state view. Both are read and written in place where ND4J exposes their memory
 * (see {@link NdMemory}); DL4J keeps one per block of parameters that share a configuration.
 *
 * <p>The state view holds the slots back to back ({@code m}, {@code v}, AMSGrad's {@code v_max}),
 * each as long as the block's gradient, then, for AdamL, the reference loss as the two halves of
 * a {@code double}'s bits (XOR the bits of NaN, so that a zeroed view means "not yet set").
 */
final class FusedGradientUpdater implements GradientUpdater<FusedUpdater> {

    /** The one entry of {@link #getState()}: the whole state view. */
    static final String STATE_KEY = "state";
    private static final long UNSET = Double.doubleToRawLongBits(Double.NaN);

    private final FusedUpdater config;
    private final Optimizer optimizer;
    private final Step step = new Step();
    private INDArray stateView;
    private MemorySegment stateMemory;
    private OptimizerState state;
    /** Where AdamL's reference loss sits in the view, in floats: right after the slots. */
    private long referenceLossIndex;

    FusedGradientUpdater(FusedUpdater config) {
        this.config = config;
        this.optimizer = config.optimizer();
    }

    @Override
    public FusedUpdater getConfig() {
        return config;
    }

    @Override
    public void setStateViewArray(INDArray viewArray, long[] gradientShape, char gradientOrder, boolean initialize) {
        MemorySegment memory = NdMemory.segment(viewArray, "the updater state view");
        if (initialize) {
            memory.fill((byte) 0);
        }
        this.stateView = viewArray;
        this.stateMemory = memory;
        this.state = null;   // made at the first step, when the block's length is known
    }

    /** The state over the view: its slots first, each {@code length} values long (bf16 ones two to a float). */
    private OptimizerState state(int length) {
        if (state == null) {
            long slotFloats = optimizer.stateFloats(length);
            long extra = stateMemory.byteSize() / Float.BYTES - slotFloats;
            // A block's view holds each of its parameters' reference-loss pair; the first pair is used.
            boolean fits = config.keepsReferenceLoss() ? extra >= 2 : extra == 0;
            if (!fits) {
                throw new IllegalStateException("the updater state view holds " + stateMemory.byteSize() / Float.BYTES
                        + " floats, not the " + slotFloats + " that " + config + " needs for a gradient of " + length);
            }
            state = optimizer.newState(length, StateStorage.of(stateMemory.asSlice(0, slotFloats * Float.BYTES)));
            referenceLossIndex = slotFloats;
        }
        return state;
    }

    @Override
    public void applyUpdater(INDArray gradient, int iteration, int epoch) {
        if (stateMemory == null) {
            throw new IllegalStateException("the updater has no state view yet");
        }
        MemorySegment grads = NdMemory.segment(gradient, "the gradient");
        OptimizerState s = state(Math.toIntExact(gradient.length()));
        step.learningRate(config.getLearningRate(iteration, epoch));
        if (config.keepsReferenceLoss()) {
            step.loss(MinibatchLoss.lossAt(iteration));
            double referenceLoss = readReferenceLoss(referenceLossIndex);
            if (!Double.isNaN(referenceLoss)) {
                s.setReferenceLoss(referenceLoss);
            }
        }
        s.setStep(iteration);
        optimizer.update(s, null, grads, grads, step);
        if (config.keepsReferenceLoss()) {
            writeReferenceLoss(referenceLossIndex, s.referenceLoss().orElse(Double.NaN));
        }
    }

    private double readReferenceLoss(long floatIndex) {
        long bits = ((long) stateMemory.getAtIndex(JAVA_INT, floatIndex) << 32)
                | (stateMemory.getAtIndex(JAVA_INT, floatIndex + 1) & 0xFFFF_FFFFL);
        return Double.longBitsToDouble(bits ^ UNSET);
    }

    private void writeReferenceLoss(long floatIndex, double referenceLoss) {
        long bits = Double.doubleToRawLongBits(referenceLoss) ^ UNSET;
        stateMemory.setAtIndex(JAVA_INT, floatIndex, (int) (bits >>> 32));
        stateMemory.setAtIndex(JAVA_INT, floatIndex + 1, (int) bits);
    }

    @Override
    public Map<String, INDArray> getState() {
        return Map.of(STATE_KEY, stateView);
    }

    @Override
    public void setState(Map<String, INDArray> stateMap, boolean initialize) {
        INDArray view = stateMap.get(STATE_KEY);
        if (view == null) {
            throw new IllegalArgumentException("stateMap holds no \"" + STATE_KEY + "\" array: " + stateMap.keySet());
        }
        setStateViewArray(view, view.shape(), view.ordering(), initialize);
    }
}
