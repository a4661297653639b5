package io.github.fusedopt.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

import static io.github.fusedopt.kernel.VectorBf16.INTS;
import static io.github.fusedopt.kernel.VectorBf16.LANE_INDEX;
import static io.github.fusedopt.kernel.VectorBf16.MIX;
import static io.github.fusedopt.kernel.VectorBf16.QUIET_HIGH;
import static io.github.fusedopt.kernel.VectorBf16.SHORTS;
import static io.github.fusedopt.kernel.VectorBf16.WEYL;
import static io.github.fusedopt.kernel.VectorBf16.WEYL_STRIDE;
import static io.github.fusedopt.kernel.VectorStepKernels.LANES;
import static io.github.fusedopt.kernel.VectorStepKernels.SPECIES;

/**
 * The loops of {@link VectorArrayLoops} over bf16 slots: each slot is widened to float as it is
 * loaded, every operation is the float loop's, and each new slot value is rounded once as it is
 * stored ({@code m} with the low 16 of the element's random bits, {@code v} and {@code w} with the
 * high 16). {@code index} is the first element's index in its tensor, which keys its random bits.
 * The widening, the generator and the rounding of {@link VectorBf16} are written out in each loop:
 * C2 did not inline them as calls into loops this size, and the vectors were then boxed.
 *
 * <p>The loop methods are written by {@code tools/kernels/generate_loops.py}, from one description
 * of each family's operations; edit them there.
 */
final class VectorBf16ArrayLoops {

    private VectorBf16ArrayLoops() {
    }

