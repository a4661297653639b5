package io.github.fusedopt.kernel;

/**
 * The per-step scalars of one fused step: every quantity that is the same for all elements, computed
 * here once per step in {@code double} and rounded once to {@code float}.
 *
 * <p>This is the only place where bias corrections, step sizes and coefficients are derived. The
 * optimizers fill it; the kernels read it, and use its scratch arrays for a last partial vector and
 * for staging segment blocks. An instance is reused from step to step (it lives in the optimizer
 * state, which one thread steps at a time; a parallel step gives each worker its own copy), so a
 * step allocates nothing after the first.
 *
 * <p>The kernels multiply by {@code β1} and {@code β2} as floats, so everything that depends on them
 * is derived from those float values {@code β_f}: the coefficients {@code 1 − β_f} (exact for
 * {@code β_f ≥ 0.5}, so that {@code β_f + (1 − β_f) = 1} and the averages carry no gain error) and the
 * bias corrections {@code 1 − β_f^t} (which then match the decay actually applied). Rounding
 * {@code 1 − β} and {@code β} separately would bias {@code v} by about {@code 2^-24/(1 − β2)}.
 */
public final class StepScalars {
    float gradScale = 1f;
    boolean coupledDecay;
    float weightDecay;
    boolean decoupledDecay;
    float decayRate;
    float beta1;
    float gradCoeff;
    float beta2;
    float gradSquareCoeff;
    float eps;
    float invSqrtBc2;
    float sqrtBc2;
    float stepSize;
    float gradNormScale = 1f;
    int roundingKey;
    /** Room for a vector kernel's last partial vector of six arrays, or the norm's stripes. */
    private float[] tailScratch = new float[Math.max(StepKernels.NORM_STRIPES, 6 * KernelProvider.maxLanes())];
    private float[][] blockScratch;
    private final BiasCorrection firstBias = new BiasCorrection();
    private final BiasCorrection secondBias = new BiasCorrection();

    /** The rate as the kernels apply it: rounded to float. */
    public static double asApplied(double beta) {
        return (float) beta;
    }

    /**
     * Sets the gradient preprocessing shared by every optimizer: {@code g ← k·g}, then coupled
     * ({@code g ← g + λ·p}) or decoupled ({@code u ← u + α·λ·p}, so that {@code p − u} is
     * {@code p·(1 − α·λ)} less the rule's update) weight decay.
     *
     * @param gradScale the gradient scale {@code k}
     * @param coupledWeightDecay {@code λ} of coupled decay, 0 when off
     * @param decoupledWeightDecay {@code λ} of decoupled decay, 0 when off
     * @param learningRate {@code α}, the learning rate that decoupled decay multiplies
     */
    public void gradient(double gradScale, double coupledWeightDecay, double decoupledWeightDecay,
                         double learningRate) {
        this.gradScale = (float) gradScale;
        this.coupledDecay = coupledWeightDecay != 0;
        this.weightDecay = (float) coupledWeightDecay;
        this.decoupledDecay = decoupledWeightDecay != 0;
        this.decayRate = (float) (learningRate * decoupledWeightDecay);
    }

    /** Adam: {@code α/bc1}, {@code 1/√bc2} and the moment coefficients for step {@code t}. */
    public void adam(double learningRate, double beta1, double beta2, double eps, long t) {
        moments(beta1, beta2, 1, eps);
        this.invSqrtBc2 = (float) (1 / Math.sqrt(secondBias.at(asApplied(beta2), t)));
        this.stepSize = (float) (learningRate / firstBias.at(asApplied(beta1), t));
    }

    /**
     * EAdam and AdamL: {@code α·√bc2/bc1} (so that {@code m/√(v/bc2)} costs one root and one
     * division) and the coefficient {@code (1−β2)·λ_t} of {@code g²}.
     *
     * @param lossScale AdamL's {@code λ_t}; 1 for EAdam
     */
    public void eadam(double learningRate, double beta1, double beta2, double eps, long t,
                      double lossScale) {
        moments(beta1, beta2, lossScale, eps);
        double bc1 = firstBias.at(asApplied(beta1), t);
        double bc2 = secondBias.at(asApplied(beta2), t);
        this.stepSize = (float) (learningRate * Math.sqrt(bc2) / bc1);
    }

