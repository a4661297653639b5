package io.github.fusedopt.kernel;

/**
 * One fused step per optimizer family over {@code float} arrays, with the per-step scalars given
 * in a {@link StepScalars}.
 *
 * <p>Every method works on {@code n} elements: parameters {@code p[po + i]}, gradients
 * {@code g[go + i]} (read only) and the state's moments {@code m[i]}, {@code v[i]}. All
 * implementations perform, per element, exactly the float operations below in this order, so they
 * agree bit for bit ({@code fma(a, b, c)} is {@code a·b + c} rounded once; {@code √} is correctly
 * rounded; {@code S} names the fields of {@link StepScalars}):
 *
 * <pre>
 * preprocess:  g ← g·S.gradScale
 *              coupled decay:    g ← fma(S.weightDecay, p, g)
 *              decoupled decay:  p ← p·S.decayFactor
 * adam:        m ← fma(β1, m, c1·g)            v ← fma(c2·g, g, β2·v)
 *              p ← fma(−S.stepSize, m / fma(√v, S.invSqrtBc2, ε), p)
 * eadam:       m ← fma(β1, m, c1·g)            v ← fma(c2·g, g, β2·v) + ε
 *              p ← fma(−S.stepSize, m / √v, p)
 * adaBelief:   m ← fma(β1, m, c1·g)   d ← g − m   v ← fma(c2·d, d, β2·v) + ε
 *              p ← fma(−S.stepSize, m / fma(√v, S.invSqrtBc2, ε), p)
 * adal:        g ← S.gradNormScale·g
 *              m ← fma(β1, m, c1·g)            v ← fma(c2·g, g, β2·v)
 *              q ← (v == 0 ? 0 : S.sqrtBc2 / √v)
 *              p ← fma(−S.stepSize, m·(q + ε), p)
 * </pre>
 * with {@code c1 = S.gradCoeff} and {@code c2 = S.gradSquareCoeff}. A kernel may skip a product
 * with {@code S.gradScale = 1}: it changes no value (NaN payloads aside, which the kernels do not
 * promise to keep).
 *
 * <p>{@link #gradL1Norm} sums {@code |g|} (after preprocessing) in a fixed order that does not
 * depend on the implementation, the vector width or the caller; see its documentation.
 */
public interface StepKernels {

    /** Elements per block of the {@code ‖g‖₁} summation. */
    int NORM_BLOCK = 4096;

    /**
     * Interleaved partial sums inside one block: 64, so that each stripe adds only 16 elements per
     * block and eight 8-lane chains of adds run side by side.
     */
    int NORM_STRIPES = 64;

    /** Elements per chunk: block sums are added in {@code double} chunk by chunk. */
    int NORM_CHUNK = 65_536;

    /** Short name of the implementation, {@code "vector"} or {@code "scalar"}. */
    String name();

    /** Float lanes processed per instruction: 1 for the scalar kernels. */
    int lanes();

    /** Adam and AdamW. */
    void adam(StepScalars s, float[] p, int po, float[] g, int go, float[] m, float[] v, int n);

    /** EAdam and AdamL (AdamL's loss scale is folded into {@code S.gradSquareCoeff}). */
    void eadam(StepScalars s, float[] p, int po, float[] g, int go, float[] m, float[] v, int n);

    /** AdaBelief; {@code v} holds its {@code s}. */
    void adaBelief(StepScalars s, float[] p, int po, float[] g, int go, float[] m, float[] v, int n);

    /** AdaL, with {@code S.gradNormScale} already set to {@code ‖g‖₁}. */
    void adal(StepScalars s, float[] p, int po, float[] g, int go, float[] m, float[] v, int n);

    /**
     * The float sum of {@code |g|} (preprocessed) over one block {@code [from, to)}, where
     * {@code from} is a multiple of {@link #NORM_BLOCK} and {@code to − from ≤ NORM_BLOCK}:
     * element {@code i} goes into stripe {@code (i − from) mod 64}, each stripe adds its elements in
     * index order starting from {@code +0}, and the 64 stripe sums {@code s[0..63]} are combined by
     * halving: {@code s[j] ← s[j] + s[j + h]} for {@code h = 32, 16, 8, 4, 2, 1}; the result is
     * {@code s[0]}.
     */
    float l1NormBlock(StepScalars s, float[] p, int po, float[] g, int go, int from, int to);

    /**
     * {@code ‖g‖₁} of the preprocessed gradient (scale and coupled decay applied), in a fixed
     * summation order: block sums ({@link #l1NormBlock}) are added in {@code double}, in order,
     * within each chunk of {@link #NORM_CHUNK} elements, and the chunk sums are added in
     * {@code double}, in order. The result is the same bits for every implementation.
     */
    default double gradL1Norm(StepScalars s, float[] p, int po, float[] g, int go, int n) {
        double total = 0;
        for (int chunk = 0; chunk < n; ) {
            int chunkEnd = n - chunk <= NORM_CHUNK ? n : chunk + NORM_CHUNK;
            double chunkSum = 0;
            for (int block = chunk; block < chunkEnd; ) {
                int blockEnd = chunkEnd - block <= NORM_BLOCK ? chunkEnd : block + NORM_BLOCK;
                chunkSum += l1NormBlock(s, p, po, g, go, block, blockEnd);
                block = blockEnd;
            }
            total += chunkSum;
            chunk = chunkEnd;
        }
        return total;
    }
}
