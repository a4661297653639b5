package io.github.fusedopt.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import static io.github.fusedopt.kernel.VectorStepKernels.LANES;
import static io.github.fusedopt.kernel.VectorStepKernels.SPECIES;

/**
 * The vector loops over segments ({@code fromMemorySegment}) from byte offset {@code at}: the loops
 * of {@link VectorArrayLoops}, operation for operation.
 *
 * <p>The loop methods are written by {@code tools/kernels/generate_loops.py}, from one description
 * of each family's operations; edit them there.
 */
final class VectorSegmentLoops {

    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private VectorSegmentLoops() {
    }

    static void adam(StepScalars s, MemorySegment p, MemorySegment g, MemorySegment out,
            MemorySegment m, MemorySegment v, MemorySegment w, long at, int n) {
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
            final long o = at + (long) i * Float.BYTES;
            FloatVector pi = FloatVector.fromMemorySegment(SPECIES, p, o, ORDER);
            FloatVector gi = FloatVector.fromMemorySegment(SPECIES, g, o, ORDER);
            if (scaled) gi = gi.mul(k);
            if (coupled) gi = lambda.fma(pi, gi);
            FloatVector mi = b1.fma(FloatVector.fromMemorySegment(SPECIES, m, o, ORDER), c1.mul(gi));
            FloatVector vi = c2.mul(gi).fma(gi, b2.mul(FloatVector.fromMemorySegment(SPECIES, v, o, ORDER)));
            mi.intoMemorySegment(m, o, ORDER);
            vi.intoMemorySegment(v, o, ORDER);
            FloatVector u = step.mul(mi.div(vi.sqrt().fma(invSqrtBc2, eps)));
            if (decoupled) u = rate.fma(pi, u);
            if (toOut) u.intoMemorySegment(out, o, ORDER); else pi.sub(u).intoMemorySegment(p, o, ORDER);
        }
    }

    static void amsGrad(StepScalars s, MemorySegment p, MemorySegment g, MemorySegment out,
            MemorySegment m, MemorySegment v, MemorySegment w, long at, int n) {
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
            final long o = at + (long) i * Float.BYTES;
            FloatVector pi = FloatVector.fromMemorySegment(SPECIES, p, o, ORDER);
            FloatVector gi = FloatVector.fromMemorySegment(SPECIES, g, o, ORDER);
            if (scaled) gi = gi.mul(k);
            if (coupled) gi = lambda.fma(pi, gi);
            FloatVector mi = b1.fma(FloatVector.fromMemorySegment(SPECIES, m, o, ORDER), c1.mul(gi));
            FloatVector vi = c2.mul(gi).fma(gi, b2.mul(FloatVector.fromMemorySegment(SPECIES, v, o, ORDER)));
            FloatVector wi = FloatVector.fromMemorySegment(SPECIES, w, o, ORDER).max(vi);
            mi.intoMemorySegment(m, o, ORDER);
            vi.intoMemorySegment(v, o, ORDER);
            wi.intoMemorySegment(w, o, ORDER);
            FloatVector u = step.mul(mi.div(wi.sqrt().fma(invSqrtBc2, eps)));
            if (decoupled) u = rate.fma(pi, u);
            if (toOut) u.intoMemorySegment(out, o, ORDER); else pi.sub(u).intoMemorySegment(p, o, ORDER);
        }
    }

    static void eadam(StepScalars s, MemorySegment p, MemorySegment g, MemorySegment out,
            MemorySegment m, MemorySegment v, MemorySegment w, long at, int n) {
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
            final long o = at + (long) i * Float.BYTES;
            FloatVector pi = FloatVector.fromMemorySegment(SPECIES, p, o, ORDER);
            FloatVector gi = FloatVector.fromMemorySegment(SPECIES, g, o, ORDER);
            if (scaled) gi = gi.mul(k);
            if (coupled) gi = lambda.fma(pi, gi);
            FloatVector mi = b1.fma(FloatVector.fromMemorySegment(SPECIES, m, o, ORDER), c1.mul(gi));
            FloatVector vi = c2.mul(gi).fma(gi, b2.mul(FloatVector.fromMemorySegment(SPECIES, v, o, ORDER))).add(eps);
            mi.intoMemorySegment(m, o, ORDER);
            vi.intoMemorySegment(v, o, ORDER);
            FloatVector u = step.mul(mi.div(vi.sqrt()));
            if (decoupled) u = rate.fma(pi, u);
            if (toOut) u.intoMemorySegment(out, o, ORDER); else pi.sub(u).intoMemorySegment(p, o, ORDER);
        }
    }

    static void adaBelief(StepScalars s, MemorySegment p, MemorySegment g, MemorySegment out,
            MemorySegment m, MemorySegment v, MemorySegment w, long at, int n) {
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
            final long o = at + (long) i * Float.BYTES;
            FloatVector pi = FloatVector.fromMemorySegment(SPECIES, p, o, ORDER);
            FloatVector gi = FloatVector.fromMemorySegment(SPECIES, g, o, ORDER);
            if (scaled) gi = gi.mul(k);
            if (coupled) gi = lambda.fma(pi, gi);
            FloatVector mi = b1.fma(FloatVector.fromMemorySegment(SPECIES, m, o, ORDER), c1.mul(gi));
            FloatVector di = gi.sub(mi);
            FloatVector vi = c2.mul(di).fma(di, b2.mul(FloatVector.fromMemorySegment(SPECIES, v, o, ORDER))).add(eps);
            mi.intoMemorySegment(m, o, ORDER);
            vi.intoMemorySegment(v, o, ORDER);
            FloatVector u = step.mul(mi.div(vi.sqrt().fma(invSqrtBc2, eps)));
            if (decoupled) u = rate.fma(pi, u);
            if (toOut) u.intoMemorySegment(out, o, ORDER); else pi.sub(u).intoMemorySegment(p, o, ORDER);
        }
    }

    static void adal(StepScalars s, MemorySegment p, MemorySegment g, MemorySegment out,
            MemorySegment m, MemorySegment v, MemorySegment w, long at, int n) {
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
            final long o = at + (long) i * Float.BYTES;
            FloatVector pi = FloatVector.fromMemorySegment(SPECIES, p, o, ORDER);
            FloatVector gi = FloatVector.fromMemorySegment(SPECIES, g, o, ORDER);
            if (scaled) gi = gi.mul(k);
            if (coupled) gi = lambda.fma(pi, gi);
            gi = norm.mul(gi);
            FloatVector mi = b1.fma(FloatVector.fromMemorySegment(SPECIES, m, o, ORDER), c1.mul(gi));
            FloatVector vi = c2.mul(gi).fma(gi, b2.mul(FloatVector.fromMemorySegment(SPECIES, v, o, ORDER)));
            mi.intoMemorySegment(m, o, ORDER);
            vi.intoMemorySegment(v, o, ORDER);
            FloatVector q = sqrtBc2.div(vi.sqrt()).blend(0f, vi.compare(VectorOperators.EQ, 0f));
            FloatVector u = step.mul(mi.mul(q.add(eps)));
            if (decoupled) u = rate.fma(pi, u);
            if (toOut) u.intoMemorySegment(out, o, ORDER); else pi.sub(u).intoMemorySegment(p, o, ORDER);
        }
    }
}
