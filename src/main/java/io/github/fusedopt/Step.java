package io.github.fusedopt;

/**
 * The arguments of a step besides the tensors and the state: the loss, this step's learning rate
 * and weight decay, the gradient scale, AdaL's given norm, and the threads. Every optimizer takes
 * the same {@code Step}; each reads what its rule uses (AdamL the loss, AdaL the norm).
 *
 * <p>A plain mutable object, meant to be kept and reused: set what changes each iteration, and the
 * rest keeps its value. Not thread-safe; give each stepping thread its own. Values are checked by
 * the step that uses them, like every other argument.
 *
 * <pre>{@code
 * Step step = new Step();
 * for (int i = 0; i < iterations; i++) {
 *     double loss = forwardAndBackward();
 *     optimizer.step(state, group, step.loss(loss));
 * }
 * }</pre>
 */
public final class Step {

    private double loss = Double.NaN;
    private boolean hasLoss;
    private double learningRate = Double.NaN;
    private double weightDecay = Double.NaN;
    private double gradScale = 1;
    private double gradL1Norm = Double.NaN;
    private StepExecutor executor = StepExecutor.serial();

    /** A step with no loss, the optimizer's own hyperparameters, gradient scale 1, on the calling thread. */
    public Step() {
    }

    /**
     * The loss at the parameters the gradient was taken at. AdamL needs it (finite, {@code ≥ ℓ_min});
     * every other optimizer ignores it.
     *
     * @param loss the loss
     * @return this
     */
    public Step loss(double loss) {
        this.loss = loss;
        this.hasLoss = true;
        return this;
    }

    /**
     * Forgets the loss, as before the first {@link #loss(double)}.
     *
     * @return this
     */
    public Step noLoss() {
        this.loss = Double.NaN;
        this.hasLoss = false;
        return this;
    }

    /** {@return whether a loss is set} */
    public boolean hasLoss() {
        return hasLoss;
    }

    /**
     * This step's learning rate {@code α_t}, replacing the optimizer's constant or schedule.
     *
     * @param learningRate finite, {@code > 0}, also as a float; NaN for the optimizer's own
     * @return this
     */
    public Step learningRate(double learningRate) {
        this.learningRate = learningRate;
        return this;
    }

    /**
     * This step's weight decay {@code d_t}, replacing the optimizer's constant or schedule (a
     * tensor's own decay, set in its group, still wins).
     *
     * @param weightDecay finite, {@code ≥ 0}, also as a float; NaN for the optimizer's own
     * @return this
     */
    public Step weightDecay(double weightDecay) {
        this.weightDecay = weightDecay;
        return this;
    }

    /**
     * The gradient scale {@code k}: the step uses {@code k·g} (to undo a loss scale, or to apply a
     * clipping factor). Default 1.
     *
     * @param gradScale finite, also as a float
     * @return this
     */
    public Step gradScale(double gradScale) {
        this.gradScale = gradScale;
        return this;
    }

    /**
     * AdaL's {@code ‖g‖₁}, when the caller has it (a sharded trainer's all-reduce); every tensor
     * of the step uses it. Other optimizers ignore it.
     *
     * @param gradL1Norm finite, {@code ≥ 0}, also as a float; NaN to compute it
     * @return this
     */
    public Step gradL1Norm(double gradL1Norm) {
        this.gradL1Norm = gradL1Norm;
        return this;
    }

    /**
     * The threads a group step may use. Default {@link StepExecutor#serial()}.
     *
     * @param executor the executor
     * @return this
     */
    public Step executor(StepExecutor executor) {
        this.executor = executor;
        return this;
    }

    /** {@return the loss; NaN when none is set (see {@link #hasLoss()})} */
    public double loss() {
        return loss;
    }

    /** {@return this step's learning rate; NaN for the optimizer's own} */
    public double learningRate() {
        return learningRate;
    }

    /** {@return this step's weight decay; NaN for the optimizer's own} */
    public double weightDecay() {
        return weightDecay;
    }

    /** {@return the gradient scale} */
    public double gradScale() {
        return gradScale;
    }

    /** {@return AdaL's given norm; NaN when it is computed} */
    public double gradL1Norm() {
        return gradL1Norm;
    }

    /** {@return the executor} */
    public StepExecutor executor() {
        return executor;
    }

    /** Back to the defaults of {@link #Step()}. */
    Step reset() {
        loss = Double.NaN;
        hasLoss = false;
        learningRate = Double.NaN;
        weightDecay = Double.NaN;
        gradScale = 1;
        gradL1Norm = Double.NaN;
        executor = StepExecutor.serial();
        return this;
    }

    @Override
    public String toString() {
        return "Step[loss=" + loss + ", learningRate=" + learningRate + ", weightDecay=" + weightDecay
                + ", gradScale=" + gradScale + ", gradL1Norm=" + gradL1Norm + ", executor=" + executor + "]";
    }
}
