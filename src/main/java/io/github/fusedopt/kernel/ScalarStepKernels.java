package io.github.fusedopt.kernel;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * Plain loops: the kernels that always work, the bit-exact mirror of the vector kernels, and their
 * tail. Each loop performs the operations documented in {@link StepKernels}, in that order.
 */
public final class ScalarStepKernels implements StepKernels {

    /** The single instance. */
    public static final ScalarStepKernels INSTANCE = new ScalarStepKernels();

    private ScalarStepKernels() {
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public int lanes() {
        return 1;
    }

    /**
     * Element {@code i} of {@code m} is element {@code i + d} of each other array, {@code d} its
     * distance. Each family's loop calls one method per element; when every distance is 0 (whole
     * arrays, or slices at one offset) it calls it with one index for all arrays, which no aliasing
     * between them can turn into a dependence across iterations, and C2 vectorises that loop itself.
     * With distances it cannot know, it keeps the loop scalar.
     */
    @Override
    public void step(Family family, StepScalars s, float[] p, int po, float[] g, int go, float[] out, int oo,
                     float[] m, int mo, float[] v, int vo, float[] w, int wo, int n) {
        int pd = po - mo;
        int gd = go - mo;
        int od = out == null ? 0 : oo - mo;
        int vd = vo - mo;
        int wd = w == null ? 0 : wo - mo;
        boolean sameIndex = (pd | gd | od | vd | wd) == 0;
        int to = mo + n;
        switch (family) {
            case ADAM -> {
                if (sameIndex) {
                    for (int i = mo; i < to; i++) adam(s, p, i, g, i, out, i, m, i, v, i);
                } else {
                    for (int i = mo; i < to; i++) adam(s, p, pd + i, g, gd + i, out, od + i, m, i, v, vd + i);
                }
            }
            case AMSGRAD -> {
                if (sameIndex) {
                    for (int i = mo; i < to; i++) amsGrad(s, p, i, g, i, out, i, m, i, v, i, w, i);
                } else {
                    for (int i = mo; i < to; i++) {
                        amsGrad(s, p, pd + i, g, gd + i, out, od + i, m, i, v, vd + i, w, wd + i);
                    }
                }
            }
            case EADAM -> {
                if (sameIndex) {
                    for (int i = mo; i < to; i++) eadam(s, p, i, g, i, out, i, m, i, v, i);
                } else {
                    for (int i = mo; i < to; i++) eadam(s, p, pd + i, g, gd + i, out, od + i, m, i, v, vd + i);
                }
            }
            case ADA_BELIEF -> {
                if (sameIndex) {
                    for (int i = mo; i < to; i++) adaBelief(s, p, i, g, i, out, i, m, i, v, i);
                } else {
                    for (int i = mo; i < to; i++) adaBelief(s, p, pd + i, g, gd + i, out, od + i, m, i, v, vd + i);
                }
            }
            case ADAL -> {
                if (sameIndex) {
                    for (int i = mo; i < to; i++) adal(s, p, i, g, i, out, i, m, i, v, i);
                } else {
                    for (int i = mo; i < to; i++) adal(s, p, pd + i, g, gd + i, out, od + i, m, i, v, vd + i);
                }
            }
        }
    }

    /**
     * Segments are stepped block by block through scratch arrays, by the array loops: the same
     * operations on the same values, so the same bits.
     */
    @Override
    public void step(Family family, StepScalars s, MemorySegment p, MemorySegment g, MemorySegment out,
                     MemorySegment m, MemorySegment v, MemorySegment w, long from, int n) {
        float[][] t = s.blockScratch();
        boolean amsGrad = family == Family.AMSGRAD;
        for (int done = 0; done < n; done += NORM_BLOCK) {
            int len = Math.min(NORM_BLOCK, n - done);
            long at = (from + done) * Float.BYTES;
            MemorySegment.copy(p, JAVA_FLOAT, at, t[0], 0, len);
            MemorySegment.copy(g, JAVA_FLOAT, at, t[1], 0, len);
            MemorySegment.copy(m, JAVA_FLOAT, at, t[3], 0, len);
            MemorySegment.copy(v, JAVA_FLOAT, at, t[4], 0, len);
            if (amsGrad) {
                MemorySegment.copy(w, JAVA_FLOAT, at, t[5], 0, len);
            }
            step(family, s, t[0], 0, t[1], 0, out == null ? null : t[2], 0, t[3], 0, t[4], 0, t[5], 0, len);
            if (out == null) {
                MemorySegment.copy(t[0], 0, p, JAVA_FLOAT, at, len);
            } else {
                MemorySegment.copy(t[2], 0, out, JAVA_FLOAT, at, len);
            }
            MemorySegment.copy(t[3], 0, m, JAVA_FLOAT, at, len);
            MemorySegment.copy(t[4], 0, v, JAVA_FLOAT, at, len);
            if (amsGrad) {
                MemorySegment.copy(t[5], 0, w, JAVA_FLOAT, at, len);
            }
        }
    }

    // One element of each family. The per-step scalars are read from s in every call; C2 hoists
    // the loads out of the loop (no store in it reaches an object field).

    private static void adam(StepScalars s, float[] p, int pi, float[] g, int gi, float[] out, int oi,
                             float[] m, int mi, float[] v, int vi) {
        float pe = p[pi];
        float ge = g[gi] * s.gradScale;
        if (s.coupledDecay) ge = Math.fma(s.weightDecay, pe, ge);
        float me = Math.fma(s.beta1, m[mi], s.gradCoeff * ge);
        float ve = Math.fma(s.gradSquareCoeff * ge, ge, s.beta2 * v[vi]);
        m[mi] = me;
        v[vi] = ve;
        finish(s, p, pi, pe, out, oi, s.stepSize * (me / Math.fma((float) Math.sqrt(ve), s.invSqrtBc2, s.eps)));
    }

    private static void amsGrad(StepScalars s, float[] p, int pi, float[] g, int gi, float[] out, int oi,
                                float[] m, int mi, float[] v, int vi, float[] w, int wi) {
        float pe = p[pi];
        float ge = g[gi] * s.gradScale;
        if (s.coupledDecay) ge = Math.fma(s.weightDecay, pe, ge);
        float me = Math.fma(s.beta1, m[mi], s.gradCoeff * ge);
        float ve = Math.fma(s.gradSquareCoeff * ge, ge, s.beta2 * v[vi]);
        float we = Math.max(w[wi], ve);
        m[mi] = me;
        v[vi] = ve;
        w[wi] = we;
        finish(s, p, pi, pe, out, oi, s.stepSize * (me / Math.fma((float) Math.sqrt(we), s.invSqrtBc2, s.eps)));
    }

    private static void eadam(StepScalars s, float[] p, int pi, float[] g, int gi, float[] out, int oi,
                              float[] m, int mi, float[] v, int vi) {
        float pe = p[pi];
        float ge = g[gi] * s.gradScale;
        if (s.coupledDecay) ge = Math.fma(s.weightDecay, pe, ge);
        float me = Math.fma(s.beta1, m[mi], s.gradCoeff * ge);
        float ve = Math.fma(s.gradSquareCoeff * ge, ge, s.beta2 * v[vi]) + s.eps;
        m[mi] = me;
        v[vi] = ve;
        finish(s, p, pi, pe, out, oi, s.stepSize * (me / (float) Math.sqrt(ve)));
    }

    private static void adaBelief(StepScalars s, float[] p, int pi, float[] g, int gi, float[] out, int oi,
                                  float[] m, int mi, float[] v, int vi) {
        float pe = p[pi];
        float ge = g[gi] * s.gradScale;
        if (s.coupledDecay) ge = Math.fma(s.weightDecay, pe, ge);
        float me = Math.fma(s.beta1, m[mi], s.gradCoeff * ge);
        float de = ge - me;
        float ve = Math.fma(s.gradSquareCoeff * de, de, s.beta2 * v[vi]) + s.eps;
        m[mi] = me;
        v[vi] = ve;
        finish(s, p, pi, pe, out, oi, s.stepSize * (me / Math.fma((float) Math.sqrt(ve), s.invSqrtBc2, s.eps)));
    }

    private static void adal(StepScalars s, float[] p, int pi, float[] g, int gi, float[] out, int oi,
                             float[] m, int mi, float[] v, int vi) {
        float pe = p[pi];
        float ge = g[gi] * s.gradScale;
        if (s.coupledDecay) ge = Math.fma(s.weightDecay, pe, ge);
        ge = s.gradNormScale * ge;
        float me = Math.fma(s.beta1, m[mi], s.gradCoeff * ge);
        float ve = Math.fma(s.gradSquareCoeff * ge, ge, s.beta2 * v[vi]);
        m[mi] = me;
        v[vi] = ve;
        float q = ve == 0f ? 0f : s.sqrtBc2 / (float) Math.sqrt(ve);
        finish(s, p, pi, pe, out, oi, s.stepSize * (me * (q + s.eps)));
    }

    /** The tail every family shares: decoupled decay into {@code u}, then {@code p − u} or the output. */
    private static void finish(StepScalars s, float[] p, int pi, float pe, float[] out, int oi, float u) {
        if (s.decoupledDecay) u = Math.fma(s.decayRate, pe, u);
        if (out != null) out[oi] = u; else p[pi] = pe - u;
    }

    /** {@link StepKernels#SKIP_BOUND} times this is 2^128: it overflows exactly for the values out of range. */
    static final float SKIP_TEST_SCALE = 0x1p66f;

    @Override
    public boolean gradInRange(StepScalars s, float[] p, int po, float[] g, int go, int n) {
        // (x·2^66)·0 is ±0 when |x| < 2^62 and NaN otherwise (x·2^66 is exact below the bound and ∞
        // from it on), so each sum stays finite exactly while every x is in range. Four sums keep
        // four independent chains.
        float a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            a0 = Math.fma(received(s, p, po + i, g, go + i) * SKIP_TEST_SCALE, 0f, a0);
            a1 = Math.fma(received(s, p, po + i + 1, g, go + i + 1) * SKIP_TEST_SCALE, 0f, a1);
            a2 = Math.fma(received(s, p, po + i + 2, g, go + i + 2) * SKIP_TEST_SCALE, 0f, a2);
            a3 = Math.fma(received(s, p, po + i + 3, g, go + i + 3) * SKIP_TEST_SCALE, 0f, a3);
        }
        for (; i < n; i++) {
            a0 = Math.fma(received(s, p, po + i, g, go + i) * SKIP_TEST_SCALE, 0f, a0);
        }
        return Float.isFinite(a0 + a1 + a2 + a3);
    }

