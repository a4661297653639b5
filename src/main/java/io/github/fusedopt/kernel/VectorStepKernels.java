package io.github.fusedopt.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * The fused kernels on {@code jdk.incubator.vector}: one pass of unmasked vector loops over arrays
 * ({@link VectorArrayLoops}) or segments ({@link VectorSegmentLoops}), the last partial vector
 * included (see {@link Loop}), and the norm and range checks. Loaded reflectively by
 * {@link KernelProvider}, and only when the module is present.
 */
final class VectorStepKernels implements StepKernels {

    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    static final int LANES = SPECIES.length();

    /** The norm's 64 stripes are eight 256-bit vectors; narrower machines use the scalar norm. */
    private static final VectorSpecies<Float> NORM_SPECIES = FloatVector.SPECIES_256;
    private static final int NORM_LANES = NORM_SPECIES.length();

    VectorStepKernels() {
    }

    @Override
    public String name() {
        return "vector";
    }

    @Override
    public int lanes() {
        return LANES;
    }

    /**
     * Heap arrays all at one index run the plain loops of Adam, EAdam and AdaBelief, which C2
     * vectorises there: C2 peels its loop to align it to the arrays' real addresses, which Java
     * code cannot see, and a misaligned 64-byte vector splits a cache line. The bits are the same
     * (the kernels' contract). On a 16-lane AVX-512 machine the plain loop was 1.0–1.6× faster at
     * 4K to 16M elements; AMSGrad's was slower in cache, and C2 does not vectorise AdaL's
     * ({@code v == 0} test), so those two, and arrays at different offsets, take the vector loops.
     */
    @Override
    public void step(Family family, StepScalars s, float[] p, int po, float[] g, int go, float[] out, int oo,
                     float[] m, int mo, float[] v, int vo, float[] w, int wo, int n) {
        boolean plainVectorises = family == Family.ADAM || family == Family.EADAM || family == Family.ADA_BELIEF;
        if (plainVectorises && po == mo && go == mo && vo == mo && (out == null || oo == mo)) {
            ScalarStepKernels.INSTANCE.step(family, s, p, po, g, go, out, oo, m, mo, v, vo, w, wo, n);
        } else {
            vectorLoops(family, s, p, po, g, go, out, oo, m, mo, v, vo, w, wo, n);
        }
    }

    /** The vector loops over arrays, whatever the offsets: what {@link #step} runs when C2 would not vectorise. */
    void vectorLoops(Family family, StepScalars s, float[] p, int po, float[] g, int go, float[] out, int oo,
                     float[] m, int mo, float[] v, int vo, float[] w, int wo, int n) {
        Loop loop = arrayLoop(family);
        final int bound = SPECIES.loopBound(n);
        loop.run(s, p, po, g, go, out, oo, m, mo, v, vo, w, wo, bound);
        final int tail = n - bound;
        if (tail > 0) {
            float[] t = s.tailScratch(6 * LANES);
            boolean amsGrad = family == Family.AMSGRAD;
            System.arraycopy(p, po + bound, t, 0, tail);
            System.arraycopy(g, go + bound, t, LANES, tail);
            System.arraycopy(m, mo + bound, t, 3 * LANES, tail);
            System.arraycopy(v, vo + bound, t, 4 * LANES, tail);
            if (amsGrad) {
                System.arraycopy(w, wo + bound, t, 5 * LANES, tail);
            }
            loop.run(s, t, 0, t, LANES, out == null ? null : t, 2 * LANES, t, 3 * LANES, t, 4 * LANES,
                    t, 5 * LANES, LANES);
            if (out == null) {
                System.arraycopy(t, 0, p, po + bound, tail);
            } else {
                System.arraycopy(t, 2 * LANES, out, oo + bound, tail);
            }
            System.arraycopy(t, 3 * LANES, m, mo + bound, tail);
            System.arraycopy(t, 4 * LANES, v, vo + bound, tail);
            if (amsGrad) {
                System.arraycopy(t, 5 * LANES, w, wo + bound, tail);
            }
        }
    }

