package io.github.fusedopt;

import io.github.fusedopt.kernel.StepScalars;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * The update rules in {@code double}, written straight from the formulas in each optimizer's
 * Javadoc: no folding, no float rounding. The EMA rates are the float values the kernels apply
 * ({@link StepScalars#asApplied}), so the comparison measures arithmetic, not how well
 * {@code 0.999} fits in a float.
 *
 * <p>Alongside each value it keeps a running error bound: every float operation may add about
 * {@code 2^-24} of its result's magnitude, errors in {@code m} and {@code v} decay with
 * {@code β1} and {@code β2}, and they reach {@code p} through the first-order sensitivity of
 * the update. The float step must stay within a small multiple of {@code 2^-24} times these bounds.
 */
final class SpecReference {

    private static final double RELATIVE_PERTURBATION = 1e-4;

    final Optimizer optimizer;
    final double[] p;
    final double[] m;
    final double[] v;
    final double[] pBound;
    final double[] mBound;
    final double[] vBound;
    /** AMSGrad's {@code v_max}, and its bound; unused by the other rules. */
    final double[] vmax;
    final double[] vmaxBound;
    private final boolean amsGrad;
    long t;
    double referenceLoss = Double.NaN;

    SpecReference(Optimizer optimizer, float[] params, int offset, int length) {
        this.optimizer = optimizer;
        this.p = new double[length];
        this.pBound = new double[length];
        for (int i = 0; i < length; i++) {
            p[i] = params[offset + i];
        }
        this.m = new double[length];
        this.v = new double[length];
        this.mBound = new double[length];
        this.vBound = new double[length];
        this.vmax = new double[length];
        this.vmaxBound = new double[length];
        this.amsGrad = optimizer instanceof Adam a && a.amsGrad() || optimizer instanceof AdamW w && w.amsGrad();
        if (optimizer instanceof AdamL adamL && adamL.referenceLoss().isPresent()) {
            referenceLoss = adamL.referenceLoss().getAsDouble();
        }
    }

    void step(float[] grads, int offset, double loss, double gradScale, double givenNorm) {
        step(grads, offset, loss, gradScale, givenNorm, optimizer.learningRate(), optimizer.weightDecay());
    }

    /** A step with its own learning rate {@code α_t} and weight decay {@code d_t}. */
    void step(float[] grads, int offset, double loss, double gradScale, double givenNorm, double alpha,
              double lambda) {
        int n = p.length;
        double eps = optimizer.eps();
        double b1 = StepScalars.asApplied(optimizer.beta1()), b2 = StepScalars.asApplied(optimizer.beta2());
        boolean coupled = optimizer.weightDecayMode() == WeightDecayMode.COUPLED;
        t++;
        double bc1 = 1 - Math.pow(b1, t);
        double bc2 = 1 - Math.pow(b2, t);

        // Order: gradient scale, then weight decay. gAbs bounds the magnitudes before cancellation.
        double[] g = new double[n];
        double[] gAbs = new double[n];
        for (int i = 0; i < n; i++) {
            g[i] = gradScale * grads[offset + i];
            gAbs[i] = Math.abs(g[i]);
            if (coupled) {
                g[i] += lambda * p[i];
                gAbs[i] += lambda * (Math.abs(p[i]) + pBound[i]);  // p's own error feeds back into g
            } else {
                p[i] *= 1 - alpha * lambda;
                pBound[i] = pBound[i] * Math.abs(1 - alpha * lambda) + Math.abs(p[i]);
            }
        }

        double lossScale = 1;
        if (optimizer instanceof AdamL adamL) {
            if (Double.isNaN(referenceLoss)) {
                referenceLoss = loss;
            }
            double r = referenceLoss > adamL.lossMin() ? relativeLoss(loss, referenceLoss, adamL.lossMin()) : 0;
            lossScale = Math.pow(Math.min(1, Math.max(0, r)), adamL.lossExponent());
        }
        if (optimizer instanceof AdaL) {
            double k = givenNorm;
            double kAbs = givenNorm;
            if (Double.isNaN(k)) {
                k = 0;
                kAbs = 0;
                for (int i = 0; i < n; i++) {
                    k += Math.abs(g[i]);
                    kAbs += gAbs[i];
                }
                kAbs *= 1 + Math.log(n + 1.0) / Math.log(2) + 16;  // the summation's rounding, in units of 2^-24
            }
            for (int i = 0; i < n; i++) {
                g[i] *= k;
                gAbs[i] *= kAbs;
            }
        }
        boolean epsInV = optimizer instanceof EAdam || optimizer instanceof AdamL || optimizer instanceof AdaBelief;

        for (int i = 0; i < n; i++) {
            // m ← fma(β1, m, c1·g): g carries up to two roundings (k·g, decay), c1·g one, the fma one.
            m[i] = b1 * m[i] + (1 - b1) * g[i];
            mBound[i] = b1 * mBound[i] + 4 * (1 - b1) * gAbs[i] + Math.abs(m[i]);
            boolean belief = optimizer instanceof AdaBelief;
            double term = belief ? g[i] - m[i] : g[i];
            double termBound = belief ? gAbs[i] + Math.abs(m[i]) + mBound[i] : gAbs[i];
            // v ← fma(c2·x, x, β2·v) (+ ε): x's error enters twice, then c2·x, β2·v, the fma and + ε round.
            double vBefore = v[i];
            v[i] = b2 * v[i] + (1 - b2) * lossScale * term * term + (epsInV ? eps : 0);
            vBound[i] = b2 * vBound[i] + b2 * Math.abs(vBefore)
                    + 4 * (1 - b2) * lossScale * (Math.abs(term) + termBound) * termBound
                    + 2 * Math.abs(v[i]) + (epsInV ? eps : 0);

            // AMSGrad: v_max ← max(v_max, v), and the denominator uses it.
            if (amsGrad) {
                vmaxBound[i] = v[i] >= vmax[i] ? vBound[i] : vmaxBound[i];
                vmax[i] = Math.max(vmax[i], v[i]);
            }
            double denominatorV = amsGrad ? vmax[i] : v[i];
            double denominatorBound = amsGrad ? Math.max(vmaxBound[i], vBound[i]) : vBound[i];
            double update = update(m[i], denominatorV, alpha, eps, bc1, bc2);
            double dv = RELATIVE_PERTURBATION * Math.max(denominatorV, denominatorBound * 1e-7);
            double dUpdateDv = Math.abs(update(m[i], denominatorV + dv, alpha, eps, bc1, bc2)
                    - update(m[i], Math.max(0, denominatorV - dv), alpha, eps, bc1, bc2)) / (2 * dv);
            p[i] -= update;
            pBound[i] += Math.abs(update(mBound[i], denominatorV, alpha, eps, bc1, bc2)) + dUpdateDv * denominatorBound
                    + Math.abs(update) + Math.abs(p[i]);
        }
    }

    /** {@code (ℓ − ℓ_min)/(ℓ_ref − ℓ_min)} in exact decimal arithmetic, rounded once: no overflow. */
    static double relativeLoss(double loss, double referenceLoss, double lossMin) {
        BigDecimal min = new BigDecimal(lossMin);
        return new BigDecimal(loss).subtract(min).divide(new BigDecimal(referenceLoss).subtract(min),
                MathContext.DECIMAL64).doubleValue();
    }

    /** The amount subtracted from {@code p}, as the spec writes it. */
    private double update(double m, double v, double alpha, double eps, double bc1, double bc2) {
        return switch (optimizer) {
            case Adam a -> (alpha / bc1) * m / (Math.sqrt(v) / Math.sqrt(bc2) + eps);
            case AdamW a -> (alpha / bc1) * m / (Math.sqrt(v) / Math.sqrt(bc2) + eps);
            case AdaBelief a -> (alpha / bc1) * m / (Math.sqrt(v) / Math.sqrt(bc2) + eps);
            case EAdam a -> (alpha / bc1) * m / Math.sqrt(v / bc2);
            case AdamL a -> (alpha / bc1) * m / Math.sqrt(v / bc2);
            case AdaL a -> (a.anneal() ? alpha / Math.sqrt(t) : alpha) * (m / bc1)
                    * ((v == 0 ? 0 : 1 / Math.sqrt(v / bc2)) + eps);
        };
    }
}