    /** One gradient element as the moments receive it: scaled, coupled decay, AdaL's norm. */
    private static float received(StepScalars s, float[] p, int pi, float[] g, int gi) {
        float x = g[gi] * s.gradScale;
        if (s.coupledDecay) x = Math.fma(s.weightDecay, p[pi], x);
        return s.gradNormScale * x;
    }

    @Override
    public float l1NormBlock(StepScalars s, float[] p, int po, float[] g, int go, int from, int to) {
        return combineStripes(s, p, po + from, g, go + from, to - from, 0, 1);
    }

    /** The halving tree of {@link StepKernels#l1NormBlock}: lane {@code j} at width {@code h}. */
    private static float combineStripes(StepScalars s, float[] p, int po, float[] g, int go, int len,
                                        int stripe, int h) {
        if (h == NORM_STRIPES) {
            return stripeSum(s, p, po, g, go, len, stripe);
        }
        return combineStripes(s, p, po, g, go, len, stripe, 2 * h)
                + combineStripes(s, p, po, g, go, len, stripe + h, 2 * h);
    }

    private static float stripeSum(StepScalars s, float[] p, int po, float[] g, int go, int len, int stripe) {
        final float k = s.gradScale, wd = s.weightDecay;
        final boolean coupled = s.coupledDecay;
        float sum = 0f;
        for (int i = stripe; i < len; i += NORM_STRIPES) {
            sum += absGrad(k, coupled, wd, p[po + i], g[go + i]);
        }
        return sum;
    }

    /** {@code stripes[j] += |g'[j]|} for {@code j < count}: the norm's adds for a partial group. */
    static void addAbsGrads(StepScalars s, float[] p, int po, float[] g, int go, int count, float[] stripes) {
        final float k = s.gradScale, wd = s.weightDecay;
        final boolean coupled = s.coupledDecay;
        for (int j = 0; j < count; j++) {
            stripes[j] += absGrad(k, coupled, wd, p[po + j], g[go + j]);
        }
    }

    private static float absGrad(float k, boolean coupled, float wd, float p, float g) {
        float gi = g * k;
        if (coupled) gi = Math.fma(wd, p, gi);
        return Math.abs(gi);
    }
}