    static void adam(StepScalars s, float[] p, int po, float[] g, int go, float[] out, int oo,
            short[] m, int mo, short[] v, int vo, short[] w, int wo, int index, int n) {
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
        IntVector weyl = LANE_INDEX.add(index).mul(WEYL).add(s.roundingKey);
        for (int i = 0; i < n; i += LANES) {
            IntVector r = weyl.lanewise(VectorOperators.XOR, weyl.lanewise(VectorOperators.LSHR, 16)).mul(MIX);
            r = r.lanewise(VectorOperators.XOR, r.lanewise(VectorOperators.LSHR, 15));
            weyl = weyl.add(WEYL_STRIDE);
            final IntVector low = r.lanewise(VectorOperators.AND, 0xFFFF);
            final IntVector high = r.lanewise(VectorOperators.LSHR, 16);
            FloatVector pi = FloatVector.fromArray(SPECIES, p, po + i);
            FloatVector gi = FloatVector.fromArray(SPECIES, g, go + i);
            if (scaled) gi = gi.mul(k);
            if (coupled) gi = lambda.fma(pi, gi);
            FloatVector mi = b1.fma(((IntVector) ShortVector.fromArray(SHORTS, m, mo + i)
                    .convertShape(VectorOperators.S2I, INTS, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats(), c1.mul(gi));
            FloatVector vi = c2.mul(gi).fma(gi, b2.mul(((IntVector) ShortVector.fromArray(SHORTS, v, vo + i)
                    .convertShape(VectorOperators.S2I, INTS, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats()));
            VectorMask<Integer> miNaN = mi.compare(VectorOperators.NE, mi).cast(INTS);
            ((ShortVector) mi.reinterpretAsInts().lanewise(VectorOperators.OR, QUIET_HIGH, miNaN)
                    .add(low.blend(0, miNaN)).lanewise(VectorOperators.LSHR, 16)
                    .convertShape(VectorOperators.I2S, SHORTS, 0)).intoArray(m, mo + i);
            VectorMask<Integer> viNaN = vi.compare(VectorOperators.NE, vi).cast(INTS);
            ((ShortVector) vi.reinterpretAsInts().lanewise(VectorOperators.OR, QUIET_HIGH, viNaN)
                    .add(high.blend(0, viNaN)).lanewise(VectorOperators.LSHR, 16)
                    .convertShape(VectorOperators.I2S, SHORTS, 0)).intoArray(v, vo + i);
            FloatVector u = step.mul(mi.div(vi.sqrt().fma(invSqrtBc2, eps)));
            if (decoupled) u = rate.fma(pi, u);
            if (toOut) u.intoArray(out, oo + i); else pi.sub(u).intoArray(p, po + i);
        }
    }

    static void amsGrad(StepScalars s, float[] p, int po, float[] g, int go, float[] out, int oo,
            short[] m, int mo, short[] v, int vo, short[] w, int wo, int index, int n) {
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
        IntVector weyl = LANE_INDEX.add(index).mul(WEYL).add(s.roundingKey);
        for (int i = 0; i < n; i += LANES) {
            IntVector r = weyl.lanewise(VectorOperators.XOR, weyl.lanewise(VectorOperators.LSHR, 16)).mul(MIX);
            r = r.lanewise(VectorOperators.XOR, r.lanewise(VectorOperators.LSHR, 15));
            weyl = weyl.add(WEYL_STRIDE);
            final IntVector low = r.lanewise(VectorOperators.AND, 0xFFFF);
            final IntVector high = r.lanewise(VectorOperators.LSHR, 16);
            FloatVector pi = FloatVector.fromArray(SPECIES, p, po + i);
            FloatVector gi = FloatVector.fromArray(SPECIES, g, go + i);
            if (scaled) gi = gi.mul(k);
            if (coupled) gi = lambda.fma(pi, gi);
            FloatVector mi = b1.fma(((IntVector) ShortVector.fromArray(SHORTS, m, mo + i)
                    .convertShape(VectorOperators.S2I, INTS, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats(), c1.mul(gi));
            FloatVector vi = c2.mul(gi).fma(gi, b2.mul(((IntVector) ShortVector.fromArray(SHORTS, v, vo + i)
                    .convertShape(VectorOperators.S2I, INTS, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats()));
            FloatVector wi = ((IntVector) ShortVector.fromArray(SHORTS, w, wo + i)
                    .convertShape(VectorOperators.S2I, INTS, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().max(vi);
            VectorMask<Integer> miNaN = mi.compare(VectorOperators.NE, mi).cast(INTS);
            ((ShortVector) mi.reinterpretAsInts().lanewise(VectorOperators.OR, QUIET_HIGH, miNaN)
                    .add(low.blend(0, miNaN)).lanewise(VectorOperators.LSHR, 16)
                    .convertShape(VectorOperators.I2S, SHORTS, 0)).intoArray(m, mo + i);
            VectorMask<Integer> viNaN = vi.compare(VectorOperators.NE, vi).cast(INTS);
            ((ShortVector) vi.reinterpretAsInts().lanewise(VectorOperators.OR, QUIET_HIGH, viNaN)
                    .add(high.blend(0, viNaN)).lanewise(VectorOperators.LSHR, 16)
                    .convertShape(VectorOperators.I2S, SHORTS, 0)).intoArray(v, vo + i);
            VectorMask<Integer> wiNaN = wi.compare(VectorOperators.NE, wi).cast(INTS);
            ((ShortVector) wi.reinterpretAsInts().lanewise(VectorOperators.OR, QUIET_HIGH, wiNaN)
                    .add(high.blend(0, wiNaN)).lanewise(VectorOperators.LSHR, 16)
                    .convertShape(VectorOperators.I2S, SHORTS, 0)).intoArray(w, wo + i);
            FloatVector u = step.mul(mi.div(wi.sqrt().fma(invSqrtBc2, eps)));
            if (decoupled) u = rate.fma(pi, u);
            if (toOut) u.intoArray(out, oo + i); else pi.sub(u).intoArray(p, po + i);
        }
    }

    static void eadam(StepScalars s, float[] p, int po, float[] g, int go, float[] out, int oo,
            short[] m, int mo, short[] v, int vo, short[] w, int wo, int index, int n) {
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
        IntVector weyl = LANE_INDEX.add(index).mul(WEYL).add(s.roundingKey);
        for (int i = 0; i < n; i += LANES) {
            IntVector r = weyl.lanewise(VectorOperators.XOR, weyl.lanewise(VectorOperators.LSHR, 16)).mul(MIX);
            r = r.lanewise(VectorOperators.XOR, r.lanewise(VectorOperators.LSHR, 15));
            weyl = weyl.add(WEYL_STRIDE);
            final IntVector low = r.lanewise(VectorOperators.AND, 0xFFFF);
            final IntVector high = r.lanewise(VectorOperators.LSHR, 16);
            FloatVector pi = FloatVector.fromArray(SPECIES, p, po + i);
            FloatVector gi = FloatVector.fromArray(SPECIES, g, go + i);
            if (scaled) gi = gi.mul(k);
            if (coupled) gi = lambda.fma(pi, gi);
            FloatVector mi = b1.fma(((IntVector) ShortVector.fromArray(SHORTS, m, mo + i)
                    .convertShape(VectorOperators.S2I, INTS, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats(), c1.mul(gi));
            FloatVector vi = c2.mul(gi).fma(gi, b2.mul(((IntVector) ShortVector.fromArray(SHORTS, v, vo + i)
                    .convertShape(VectorOperators.S2I, INTS, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats())).add(eps);
            VectorMask<Integer> miNaN = mi.compare(VectorOperators.NE, mi).cast(INTS);
            ((ShortVector) mi.reinterpretAsInts().lanewise(VectorOperators.OR, QUIET_HIGH, miNaN)
                    .add(low.blend(0, miNaN)).lanewise(VectorOperators.LSHR, 16)
                    .convertShape(VectorOperators.I2S, SHORTS, 0)).intoArray(m, mo + i);
            VectorMask<Integer> viNaN = vi.compare(VectorOperators.NE, vi).cast(INTS);
            ((ShortVector) vi.reinterpretAsInts().lanewise(VectorOperators.OR, QUIET_HIGH, viNaN)
                    .add(high.blend(0, viNaN)).lanewise(VectorOperators.LSHR, 16)
                    .convertShape(VectorOperators.I2S, SHORTS, 0)).intoArray(v, vo + i);
            FloatVector u = step.mul(mi.div(vi.sqrt()));
            if (decoupled) u = rate.fma(pi, u);
            if (toOut) u.intoArray(out, oo + i); else pi.sub(u).intoArray(p, po + i);
        }
    }

    static void adaBelief(StepScalars s, float[] p, int po, float[] g, int go, float[] out, int oo,
            short[] m, int mo, short[] v, int vo, short[] w, int wo, int index, int n) {
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
        IntVector weyl = LANE_INDEX.add(index).mul(WEYL).add(s.roundingKey);
        for (int i = 0; i < n; i += LANES) {
            IntVector r = weyl.lanewise(VectorOperators.XOR, weyl.lanewise(VectorOperators.LSHR, 16)).mul(MIX);
            r = r.lanewise(VectorOperators.XOR, r.lanewise(VectorOperators.LSHR, 15));
            weyl = weyl.add(WEYL_STRIDE);
            final IntVector low = r.lanewise(VectorOperators.AND, 0xFFFF);
            final IntVector high = r.lanewise(VectorOperators.LSHR, 16);
            FloatVector pi = FloatVector.fromArray(SPECIES, p, po + i);
            FloatVector gi = FloatVector.fromArray(SPECIES, g, go + i);
            if (scaled) gi = gi.mul(k);
            if (coupled) gi = lambda.fma(pi, gi);
            FloatVector mi = b1.fma(((IntVector) ShortVector.fromArray(SHORTS, m, mo + i)
                    .convertShape(VectorOperators.S2I, INTS, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats(), c1.mul(gi));
            FloatVector di = gi.sub(mi);
            FloatVector vi = c2.mul(di).fma(di, b2.mul(((IntVector) ShortVector.fromArray(SHORTS, v, vo + i)
                    .convertShape(VectorOperators.S2I, INTS, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats())).add(eps);
            VectorMask<Integer> miNaN = mi.compare(VectorOperators.NE, mi).cast(INTS);
            ((ShortVector) mi.reinterpretAsInts().lanewise(VectorOperators.OR, QUIET_HIGH, miNaN)
                    .add(low.blend(0, miNaN)).lanewise(VectorOperators.LSHR, 16)
                    .convertShape(VectorOperators.I2S, SHORTS, 0)).intoArray(m, mo + i);
            VectorMask<Integer> viNaN = vi.compare(VectorOperators.NE, vi).cast(INTS);
            ((ShortVector) vi.reinterpretAsInts().lanewise(VectorOperators.OR, QUIET_HIGH, viNaN)
                    .add(high.blend(0, viNaN)).lanewise(VectorOperators.LSHR, 16)
                    .convertShape(VectorOperators.I2S, SHORTS, 0)).intoArray(v, vo + i);
            FloatVector u = step.mul(mi.div(vi.sqrt().fma(invSqrtBc2, eps)));
            if (decoupled) u = rate.fma(pi, u);
            if (toOut) u.intoArray(out, oo + i); else pi.sub(u).intoArray(p, po + i);
        }
    }

    static void adal(StepScalars s, float[] p, int po, float[] g, int go, float[] out, int oo,
            short[] m, int mo, short[] v, int vo, short[] w, int wo, int index, int n) {
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
        IntVector weyl = LANE_INDEX.add(index).mul(WEYL).add(s.roundingKey);
        for (int i = 0; i < n; i += LANES) {
            IntVector r = weyl.lanewise(VectorOperators.XOR, weyl.lanewise(VectorOperators.LSHR, 16)).mul(MIX);
            r = r.lanewise(VectorOperators.XOR, r.lanewise(VectorOperators.LSHR, 15));
            weyl = weyl.add(WEYL_STRIDE);
            final IntVector low = r.lanewise(VectorOperators.AND, 0xFFFF);
            final IntVector high = r.lanewise(VectorOperators.LSHR, 16);
            FloatVector pi = FloatVector.fromArray(SPECIES, p, po + i);
            FloatVector gi = FloatVector.fromArray(SPECIES, g, go + i);
            if (scaled) gi = gi.mul(k);
            if (coupled) gi = lambda.fma(pi, gi);
            gi = norm.mul(gi);
            FloatVector mi = b1.fma(((IntVector) ShortVector.fromArray(SHORTS, m, mo + i)
                    .convertShape(VectorOperators.S2I, INTS, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats(), c1.mul(gi));
            FloatVector vi = c2.mul(gi).fma(gi, b2.mul(((IntVector) ShortVector.fromArray(SHORTS, v, vo + i)
                    .convertShape(VectorOperators.S2I, INTS, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats()));
            VectorMask<Integer> miNaN = mi.compare(VectorOperators.NE, mi).cast(INTS);
            ((ShortVector) mi.reinterpretAsInts().lanewise(VectorOperators.OR, QUIET_HIGH, miNaN)
                    .add(low.blend(0, miNaN)).lanewise(VectorOperators.LSHR, 16)
                    .convertShape(VectorOperators.I2S, SHORTS, 0)).intoArray(m, mo + i);
            VectorMask<Integer> viNaN = vi.compare(VectorOperators.NE, vi).cast(INTS);
            ((ShortVector) vi.reinterpretAsInts().lanewise(VectorOperators.OR, QUIET_HIGH, viNaN)
                    .add(high.blend(0, viNaN)).lanewise(VectorOperators.LSHR, 16)
                    .convertShape(VectorOperators.I2S, SHORTS, 0)).intoArray(v, vo + i);
            FloatVector q = sqrtBc2.div(vi.sqrt()).blend(0f, vi.compare(VectorOperators.EQ, 0f));
            FloatVector u = step.mul(mi.mul(q.add(eps)));
            if (decoupled) u = rate.fma(pi, u);
            if (toOut) u.intoArray(out, oo + i); else pi.sub(u).intoArray(p, po + i);
        }
    }
}