    /** AMSGrad: as Adam; the kernel keeps the running maximum of {@code v}. */
    public void amsGrad(double learningRate, double beta1, double beta2, double eps, long t) {
        adam(learningRate, beta1, beta2, eps, t);
    }

    /** AdaBelief: as Adam; the kernel applies the coefficient of {@code g²} to {@code (g − m)²}. */
    public void adaBelief(double learningRate, double beta1, double beta2, double eps, long t) {
        adam(learningRate, beta1, beta2, eps, t);
    }

    /**
     * AdaL: {@code α_t/bc1} with {@code α_t = α/√t} when annealing, and {@code √bc2}.
     * The gradient norm is set separately, by {@link #gradNorm(double)}.
     */
    public void adal(double learningRate, double beta1, double beta2, double eps, long t,
                     boolean anneal) {
        moments(beta1, beta2, 1, eps);
        double alphaT = anneal ? learningRate / Math.sqrt((double) t) : learningRate;
        this.sqrtBc2 = (float) Math.sqrt(secondBias.at(asApplied(beta2), t));
        this.stepSize = (float) (alphaT / firstBias.at(asApplied(beta1), t));
    }

    /** AdaL's {@code k_t = ‖g‖₁}, the factor applied to the preprocessed gradient. */
    public void gradNorm(double l1Norm) {
        this.gradNormScale = (float) l1Norm;
    }

    /**
     * The key of a bf16 state's stochastic rounding for step {@code t}: the random bits of element
     * {@code i} are a hash of (this key, {@code i}).
     *
     * @param seed the state's rounding seed
     * @param t the step being taken, 1 for the first
     */
    public void rounding(long seed, long t) {
        this.roundingKey = Bf16.key(seed, t);
    }

    /** Copies every per-step scalar of {@code other} (not its scratch). */
    public void copyFrom(StepScalars other) {
        this.gradScale = other.gradScale;
        this.coupledDecay = other.coupledDecay;
        this.weightDecay = other.weightDecay;
        this.decoupledDecay = other.decoupledDecay;
        this.decayRate = other.decayRate;
        this.beta1 = other.beta1;
        this.gradCoeff = other.gradCoeff;
        this.beta2 = other.beta2;
        this.gradSquareCoeff = other.gradSquareCoeff;
        this.eps = other.eps;
        this.invSqrtBc2 = other.invSqrtBc2;
        this.sqrtBc2 = other.sqrtBc2;
        this.stepSize = other.stepSize;
        this.gradNormScale = other.gradNormScale;
        this.roundingKey = other.roundingKey;
    }

    /**
     * Allocates the scratch that steps over segments use, if it is not there yet: a step calls this
     * before it writes anything, so that no allocation can fail half-way through an update.
     */
    public void reserveSegmentScratch() {
        blockScratch();
    }

    /**
     * Scratch for staging one block of {@link StepKernels#NORM_BLOCK} elements of p, g, the update
     * and up to three slots, in six arrays (so that all share index 0): allocated on first use.
     */
    float[][] blockScratch() {
        if (blockScratch == null) {
            blockScratch = new float[6][StepKernels.NORM_BLOCK];
        }
        return blockScratch;
    }

    /** Scratch for a kernel's last partial vector: allocated on first use, then reused. */
    float[] tailScratch(int length) {
        if (tailScratch == null || tailScratch.length < length) {
            tailScratch = new float[length];
        }
        return tailScratch;
    }

    private void moments(double beta1, double beta2, double gradSquareScale, double eps) {
        double b1 = asApplied(beta1);
        double b2 = asApplied(beta2);
        this.beta1 = (float) b1;
        this.gradCoeff = (float) (1 - b1);
        this.beta2 = (float) b2;
        this.gradSquareCoeff = (float) ((1 - b2) * gradSquareScale);
        this.eps = (float) eps;
    }
}