    @Override
    public void step(Family family, StepScalars s, MemorySegment p, MemorySegment g, MemorySegment out,
                     MemorySegment m, MemorySegment v, MemorySegment w, long from, int n) {
        final int bound = SPECIES.loopBound(n);
        segmentLoop(family).run(s, p, g, out, m, v, w, from * Float.BYTES, bound);
        final int tail = n - bound;
        if (tail > 0) {
            float[] t = s.tailScratch(6 * LANES);
            boolean amsGrad = family == Family.AMSGRAD;
            long at = (from + bound) * Float.BYTES;
            MemorySegment.copy(p, JAVA_FLOAT, at, t, 0, tail);
            MemorySegment.copy(g, JAVA_FLOAT, at, t, LANES, tail);
            MemorySegment.copy(m, JAVA_FLOAT, at, t, 3 * LANES, tail);
            MemorySegment.copy(v, JAVA_FLOAT, at, t, 4 * LANES, tail);
            if (amsGrad) {
                MemorySegment.copy(w, JAVA_FLOAT, at, t, 5 * LANES, tail);
            }
            arrayLoop(family).run(s, t, 0, t, LANES, out == null ? null : t, 2 * LANES, t, 3 * LANES,
                    t, 4 * LANES, t, 5 * LANES, LANES);
            if (out == null) {
                MemorySegment.copy(t, 0, p, JAVA_FLOAT, at, tail);
            } else {
                MemorySegment.copy(t, 2 * LANES, out, JAVA_FLOAT, at, tail);
            }
            MemorySegment.copy(t, 3 * LANES, m, JAVA_FLOAT, at, tail);
            MemorySegment.copy(t, 4 * LANES, v, JAVA_FLOAT, at, tail);
            if (amsGrad) {
                MemorySegment.copy(t, 5 * LANES, w, JAVA_FLOAT, at, tail);
            }
        }
    }

    /** The bf16-slot loop over whole vectors; the last partial vector through the staged form. */
    @Override
    public void step(Family family, StepScalars s, float[] p, int po, float[] g, int go, float[] out, int oo,
                     short[] m, int mo, short[] v, int vo, short[] w, int wo, int index, int n) {
        final int bound = SPECIES.loopBound(n);
        VectorBf16Steps.arrayLoop(family).run(s, p, po, g, go, out, oo, m, mo, v, vo, w, wo, index, bound);
        if (bound < n) {
            StepKernels.super.step(family, s, p, po + bound, g, go + bound, out, oo + bound, m, mo + bound,
                    v, vo + bound, w, wo + bound, index + bound, n - bound);
        }
    }

    @Override
    public void stepBf16(Family family, StepScalars s, MemorySegment p, MemorySegment g, MemorySegment out,
                         MemorySegment m, MemorySegment v, MemorySegment w, long from, int n) {
        final int bound = SPECIES.loopBound(n);
        VectorBf16Steps.segmentLoop(family).run(s, p, g, out, m, v, w, from, bound);
        if (bound < n) {
            StepKernels.super.stepBf16(family, s, p, g, out, m, v, w, from + bound, n - bound);
        }
    }

    /**
     * A kernel's unmasked loop over {@code n} elements, {@code n} a multiple of {@code LANES}.
     * The last partial vector runs through the same loop, copied into a scratch block of one vector
     * per array: the tail lanes get the same instructions as the rest, and the loop method holds
     * nothing but the vector loop (a scalar tail compiled into it would need its own registers for
     * every coefficient, and C2 then spills the loop's broadcasts).
     */
    @FunctionalInterface
    private interface Loop {
        void run(StepScalars s, float[] p, int po, float[] g, int go, float[] out, int oo,
                 float[] m, int mo, float[] v, int vo, float[] w, int wo, int n);
    }

    /** As {@link Loop}, over segments from byte offset {@code at} on. */
    @FunctionalInterface
    private interface SegmentLoop {
        void run(StepScalars s, MemorySegment p, MemorySegment g, MemorySegment out,
                 MemorySegment m, MemorySegment v, MemorySegment w, long at, int n);
    }

