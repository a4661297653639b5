package io.github.fusedopt.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import static io.github.fusedopt.kernel.VectorStepKernels.LANES;
import static io.github.fusedopt.kernel.VectorStepKernels.SPECIES;

/**
 * The vector loops over arrays ({@code fromArray}), one per family, each performing the operations
 * of {@link StepKernels} in that order over {@code n} elements, {@code n} a multiple of the vector
 * length. {@link VectorSegmentLoops} has the same loops over segments: a heap segment through the
 * segment loops ran at half the array loops' speed on 4K-element tensors, so both stay.
 *
 * <p>The loop methods are written by {@code tools/kernels/generate_loops.py}, from one description
 * of each family's operations; edit them there.
 */
final class VectorArrayLoops {

    private VectorArrayLoops() {
    }

    static void adam(StepScalars s, float[] p, int po, float[] g, int go, float[] out, int oo,
            float[] m, int mo, float[] v, int vo, float[] w, int wo, int n) {
        final FloatVector k = FloatVector.broadcast(SPECIES, s.gradScale);
        final FloatVector lambda = FloatVector.broadcast(SPECIES, s.weightDecay);
        final FloatVector rate = FloatVector.broadcast(SPECIES, s.decayRate);
        final FloatVector b1 = FloatVector.broadcast(SPECIES, s.beta1);
        final FloatVector c1 = FloatVector.broadcast(SPECIES, s.gradCoeff);
        final FloatVector b2 = FloatVector.broadcast(SPECIES, s.beta2);
        final FloatVector c2 = FloatVector.broadcast(SPECIES, s.gradSquareCoeff);
        final FloatVector eps = FloatVector.broadcast(SPECIES, s.eps);
        final FloatVector invSqrtBc2 = FloatVector.broadcast(SPECIES, s.invSqrtBc2);
        final FloatVector step = FloatVector.broadcast(SPECIES, s.stepSize);
        final boolean scaled = s.gradScale != 1f, coupled = s.coupledDecay, decoupled = s.decoupledDecay;
        final boolean toOut = out != null;
        for (int i = 0; i < n; i += LANES) {
            FloatVector pi = FloatVector.fromArray(SPECIES, p, po + i);
            FloatVector gi = FloatVector.fromArray(SPECIES, g, go + i);
            if (scaled) gi = gi.mul(k);
            if (coupled) gi = lambda.fma(pi, gi);
            FloatVector mi = b1.fma(FloatVector.fromArray(SPECIES, m, mo + i), c1.mul(gi));
            FloatVector vi = c2.mul(gi).fma(gi, b2.mul(FloatVector.fromArray(SPECIES, v, vo + i)));
            mi.intoArray(m, mo + i);
            vi.intoArray(v, vo + i);
            FloatVector u = step.mul(mi.div(vi.sqrt().fma(invSqrtBc2, eps)));
            if (decoupled) u = rate.fma(pi, u);
            if (toOut) u.intoArray(out, oo + i); else pi.sub(u).intoArray(p, po + i);
        }
    }

