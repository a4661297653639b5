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
     * distance. When every distance is 0 (whole arrays, or slices at one offset) the first call
     * passes them as constants: C2 then sees one index for all arrays, which no aliasing between
     * them can turn into a dependence across iterations, and vectorises the loop itself. With
     * distances it cannot know, it keeps the loop scalar.
     */
    @Override
    public void step(Family family, StepScalars s, float[] p, int po, float[] g, int go, float[] out, int oo,
                     float[] m, int mo, float[] v, int vo, float[] w, int wo, int n) {
        if (po == mo && go == mo && vo == mo && (out == null || oo == mo) && (w == null || wo == mo)) {
            loop(family, s, p, g, out, m, v, w, 0, 0, 0, 0, 0, mo, mo + n);
        } else {
            loop(family, s, p, g, out, m, v, w, po - mo, go - mo, oo - mo, vo - mo, wo - mo, mo, mo + n);
        }
    }

    private static void loop(Family family, StepScalars s, float[] p, float[] g, float[] out, float[] m, float[] v,
                             float[] w, int pd, int gd, int od, int vd, int wd, int from, int to) {
        switch (family) {
            case ADAM -> adam(s, p, g, out, m, v, pd, gd, od, vd, from, to);
            case AMSGRAD -> amsGrad(s, p, g, out, m, v, w, pd, gd, od, vd, wd, from, to);
            case EADAM -> eadam(s, p, g, out, m, v, pd, gd, od, vd, from, to);
            case ADA_BELIEF -> adaBelief(s, p, g, out, m, v, pd, gd, od, vd, from, to);
            case ADAL -> adal(s, p, g, out, m, v, pd, gd, od, vd, from, to);
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
            loop(family, s, t[0], t[1], out == null ? null : t[2], t[3], t[4], t[5], 0, 0, 0, 0, 0, 0, len);
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

    private static void adam(StepScalars s, float[] p, float[] g, float[] out, float[] m, float[] v,
                             int pd, int gd, int od, int vd, int from, int to) {
        final float k = s.gradScale, lambda = s.weightDecay, rate = s.decayRate;
        final boolean coupled = s.coupledDecay, decoupled = s.decoupledDecay, toOut = out != null;
        final float b1 = s.beta1, c1 = s.gradCoeff, b2 = s.beta2, c2 = s.gradSquareCoeff, eps = s.eps;
        final float invSqrtBc2 = s.invSqrtBc2, step = s.stepSize;
        for (int i = from; i < to; i++) {
            float pi = p[pd + i];
            float gi = g[gd + i] * k;
            if (coupled) gi = Math.fma(lambda, pi, gi);
            float mi = Math.fma(b1, m[i], c1 * gi);
            float vi = Math.fma(c2 * gi, gi, b2 * v[vd + i]);
            m[i] = mi;
            v[vd + i] = vi;
            float u = step * (mi / Math.fma((float) Math.sqrt(vi), invSqrtBc2, eps));
            if (decoupled) u = Math.fma(rate, pi, u);
            if (toOut) out[od + i] = u; else p[pd + i] = pi - u;
        }
    }

    private static void amsGrad(StepScalars s, float[] p, float[] g, float[] out, float[] m, float[] v,
                                float[] w, int pd, int gd, int od, int vd, int wd, int from, int to) {
        final float k = s.gradScale, lambda = s.weightDecay, rate = s.decayRate;
        final boolean coupled = s.coupledDecay, decoupled = s.decoupledDecay, toOut = out != null;
        final float b1 = s.beta1, c1 = s.gradCoeff, b2 = s.beta2, c2 = s.gradSquareCoeff, eps = s.eps;
        final float invSqrtBc2 = s.invSqrtBc2, step = s.stepSize;
        for (int i = from; i < to; i++) {
            float pi = p[pd + i];
            float gi = g[gd + i] * k;
            if (coupled) gi = Math.fma(lambda, pi, gi);
            float mi = Math.fma(b1, m[i], c1 * gi);
            float vi = Math.fma(c2 * gi, gi, b2 * v[vd + i]);
            float wi = Math.max(w[wd + i], vi);
            m[i] = mi;
            v[vd + i] = vi;
            w[wd + i] = wi;
            float u = step * (mi / Math.fma((float) Math.sqrt(wi), invSqrtBc2, eps));
            if (decoupled) u = Math.fma(rate, pi, u);
            if (toOut) out[od + i] = u; else p[pd + i] = pi - u;
        }
    }

    private static void eadam(StepScalars s, float[] p, float[] g, float[] out, float[] m, float[] v,
                              int pd, int gd, int od, int vd, int from, int to) {
        final float k = s.gradScale, lambda = s.weightDecay, rate = s.decayRate;
        final boolean coupled = s.coupledDecay, decoupled = s.decoupledDecay, toOut = out != null;
        final float b1 = s.beta1, c1 = s.gradCoeff, b2 = s.beta2, c2 = s.gradSquareCoeff, eps = s.eps;
        final float step = s.stepSize;
        for (int i = from; i < to; i++) {
            float pi = p[pd + i];
            float gi = g[gd + i] * k;
            if (coupled) gi = Math.fma(lambda, pi, gi);
            float mi = Math.fma(b1, m[i], c1 * gi);
            float vi = Math.fma(c2 * gi, gi, b2 * v[vd + i]) + eps;
            m[i] = mi;
            v[vd + i] = vi;
            float u = step * (mi / (float) Math.sqrt(vi));
            if (decoupled) u = Math.fma(rate, pi, u);
            if (toOut) out[od + i] = u; else p[pd + i] = pi - u;
        }
    }

    private static void adaBelief(StepScalars s, float[] p, float[] g, float[] out, float[] m, float[] v,
                                  int pd, int gd, int od, int vd, int from, int to) {
        final float k = s.gradScale, lambda = s.weightDecay, rate = s.decayRate;
        final boolean coupled = s.coupledDecay, decoupled = s.decoupledDecay, toOut = out != null;
        final float b1 = s.beta1, c1 = s.gradCoeff, b2 = s.beta2, c2 = s.gradSquareCoeff, eps = s.eps;
        final float invSqrtBc2 = s.invSqrtBc2, step = s.stepSize;
        for (int i = from; i < to; i++) {
            float pi = p[pd + i];
            float gi = g[gd + i] * k;
            if (coupled) gi = Math.fma(lambda, pi, gi);
            float mi = Math.fma(b1, m[i], c1 * gi);
            float di = gi - mi;
            float vi = Math.fma(c2 * di, di, b2 * v[vd + i]) + eps;
            m[i] = mi;
            v[vd + i] = vi;
            float u = step * (mi / Math.fma((float) Math.sqrt(vi), invSqrtBc2, eps));
            if (decoupled) u = Math.fma(rate, pi, u);
            if (toOut) out[od + i] = u; else p[pd + i] = pi - u;
        }
    }

    private static void adal(StepScalars s, float[] p, float[] g, float[] out, float[] m, float[] v,
                             int pd, int gd, int od, int vd, int from, int to) {
        final float k = s.gradScale, lambda = s.weightDecay, rate = s.decayRate, norm = s.gradNormScale;
        final boolean coupled = s.coupledDecay, decoupled = s.decoupledDecay, toOut = out != null;
        final float b1 = s.beta1, c1 = s.gradCoeff, b2 = s.beta2, c2 = s.gradSquareCoeff, eps = s.eps;
        final float sqrtBc2 = s.sqrtBc2, step = s.stepSize;
        for (int i = from; i < to; i++) {
            float pi = p[pd + i];
            float gi = g[gd + i] * k;
            if (coupled) gi = Math.fma(lambda, pi, gi);
            gi = norm * gi;
            float mi = Math.fma(b1, m[i], c1 * gi);
            float vi = Math.fma(c2 * gi, gi, b2 * v[vd + i]);
            m[i] = mi;
            v[vd + i] = vi;
            float q = vi == 0f ? 0f : sqrtBc2 / (float) Math.sqrt(vi);
            float u = step * (mi * (q + eps));
            if (decoupled) u = Math.fma(rate, pi, u);
            if (toOut) out[od + i] = u; else p[pd + i] = pi - u;
        }
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