    private static Loop arrayLoop(Family family) {
        return switch (family) {
            case ADAM -> VectorArrayLoops::adam;
            case AMSGRAD -> VectorArrayLoops::amsGrad;
            case EADAM -> VectorArrayLoops::eadam;
            case ADA_BELIEF -> VectorArrayLoops::adaBelief;
            case ADAL -> VectorArrayLoops::adal;
        };
    }

    private static SegmentLoop segmentLoop(Family family) {
        return switch (family) {
            case ADAM -> VectorSegmentLoops::adam;
            case AMSGRAD -> VectorSegmentLoops::amsGrad;
            case EADAM -> VectorSegmentLoops::eadam;
            case ADA_BELIEF -> VectorSegmentLoops::adaBelief;
            case ADAL -> VectorSegmentLoops::adal;
        };
    }

    @Override
    public boolean gradInRange(StepScalars s, float[] p, int po, float[] g, int go, int n) {
        final FloatVector k = FloatVector.broadcast(SPECIES, s.gradScale);
        final FloatVector wd = FloatVector.broadcast(SPECIES, s.weightDecay);
        final FloatVector norm = FloatVector.broadcast(SPECIES, s.gradNormScale);
        final FloatVector scale = FloatVector.broadcast(SPECIES, ScalarStepKernels.SKIP_TEST_SCALE);
        final boolean scaled = s.gradScale != 1f, coupled = s.coupledDecay, normed = s.gradNormScale != 1f;
        final FloatVector zero = FloatVector.zero(SPECIES);
        // As the scalar kernel: (x·2^66)·0 is ±0 exactly while |x| < 2^62. Four quarters are read
        // side by side: four streams keep more cache misses in flight than one.
        FloatVector a0 = zero, a1 = zero, a2 = zero, a3 = zero;
        final int quarter = n / (4 * LANES) * LANES;
        for (int i = 0; i < quarter; i += LANES) {
            a0 = received(k, scaled, wd, coupled, norm, normed, p, po + i, g, go + i).mul(scale).fma(zero, a0);
            a1 = received(k, scaled, wd, coupled, norm, normed, p, po + quarter + i, g, go + quarter + i)
                    .mul(scale).fma(zero, a1);
            a2 = received(k, scaled, wd, coupled, norm, normed, p, po + 2 * quarter + i, g, go + 2 * quarter + i)
                    .mul(scale).fma(zero, a2);
            a3 = received(k, scaled, wd, coupled, norm, normed, p, po + 3 * quarter + i, g, go + 3 * quarter + i)
                    .mul(scale).fma(zero, a3);
        }
        int i = 4 * quarter;
        final int bound = SPECIES.loopBound(n);
        for (; i < bound; i += LANES) {
            a0 = received(k, scaled, wd, coupled, norm, normed, p, po + i, g, go + i).mul(scale).fma(zero, a0);
        }
        float rest = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
        return Float.isFinite(rest)
                && (i == n || ScalarStepKernels.INSTANCE.gradInRange(s, p, po + i, g, go + i, n - i));
    }

    /** As the step computes it: {@code g·k}, coupled decay, AdaL's norm; products by 1 are skipped (same bits). */
    private static FloatVector received(FloatVector k, boolean scaled, FloatVector wd, boolean coupled,
                                        FloatVector norm, boolean normed, float[] p, int pi, float[] g, int gi) {
        FloatVector x = FloatVector.fromArray(SPECIES, g, gi);
        if (scaled) {
            x = x.mul(k);
        }
        if (coupled) {
            x = wd.fma(FloatVector.fromArray(SPECIES, p, pi), x);
        }
        return normed ? norm.mul(x) : x;
    }

