package io.github.fusedopt.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

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
 * The loops of {@link VectorBf16ArrayLoops} over segments, from element {@code from} on: floats for
 * {@code p}, {@code g} and the output, bf16 for the slots, both in native byte order.
 *
 * <p>The loop methods are written by {@code tools/kernels/generate_loops.py}, from one description
 * of each family's operations; edit them there.
 */
final class VectorBf16SegmentLoops {

    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private VectorBf16SegmentLoops() {
    }

    static void adam(StepScalars s, MemorySegment p, MemorySegment g, MemorySegment out,
            MemorySegment m, MemorySegment v, MemorySegment w, long from, int n) {
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
        IntVector weyl = LANE_INDEX.add((int) from).mul(WEYL).add(s.roundingKey);
        for (int i = 0; i < n; i += LANES) {
            final long e = from + i, o = e * Float.BYTES, h = e * Short.BYTES;
            IntVector r = weyl.lanewise(VectorOperators.XOR, weyl.lanewise(VectorOperators.LSHR, 16)).mul(MIX);
            r = r.lanewise(VectorOperators.XOR, r.lanewise(VectorOperators.LSHR, 15));
            weyl = weyl.add(WEYL_STRIDE);
            final IntVector low = r.lanewise(VectorOperators.AND, 0xFFFF);
            final IntVector high = r.lanewise(VectorOperators.LSHR, 16);
            FloatVector pi = FloatVector.fromMemorySegment(SPECIES, p, o, ORDER);
            FloatVector gi = FloatVector.fromMemorySegment(SPECIES, g, o, ORDER);
            if (scaled) gi = gi.mul(k);
            if (coupled) gi = lambda.fma(pi, gi);
            FloatVector mi = b1.fma(((IntVector) ShortVector.fromMemorySegment(SHORTS, m, h, ORDER)
                    .convertShape(VectorOperators.S2I, INTS, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats(), c1.mul(gi));
            FloatVector vi = c2.mul(gi).fma(gi, b2.mul(((IntVector) ShortVector.fromMemorySegment(SHORTS, v, h, ORDER)
                    .convertShape(VectorOperators.S2I, INTS, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats()));
            VectorMask<Integer> miNaN = mi.compare(VectorOperators.NE, mi).cast(INTS);
            ((ShortVector) mi.reinterpretAsInts().lanewise(VectorOperators.OR, QUIET_HIGH, miNaN)
                    .add(low.blend(0, miNaN)).lanewise(VectorOperators.LSHR, 16)
                    .convertShape(VectorOperators.I2S, SHORTS, 0)).intoMemorySegment(m, h, ORDER);
            VectorMask<Integer> viNaN = vi.compare(VectorOperators.NE, vi).cast(INTS);
            ((ShortVector) vi.reinterpretAsInts().lanewise(VectorOperators.OR, QUIET_HIGH, viNaN)
                    .add(high.blend(0, viNaN)).lanewise(VectorOperators.LSHR, 16)
                    .convertShape(VectorOperators.I2S, SHORTS, 0)).intoMemorySegment(v, h, ORDER);
            FloatVector u = step.mul(mi.div(vi.sqrt().fma(invSqrtBc2, eps)));
            if (decoupled) u = rate.fma(pi, u);
            if (toOut) u.intoMemorySegment(out, o, ORDER); else pi.sub(u).intoMemorySegment(p, o, ORDER);
        }
    }

    static void amsGrad(StepScalars s, MemorySegment p, MemorySegment g, MemorySegment out,
            MemorySegment m, MemorySegment v, MemorySegment w, long from, int n) {
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
        IntVector weyl = LANE_INDEX.add((int) from).mul(WEYL).add(s.roundingKey);
        for (int i = 0; i < n; i += LANES) {
            final long e = from + i, o = e * Float.BYTES, h = e * Short.BYTES;
            IntVector r = weyl.lanewise(VectorOperators.XOR, weyl.lanewise(VectorOperators.LSHR, 16)).mul(MIX);
            r = r.lanewise(VectorOperators.XOR, r.lanewise(VectorOperators.LSHR, 15));
            weyl = weyl.add(WEYL_STRIDE);
            final IntVector low = r.lanewise(VectorOperators.AND, 0xFFFF);
            final IntVector high = r.lanewise(VectorOperators.LSHR, 16);
            FloatVector pi = FloatVector.fromMemorySegment(SPECIES, p, o, ORDER);
            FloatVector gi = FloatVector.fromMemorySegment(SPECIES, g, o, ORDER);
            if (scaled) gi = gi.mul(k);
            if (coupled) gi = lambda.fma(pi, gi);
            FloatVector mi = b1.fma(((IntVector) ShortVector.fromMemorySegment(SHORTS, m, h, ORDER)
                    .convertShape(VectorOperators.S2I, INTS, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats(), c1.mul(gi));
            FloatVector vi = c2.mul(gi).fma(gi, b2.mul(((IntVector) ShortVector.fromMemorySegment(SHORTS, v, h, ORDER)
                    .convertShape(VectorOperators.S2I, INTS, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats()));
            FloatVector wi = ((IntVector) ShortVector.fromMemorySegment(SHORTS, w, h, ORDER)
                    .convertShape(VectorOperators.S2I, INTS, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().max(vi);
            VectorMask<Integer> miNaN = mi.compare(VectorOperators.NE, mi).cast(INTS);
            ((ShortVector) mi.reinterpretAsInts().lanewise(VectorOperators.OR, QUIET_HIGH, miNaN)
                    .add(low.blend(0, miNaN)).lanewise(VectorOperators.LSHR, 16)
                    .convertShape(VectorOperators.I2S, SHORTS, 0)).intoMemorySegment(m, h, ORDER);
            VectorMask<Integer> viNaN = vi.compare(VectorOperators.NE, vi).cast(INTS);
            ((ShortVector) vi.reinterpretAsInts().lanewise(VectorOperators.OR, QUIET_HIGH, viNaN)
                    .add(high.blend(0, viNaN)).lanewise(VectorOperators.LSHR, 16)
                    .convertShape(VectorOperators.I2S, SHORTS, 0)).intoMemorySegment(v, h, ORDER);
            VectorMask<Integer> wiNaN = wi.compare(VectorOperators.NE, wi).cast(INTS);
            ((ShortVector) wi.reinterpretAsInts().lanewise(VectorOperators.OR, QUIET_HIGH, wiNaN)
                    .add(high.blend(0, wiNaN)).lanewise(VectorOperators.LSHR, 16)
                    .convertShape(VectorOperators.I2S, SHORTS, 0)).intoMemorySegment(w, h, ORDER);
            FloatVector u = step.mul(mi.div(wi.sqrt().fma(invSqrtBc2, eps)));
            if (decoupled) u = rate.fma(pi, u);
            if (toOut) u.intoMemorySegment(out, o, ORDER); else pi.sub(u).intoMemorySegment(p, o, ORDER);
        }
    }

    static void eadam(StepScalars s, MemorySegment p, MemorySegment g, MemorySegment out,
            MemorySegment m, MemorySegment v, MemorySegment w, long from, int n) {
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
        IntVector weyl = LANE_INDEX.add((int) from).mul(WEYL).add(s.roundingKey);
        for (int i = 0; i < n; i += LANES) {
            final long e = from + i, o = e * Float.BYTES, h = e * Short.BYTES;
            IntVector r = weyl.lanewise(VectorOperators.XOR, weyl.lanewise(VectorOperators.LSHR, 16)).mul(MIX);
            r = r.lanewise(VectorOperators.XOR, r.lanewise(VectorOperators.LSHR, 15));
            weyl = weyl.add(WEYL_STRIDE);
            final IntVector low = r.lanewise(VectorOperators.AND, 0xFFFF);
            final IntVector high = r.lanewise(VectorOperators.LSHR, 16);
            FloatVector pi = FloatVector.fromMemorySegment(SPECIES, p, o, ORDER);
            FloatVector gi = FloatVector.fromMemorySegment(SPECIES, g, o, ORDER);
            if (scaled) gi = gi.mul(k);
            if (coupled) gi = lambda.fma(pi, gi);
            FloatVector mi = b1.fma(((IntVector) ShortVector.fromMemorySegment(SHORTS, m, h, ORDER)
                    .convertShape(VectorOperators.S2I, INTS, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats(), c1.mul(gi));
            FloatVector vi = c2.mul(gi).fma(gi, b2.mul(((IntVector) ShortVector.fromMemorySegment(SHORTS, v, h, ORDER)
                    .convertShape(VectorOperators.S2I, INTS, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats())).add(eps);
            VectorMask<Integer> miNaN = mi.compare(VectorOperators.NE, mi).cast(INTS);
            ((ShortVector) mi.reinterpretAsInts().lanewise(VectorOperators.OR, QUIET_HIGH, miNaN)
                    .add(low.blend(0, miNaN)).lanewise(VectorOperators.LSHR, 16)
                    .convertShape(VectorOperators.I2S, SHORTS, 0)).intoMemorySegment(m, h, ORDER);
            VectorMask<Integer> viNaN = vi.compare(VectorOperators.NE, vi).cast(INTS);
            ((ShortVector) vi.reinterpretAsInts().lanewise(VectorOperators.OR, QUIET_HIGH, viNaN)
                    .add(high.blend(0, viNaN)).lanewise(VectorOperators.LSHR, 16)
                    .convertShape(VectorOperators.I2S, SHORTS, 0)).intoMemorySegment(v, h, ORDER);
            FloatVector u = step.mul(mi.div(vi.sqrt()));
            if (decoupled) u = rate.fma(pi, u);
            if (toOut) u.intoMemorySegment(out, o, ORDER); else pi.sub(u).intoMemorySegment(p, o, ORDER);
        }
    }

    static void adaBelief(StepScalars s, MemorySegment p, MemorySegment g, MemorySegment out,
            MemorySegment m, MemorySegment v, MemorySegment w, long from, int n) {
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
        IntVector weyl = LANE_INDEX.add((int) from).mul(WEYL).add(s.roundingKey);
        for (int i = 0; i < n; i += LANES) {
            final long e = from + i, o = e * Float.BYTES, h = e * Short.BYTES;
            IntVector r = weyl.lanewise(VectorOperators.XOR, weyl.lanewise(VectorOperators.LSHR, 16)).mul(MIX);
            r = r.lanewise(VectorOperators.XOR, r.lanewise(VectorOperators.LSHR, 15));
            weyl = weyl.add(WEYL_STRIDE);
            final IntVector low = r.lanewise(VectorOperators.AND, 0xFFFF);
            final IntVector high = r.lanewise(VectorOperators.LSHR, 16);
            FloatVector pi = FloatVector.fromMemorySegment(SPECIES, p, o, ORDER);
            FloatVector gi = FloatVector.fromMemorySegment(SPECIES, g, o, ORDER);
            if (scaled) gi = gi.mul(k);
            if (coupled) gi = lambda.fma(pi, gi);
            FloatVector mi = b1.fma(((IntVector) ShortVector.fromMemorySegment(SHORTS, m, h, ORDER)
                    .convertShape(VectorOperators.S2I, INTS, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats(), c1.mul(gi));
            FloatVector di = gi.sub(mi);
            FloatVector vi = c2.mul(di).fma(di, b2.mul(((IntVector) ShortVector.fromMemorySegment(SHORTS, v, h, ORDER)
                    .convertShape(VectorOperators.S2I, INTS, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats())).add(eps);
            VectorMask<Integer> miNaN = mi.compare(VectorOperators.NE, mi).cast(INTS);
            ((ShortVector) mi.reinterpretAsInts().lanewise(VectorOperators.OR, QUIET_HIGH, miNaN)
                    .add(low.blend(0, miNaN)).lanewise(VectorOperators.LSHR, 16)
                    .convertShape(VectorOperators.I2S, SHORTS, 0)).intoMemorySegment(m, h, ORDER);
            VectorMask<Integer> viNaN = vi.compare(VectorOperators.NE, vi).cast(INTS);
            ((ShortVector) vi.reinterpretAsInts().lanewise(VectorOperators.OR, QUIET_HIGH, viNaN)
                    .add(high.blend(0, viNaN)).lanewise(VectorOperators.LSHR, 16)
                    .convertShape(VectorOperators.I2S, SHORTS, 0)).intoMemorySegment(v, h, ORDER);
            FloatVector u = step.mul(mi.div(vi.sqrt().fma(invSqrtBc2, eps)));
            if (decoupled) u = rate.fma(pi, u);
            if (toOut) u.intoMemorySegment(out, o, ORDER); else pi.sub(u).intoMemorySegment(p, o, ORDER);
        }
    }

    static void adal(StepScalars s, MemorySegment p, MemorySegment g, MemorySegment out,
            MemorySegment m, MemorySegment v, MemorySegment w, long from, int n) {
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
        IntVector weyl = LANE_INDEX.add((int) from).mul(WEYL).add(s.roundingKey);
        for (int i = 0; i < n; i += LANES) {
            final long e = from + i, o = e * Float.BYTES, h = e * Short.BYTES;
            IntVector r = weyl.lanewise(VectorOperators.XOR, weyl.lanewise(VectorOperators.LSHR, 16)).mul(MIX);
            r = r.lanewise(VectorOperators.XOR, r.lanewise(VectorOperators.LSHR, 15));
            weyl = weyl.add(WEYL_STRIDE);
            final IntVector low = r.lanewise(VectorOperators.AND, 0xFFFF);
            final IntVector high = r.lanewise(VectorOperators.LSHR, 16);
            FloatVector pi = FloatVector.fromMemorySegment(SPECIES, p, o, ORDER);
            FloatVector gi = FloatVector.fromMemorySegment(SPECIES, g, o, ORDER);
            if (scaled) gi = gi.mul(k);
            if (coupled) gi = lambda.fma(pi, gi);
            gi = norm.mul(gi);
            FloatVector mi = b1.fma(((IntVector) ShortVector.fromMemorySegment(SHORTS, m, h, ORDER)
                    .convertShape(VectorOperators.S2I, INTS, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats(), c1.mul(gi));
            FloatVector vi = c2.mul(gi).fma(gi, b2.mul(((IntVector) ShortVector.fromMemorySegment(SHORTS, v, h, ORDER)
                    .convertShape(VectorOperators.S2I, INTS, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats()));
            VectorMask<Integer> miNaN = mi.compare(VectorOperators.NE, mi).cast(INTS);
            ((ShortVector) mi.reinterpretAsInts().lanewise(VectorOperators.OR, QUIET_HIGH, miNaN)
                    .add(low.blend(0, miNaN)).lanewise(VectorOperators.LSHR, 16)
                    .convertShape(VectorOperators.I2S, SHORTS, 0)).intoMemorySegment(m, h, ORDER);
            VectorMask<Integer> viNaN = vi.compare(VectorOperators.NE, vi).cast(INTS);
            ((ShortVector) vi.reinterpretAsInts().lanewise(VectorOperators.OR, QUIET_HIGH, viNaN)
                    .add(high.blend(0, viNaN)).lanewise(VectorOperators.LSHR, 16)
                    .convertShape(VectorOperators.I2S, SHORTS, 0)).intoMemorySegment(v, h, ORDER);
            FloatVector q = sqrtBc2.div(vi.sqrt()).blend(0f, vi.compare(VectorOperators.EQ, 0f));
            FloatVector u = step.mul(mi.mul(q.add(eps)));
            if (decoupled) u = rate.fma(pi, u);
            if (toOut) u.intoMemorySegment(out, o, ORDER); else pi.sub(u).intoMemorySegment(p, o, ORDER);
        }
    }
}