    static void amsGrad(StepScalars s, float[] p, int po, float[] g, int go, float[] out, int oo,
            float[] m, int mo, float[] v, int vo, float[] w, int wo, int n) {
        final FloatVector k = FloatVector.broadcast(SPECIES, s.gradScale);
        final FloatVector lambda = FloatVector.broadcast(SPECIES, s.weightDecay);
        final FloatVector rate = FloatVector.broadcast(SPECIES, s.decayRate);
        final FloatVector b1 = FloatVector.broadcast(SPECIES, s.beta1);
        final FloatVector c1 = FloatVector.broadcast(SPECIES, s.gradCoeff);
        final FloatVector b2 = FloatVector.broadcast(SPECIES, s.beta2);
        final FloatVector c2 = FloatVector.broadcast(SPECIES, s.gradSquareCoeff);
        final FloatVector eps = FloatVector.broadcast(SPECIES, s.eps);
        final FloatVector invSqrtBc2 = FloatVector.broadcast(SPECIES, s.invSqrtBc2);
        final FloatVector step = FloatVector.broadcast(SPECIES, s.stepSize);
        final boolean scaled = s.gradScale != 1f, coupled = s.coupledDecay, decoupled = s.decoupledDecay;
        final boolean toOut = out != null;
        for (int i = 0; i < n; i += LANES) {
            FloatVector pi = FloatVector.fromArray(SPECIES, p, po + i);
            FloatVector gi = FloatVector.fromArray(SPECIES, g, go + i);
            if (scaled) gi = gi.mul(k);
            if (coupled) gi = lambda.fma(pi, gi);
            FloatVector mi = b1.fma(FloatVector.fromArray(SPECIES, m, mo + i), c1.mul(gi));
            FloatVector vi = c2.mul(gi).fma(gi, b2.mul(FloatVector.fromArray(SPECIES, v, vo + i)));
            FloatVector wi = FloatVector.fromArray(SPECIES, w, wo + i).max(vi);
            mi.intoArray(m, mo + i);
            vi.intoArray(v, vo + i);
            wi.intoArray(w, wo + i);
            FloatVector u = step.mul(mi.div(wi.sqrt().fma(invSqrtBc2, eps)));
            if (decoupled) u = rate.fma(pi, u);
            if (toOut) u.intoArray(out, oo + i); else pi.sub(u).intoArray(p, po + i);
        }
    }

    static void eadam(StepScalars s, float[] p, int po, float[] g, int go, float[] out, int oo,
            float[] m, int mo, float[] v, int vo, float[] w, int wo, int n) {
        final FloatVector k = FloatVector.broadcast(SPECIES, s.gradScale);
        final FloatVector lambda = FloatVector.broadcast(SPECIES, s.weightDecay);
        final FloatVector rate = FloatVector.broadcast(SPECIES, s.decayRate);
        final FloatVector b1 = FloatVector.broadcast(SPECIES, s.beta1);
        final FloatVector c1 = FloatVector.broadcast(SPECIES, s.gradCoeff);
        final FloatVector b2 = FloatVector.broadcast(SPECIES, s.beta2);
        final FloatVector c2 = FloatVector.broadcast(SPECIES, s.gradSquareCoeff);
        final FloatVector eps = FloatVector.broadcast(SPECIES, s.eps);
        final FloatVector step = FloatVector.broadcast(SPECIES, s.stepSize);
        final boolean scaled = s.gradScale != 1f, coupled = s.coupledDecay, decoupled = s.decoupledDecay;
        final boolean toOut = out != null;
        for (int i = 0; i < n; i += LANES) {
            FloatVector pi = FloatVector.fromArray(SPECIES, p, po + i);
            FloatVector gi = FloatVector.fromArray(SPECIES, g, go + i);
            if (scaled) gi = gi.mul(k);
            if (coupled) gi = lambda.fma(pi, gi);
            FloatVector mi = b1.fma(FloatVector.fromArray(SPECIES, m, mo + i), c1.mul(gi));
            FloatVector vi = c2.mul(gi).fma(gi, b2.mul(FloatVector.fromArray(SPECIES, v, vo + i))).add(eps);
            mi.intoArray(m, mo + i);
            vi.intoArray(v, vo + i);
            FloatVector u = step.mul(mi.div(vi.sqrt()));
            if (decoupled) u = rate.fma(pi, u);
            if (toOut) u.intoArray(out, oo + i); else pi.sub(u).intoArray(p, po + i);
        }
    }

