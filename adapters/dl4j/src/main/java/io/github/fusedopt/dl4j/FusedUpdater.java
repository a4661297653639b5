package io.github.fusedopt.dl4j;

import io.github.fusedopt.OptimizerKind;
import io.github.fusedopt.Optimizer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.schedule.ISchedule;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Any fusedopt optimizer as a DL4J updater: it goes where DL4J's own {@code Adam} goes, in
 * {@code NeuralNetConfiguration.Builder.updater(...)} or a layer's {@code updater(...)}.
 *
 * <pre>{@code
 * new NeuralNetConfiguration.Builder().updater(FusedUpdater.of(AdamL.builder().build()))
 * }</pre>
 *
 * <p>Each step writes the update into DL4J's gradient view in one fused pass and keeps the
 * optimizer's slots in DL4J's updater-state view, read and written in place; DL4J subtracts the
 * update from the parameters and counts the iterations (the step counter follows DL4J's). The
 * learning rate comes from DL4J: a constant, or an {@link ISchedule} of the iteration and epoch.
 * Weight decay stays DL4J's too (its {@code weightDecay} or {@code l2} regularization), because an
 * updater sees no parameters; an optimizer with weight decay of its own is refused.
 *
 * <p>AdamL needs the loss of each minibatch: add a {@link MinibatchLoss} listener to the network.
 *
 * <p>The configuration is the optimizer's {@link Optimizer#hyperparameters() hyperparameters} as
 * text, so it round-trips through DL4J's JSON and a saved network restores with this updater.
 */
public final class FusedUpdater implements IUpdater {

    private static final long serialVersionUID = 1L;

    /** The optimizer's hyperparameters by name, {@code optimizer} included; the learning rate apart. */
    private TreeMap<String, String> hyperparameters;
    /** The constant learning rate, used when there is no schedule. */
    private double learningRate;
    /** DL4J's schedule of the learning rate, or null. */
    private ISchedule learningRateSchedule;
    private transient Optimizer optimizer;

    /** For DL4J's JSON reader. */
    private FusedUpdater() {
    }

    private FusedUpdater(TreeMap<String, String> hyperparameters, double learningRate, ISchedule learningRateSchedule) {
        this.hyperparameters = hyperparameters;
        this.learningRate = learningRate;
        this.learningRateSchedule = learningRateSchedule;
    }

    /**
     * The updater of {@code optimizer}, at its learning rate.
     *
     * @param optimizer any fusedopt optimizer without weight decay or schedules of its own
     * @return the updater
     * @throws NullPointerException if {@code optimizer} is null
     * @throws IllegalArgumentException if the optimizer has weight decay or a schedule: give them
     *         to DL4J instead
     */
    public static FusedUpdater of(Optimizer optimizer) {
        Objects.requireNonNull(optimizer, "optimizer");
        if (optimizer.weightDecay() != 0 || optimizer.weightDecaySchedule().isPresent()) {
            throw new IllegalArgumentException("optimizer = " + optimizer + ": has weight decay; a DL4J updater "
                    + "sees no parameters, so set decay on DL4J's configuration (weightDecay or l2) instead");
        }
        if (optimizer.learningRateSchedule().isPresent()) {
            throw new IllegalArgumentException("optimizer = " + optimizer + ": has a learning-rate schedule; "
                    + "give DL4J's ISchedule to FusedUpdater.of(optimizer, schedule) instead");
        }
        TreeMap<String, String> values = new TreeMap<>(optimizer.hyperparameters());
        values.remove("learningRate");
        return new FusedUpdater(values, optimizer.learningRate(), null);
    }

    /**
     * The updater of {@code optimizer}, its learning rate given by a DL4J schedule.
     *
     * @param optimizer as {@link #of(Optimizer)}
     * @param learningRateSchedule the learning rate at each iteration and epoch
     * @return the updater
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException as {@link #of(Optimizer)}
     */
    public static FusedUpdater of(Optimizer optimizer, ISchedule learningRateSchedule) {
        FusedUpdater updater = of(optimizer);
        updater.learningRateSchedule = Objects.requireNonNull(learningRateSchedule, "learningRateSchedule");
        return updater;
    }

    /**
     * {@return the fusedopt optimizer this updater steps with, at its constant learning rate (or its
     * default, while DL4J's learning rate is not a positive number, as with a schedule)}
     */
    public Optimizer optimizer() {
        Optimizer o = optimizer;
        if (o == null) {
            Map<String, String> values = new TreeMap<>(hyperparameters);
            if (learningRate > 0 && Double.isFinite(learningRate)) {
                // DL4J sets NaN with a schedule; then the optimizer keeps its default, and each step
                // takes the schedule's value anyway.
                values.put("learningRate", Double.toString(learningRate));
            }
            o = Optimizer.of(values);
            optimizer = o;
        }
        return o;
    }

    /** {@return the DL4J schedule of the learning rate, or null for a constant} */
    public ISchedule learningRateSchedule() {
        return learningRateSchedule;
    }

    /**
     * DL4J's state size for {@code numParams} parameters: the optimizer's slots
     * ({@link Optimizer#stateFloats}: half as many floats with bf16 state), plus two floats for
     * AdamL's reference loss, which must survive a save and restore with the rest.
     */
    @Override
    public long stateSize(long numParams) {
        return optimizer().stateFloats(numParams) + (keepsReferenceLoss() ? 2 : 0);
    }

    boolean keepsReferenceLoss() {
        return optimizer().kind() == OptimizerKind.ADAML;
    }

    @Override
    public GradientUpdater<FusedUpdater> instantiate(INDArray viewArray, boolean initializeViewArray) {
        FusedGradientUpdater updater = new FusedGradientUpdater(this);
        updater.setStateViewArray(viewArray, viewArray.shape(), viewArray.ordering(), initializeViewArray);
        return updater;
    }

    @Override
    public GradientUpdater<FusedUpdater> instantiate(Map<String, INDArray> updaterState, boolean initializeStateArrays) {
        FusedGradientUpdater updater = new FusedGradientUpdater(this);
        updater.setState(updaterState, initializeStateArrays);
        return updater;
    }

    @Override
    public double getLearningRate(int iteration, int epoch) {
        return learningRateSchedule != null ? learningRateSchedule.valueAt(iteration, epoch) : learningRate;
    }

    @Override
    public boolean hasLearningRate() {
        return true;
    }

    @Override
    public void setLrAndSchedule(double lr, ISchedule lrSchedule) {
        this.learningRate = lr;
        this.learningRateSchedule = lrSchedule;
        this.optimizer = null;
    }

    @Override
    public FusedUpdater clone() {
        return new FusedUpdater(new TreeMap<>(hyperparameters), learningRate,
                learningRateSchedule == null ? null : learningRateSchedule.clone());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FusedUpdater u && hyperparameters.equals(u.hyperparameters)
                && Double.compare(learningRate, u.learningRate) == 0
                && Objects.equals(learningRateSchedule, u.learningRateSchedule);
    }

    @Override
    public int hashCode() {
        return Objects.hash(hyperparameters, learningRate, learningRateSchedule);
    }

    @Override
    public String toString() {
        return "FusedUpdater" + hyperparameters + ", learningRate " + learningRate
                + (learningRateSchedule == null ? "" : ", " + learningRateSchedule);
    }
}