    @Override
    public float l1NormBlock(StepScalars s, float[] p, int po, float[] g, int go, int from, int to) {
        if (LANES < NORM_LANES) {
            return ScalarStepKernels.INSTANCE.l1NormBlock(s, p, po, g, go, from, to);
        }
        final FloatVector k = FloatVector.broadcast(NORM_SPECIES, s.gradScale);
        final FloatVector wd = FloatVector.broadcast(NORM_SPECIES, s.weightDecay);
        final boolean coupled = s.coupledDecay;
        // g·1 is g, so an unscaled gradient skips the product: same bits, one load port op less.
        final boolean scaled = s.gradScale != 1f;
        final FloatVector zero = FloatVector.zero(NORM_SPECIES);
        // Stripe j lives in lane j % 8 of accumulator j / 8: eight independent chains of adds.
        FloatVector a0 = zero, a1 = zero, a2 = zero, a3 = zero, a4 = zero, a5 = zero, a6 = zero, a7 = zero;
        final int fullEnd = from + ((to - from) & -NORM_STRIPES);
        int i = from;
        for (; i < fullEnd; i += NORM_STRIPES) {
            a0 = a0.add(absGrad(k, scaled, wd, coupled, p, po, g, go, i));
            a1 = a1.add(absGrad(k, scaled, wd, coupled, p, po, g, go, i + 8));
            a2 = a2.add(absGrad(k, scaled, wd, coupled, p, po, g, go, i + 16));
            a3 = a3.add(absGrad(k, scaled, wd, coupled, p, po, g, go, i + 24));
            a4 = a4.add(absGrad(k, scaled, wd, coupled, p, po, g, go, i + 32));
            a5 = a5.add(absGrad(k, scaled, wd, coupled, p, po, g, go, i + 40));
            a6 = a6.add(absGrad(k, scaled, wd, coupled, p, po, g, go, i + 48));
            a7 = a7.add(absGrad(k, scaled, wd, coupled, p, po, g, go, i + 56));
        }
        if (i < to) {
            // A partial last group adds one element to each of its first stripes: the same float
            // adds done lane by lane on the stripes spilled to scratch (masked loads here cost C2
            // its inlining budget and box vectors).
            float[] t = s.tailScratch(NORM_STRIPES);
            a0.intoArray(t, 0);
            a1.intoArray(t, 8);
            a2.intoArray(t, 16);
            a3.intoArray(t, 24);
            a4.intoArray(t, 32);
            a5.intoArray(t, 40);
            a6.intoArray(t, 48);
            a7.intoArray(t, 56);
            ScalarStepKernels.addAbsGrads(s, p, po + i, g, go + i, to - i, t);
            a0 = FloatVector.fromArray(NORM_SPECIES, t, 0);
            a1 = FloatVector.fromArray(NORM_SPECIES, t, 8);
            a2 = FloatVector.fromArray(NORM_SPECIES, t, 16);
            a3 = FloatVector.fromArray(NORM_SPECIES, t, 24);
            a4 = FloatVector.fromArray(NORM_SPECIES, t, 32);
            a5 = FloatVector.fromArray(NORM_SPECIES, t, 40);
            a6 = FloatVector.fromArray(NORM_SPECIES, t, 48);
            a7 = FloatVector.fromArray(NORM_SPECIES, t, 56);
        }
        // The halving tree: h = 32, 16, 8 across accumulators, then 4, 2, 1 across lanes.
        FloatVector x = a0.add(a4).add(a2.add(a6)).add(a1.add(a5).add(a3.add(a7)));
        for (int h = NORM_LANES / 2; h > 0; h /= 2) {
            x = x.add(x.slice(h));
        }
        return x.lane(0);
    }

    private static FloatVector absGrad(FloatVector k, boolean scaled, FloatVector wd, boolean coupled,
                                       float[] p, int po, float[] g, int go, int i) {
        FloatVector gi = FloatVector.fromArray(NORM_SPECIES, g, go + i);
        if (scaled) {
            gi = gi.mul(k);
        }
        if (coupled) {
            gi = wd.fma(FloatVector.fromArray(NORM_SPECIES, p, po + i), gi);
        }
        return gi.abs();
    }
}