    static void adaBelief(StepScalars s, float[] p, int po, float[] g, int go, float[] out, int oo,
            float[] m, int mo, float[] v, int vo, float[] w, int wo, int n) {
        final FloatVector k = FloatVector.broadcast(SPECIES, s.gradScale);
        final FloatVector lambda = FloatVector.broadcast(SPECIES, s.weightDecay);
        final FloatVector rate = FloatVector.broadcast(SPECIES, s.decayRate);
        final FloatVector b1 = FloatVector.broadcast(SPECIES, s.beta1);
        final FloatVector c1 = FloatVector.broadcast(SPECIES, s.gradCoeff);
        final FloatVector b2 = FloatVector.broadcast(SPECIES, s.beta2);
        final FloatVector c2 = FloatVector.broadcast(SPECIES, s.gradSquareCoeff);
        final FloatVector eps = FloatVector.broadcast(SPECIES, s.eps);
        final FloatVector invSqrtBc2 = FloatVector.broadcast(SPECIES, s.invSqrtBc2);
        final FloatVector step = FloatVector.broadcast(SPECIES, s.stepSize);
        final boolean scaled = s.gradScale != 1f, coupled = s.coupledDecay, decoupled = s.decoupledDecay;
        final boolean toOut = out != null;
        for (int i = 0; i < n; i += LANES) {
            FloatVector pi = FloatVector.fromArray(SPECIES, p, po + i);
            FloatVector gi = FloatVector.fromArray(SPECIES, g, go + i);
            if (scaled) gi = gi.mul(k);
            if (coupled) gi = lambda.fma(pi, gi);
            FloatVector mi = b1.fma(FloatVector.fromArray(SPECIES, m, mo + i), c1.mul(gi));
            FloatVector di = gi.sub(mi);
            FloatVector vi = c2.mul(di).fma(di, b2.mul(FloatVector.fromArray(SPECIES, v, vo + i))).add(eps);
            mi.intoArray(m, mo + i);
            vi.intoArray(v, vo + i);
            FloatVector u = step.mul(mi.div(vi.sqrt().fma(invSqrtBc2, eps)));
            if (decoupled) u = rate.fma(pi, u);
            if (toOut) u.intoArray(out, oo + i); else pi.sub(u).intoArray(p, po + i);
        }
    }

    static void adal(StepScalars s, float[] p, int po, float[] g, int go, float[] out, int oo,
            float[] m, int mo, float[] v, int vo, float[] w, int wo, int n) {
        final FloatVector k = FloatVector.broadcast(SPECIES, s.gradScale);
        final FloatVector lambda = FloatVector.broadcast(SPECIES, s.weightDecay);
        final FloatVector rate = FloatVector.broadcast(SPECIES, s.decayRate);
        final FloatVector norm = FloatVector.broadcast(SPECIES, s.gradNormScale);
        final FloatVector b1 = FloatVector.broadcast(SPECIES, s.beta1);
        final FloatVector c1 = FloatVector.broadcast(SPECIES, s.gradCoeff);
        final FloatVector b2 = FloatVector.broadcast(SPECIES, s.beta2);
        final FloatVector c2 = FloatVector.broadcast(SPECIES, s.gradSquareCoeff);
        final FloatVector eps = FloatVector.broadcast(SPECIES, s.eps);
        final FloatVector sqrtBc2 = FloatVector.broadcast(SPECIES, s.sqrtBc2);
        final FloatVector step = FloatVector.broadcast(SPECIES, s.stepSize);
        final boolean scaled = s.gradScale != 1f, coupled = s.coupledDecay, decoupled = s.decoupledDecay;
        final boolean toOut = out != null;
        for (int i = 0; i < n; i += LANES) {
            FloatVector pi = FloatVector.fromArray(SPECIES, p, po + i);
            FloatVector gi = FloatVector.fromArray(SPECIES, g, go + i);
            if (scaled) gi = gi.mul(k);
            if (coupled) gi = lambda.fma(pi, gi);
            gi = norm.mul(gi);
            FloatVector mi = b1.fma(FloatVector.fromArray(SPECIES, m, mo + i), c1.mul(gi));
            FloatVector vi = c2.mul(gi).fma(gi, b2.mul(FloatVector.fromArray(SPECIES, v, vo + i)));
            mi.intoArray(m, mo + i);
            vi.intoArray(v, vo + i);
            FloatVector q = sqrtBc2.div(vi.sqrt()).blend(0f, vi.compare(VectorOperators.EQ, 0f));
            FloatVector u = step.mul(mi.mul(q.add(eps)));
            if (decoupled) u = rate.fma(pi, u);
            if (toOut) u.intoArray(out, oo + i); else pi.sub(u).intoArray(p, po + i);
        }
    }
}
