package io.github.fusedopt.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One fused step per optimizer family, over {@code float} arrays or memory segments, with the
 * per-step scalars given in a {@link StepScalars}.
 *
 * <p>Every step works on {@code n} elements: parameters {@code p}, gradients {@code g} (read
 * only), and the state's slots: the moments {@code m}, {@code v} and, for AMSGrad, the running
 * maximum {@code w} of {@code v}. All implementations perform, per element, exactly the float
 * operations below in this order, so they agree bit for bit, on arrays and on segments
 * ({@code fma(a, b, c)} is {@code a·b + c} rounded once; {@code √} is correctly rounded;
 * {@code max} is {@link Math#max(float, float)}; {@code S} names the fields of {@link StepScalars}):
 *
 * <pre>
 * preprocess:  g ← g·S.gradScale
 *              coupled decay:    g ← fma(S.weightDecay, p, g)
 * adam:        m ← fma(β1, m, c1·g)            v ← fma(c2·g, g, β2·v)
 *              r ← m / fma(√v, S.invSqrtBc2, ε)
 * amsgrad:     m ← fma(β1, m, c1·g)            v ← fma(c2·g, g, β2·v)     w ← max(w, v)
 *              r ← m / fma(√w, S.invSqrtBc2, ε)
 * eadam:       m ← fma(β1, m, c1·g)            v ← fma(c2·g, g, β2·v) + ε
 *              r ← m / √v
 * adaBelief:   m ← fma(β1, m, c1·g)   d ← g − m   v ← fma(c2·d, d, β2·v) + ε
 *              r ← m / fma(√v, S.invSqrtBc2, ε)
 * adal:        g ← S.gradNormScale·g
 *              m ← fma(β1, m, c1·g)            v ← fma(c2·g, g, β2·v)
 *              q ← (v == 0 ? 0 : S.sqrtBc2 / √v)
 *              r ← m·(q + ε)
 * update:      u ← S.stepSize·r
 *              decoupled decay:  u ← fma(S.decayRate, p, u)
 *              in place: p ← p − u          update output: out ← u (p untouched)
 * </pre>
 * with {@code c1 = S.gradCoeff} and {@code c2 = S.gradSquareCoeff}. The last operation of an
 * in-place step is {@code p − u}, so a caller that subtracts an update-output step's {@code u} from
 * {@code p} in float gets the in-place step's parameters bit for bit. A kernel may skip a product
 * with {@code S.gradScale = 1}: it changes no value (NaN payloads aside, which the kernels do not
 * promise to keep).
 *
 * <p>Segments hold floats in native byte order, are at least 4-byte aligned, and are indexed by
 * element: the segment forms work on elements {@code [from, from + n)} of every segment.
 *
 * <p>{@link #gradL1Norm} sums {@code |g|} (after preprocessing) in a fixed order that does not
 * depend on the implementation, the vector width, the storage or the caller; see its documentation.
 *
 * <p>A {@link StepScalars} carries scratch space, so one instance serves one thread at a time.
 */
public interface StepKernels {

    /** The element-wise updates; each optimizer runs one of them. */
    enum Family {
        /** Adam and AdamW. */
        ADAM(2),
        /** AMSGrad: Adam with a third slot, the running maximum of {@code v}. */
        AMSGRAD(3),
        /** EAdam and AdamL (AdamL's loss scale is folded into {@code S.gradSquareCoeff}). */
        EADAM(2),
        /** AdaBelief; {@code v} holds its {@code s}. */
        ADA_BELIEF(2),
        /** AdaL, with {@code S.gradNormScale} already set to {@code ‖g‖₁}. */
        ADAL(2);

        private final int slots;

        Family(int slots) {
            this.slots = slots;
        }

        /** {@return the number of state slots per element: {@code m}, {@code v} and, for AMSGrad, {@code w}} */
        public int slots() {
            return slots;
        }
    }

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

    /**
     * One step of {@code family} over array slices: for {@code 0 ≤ i < n}, {@code p[po + i]},
     * {@code g[go + i]} and the slots {@code m[mo + i]}, {@code v[vo + i]} and, for AMSGrad,
     * {@code w[wo + i]} ({@code w} is not read otherwise and may be null).
     *
     * @param out where the update goes, {@code out[oo + i]}; null to move {@code p} in place. It
     *        may be {@code g} at {@code go}; it overlaps nothing else.
     */
    void step(Family family, StepScalars s, float[] p, int po, float[] g, int go, float[] out, int oo,
              float[] m, int mo, float[] v, int vo, float[] w, int wo, int n);

    /**
     * One step of {@code family} over elements {@code [from, from + n)} of every segment.
     *
     * @param out where the update goes; null to move {@code p} in place. It may be {@code g}.
     * @param w AMSGrad's running maximum; not read otherwise, and may be null
     */
    void step(Family family, StepScalars s, MemorySegment p, MemorySegment g, MemorySegment out,
              MemorySegment m, MemorySegment v, MemorySegment w, long from, int n);

    /**
     * One step of {@code family} over array slices whose slots hold bf16 values: each slot value is
     * widened exactly, the float operations above run unchanged, and each new slot value is rounded
     * once as it is stored, stochastically with the element's random bits ({@code m} with their low
     * 16, {@code v} and {@code w} with their high 16; see {@link StepScalars#rounding}). The update
     * uses the unrounded values. This form stages blocks of the slots in float scratch and runs the
     * float step on them: the same operations on the same values, so the same bits as a kernel that
     * widens and rounds in registers.
     *
     * @param index the index in its tensor of element 0, which keys the elements' random bits
     */
    default void step(Family family, StepScalars s, float[] p, int po, float[] g, int go, float[] out, int oo,
                      short[] m, int mo, short[] v, int vo, short[] w, int wo, int index, int n) {
        float[][] t = s.blockScratch();
        boolean amsGrad = family == Family.AMSGRAD;
        for (int done = 0; done < n; done += NORM_BLOCK) {
            int len = Math.min(NORM_BLOCK, n - done);
            Bf16.widen(m, mo + done, t[3], 0, len);
            Bf16.widen(v, vo + done, t[4], 0, len);
            if (amsGrad) {
                Bf16.widen(w, wo + done, t[5], 0, len);
            }
            step(family, s, p, po + done, g, go + done, out, oo + done, t[3], 0, t[4], 0, t[5], 0, len);
            Bf16.round(t[3], 0, m, mo + done, len, s.roundingKey, index + done, Bf16.M_BITS);
            Bf16.round(t[4], 0, v, vo + done, len, s.roundingKey, index + done, Bf16.V_BITS);
            if (amsGrad) {
                Bf16.round(t[5], 0, w, wo + done, len, s.roundingKey, index + done, Bf16.V_BITS);
            }
        }
    }

    /**
     * {@link #step(Family, StepScalars, float[], int, float[], int, float[], int, short[], int, short[],
     * int, short[], int, int, int) The bf16 step} over elements {@code [from, from + n)} of every
     * segment: floats for {@code p}, {@code g} and {@code out}, bf16 values for the slots, both in
     * native byte order; {@code from + i} is element {@code i}'s index in its tensor.
     */
    default void stepBf16(Family family, StepScalars s, MemorySegment p, MemorySegment g, MemorySegment out,
                          MemorySegment m, MemorySegment v, MemorySegment w, long from, int n) {
        float[][] t = s.blockScratch();
        boolean amsGrad = family == Family.AMSGRAD;
        for (int done = 0; done < n; done += NORM_BLOCK) {
            int len = Math.min(NORM_BLOCK, n - done);
            long e = from + done;
            MemorySegment.copy(p, ValueLayout.JAVA_FLOAT, e * Float.BYTES, t[0], 0, len);
            MemorySegment.copy(g, ValueLayout.JAVA_FLOAT, e * Float.BYTES, t[1], 0, len);
            Bf16.widen(m, e, t[3], len);
            Bf16.widen(v, e, t[4], len);
            if (amsGrad) {
                Bf16.widen(w, e, t[5], len);
            }
            step(family, s, t[0], 0, t[1], 0, out == null ? null : t[2], 0, t[3], 0, t[4], 0, t[5], 0, len);
            MemorySegment.copy(out == null ? t[0] : t[2], 0, out == null ? p : out, ValueLayout.JAVA_FLOAT,
                    e * Float.BYTES, len);
            Bf16.round(t[3], m, e, len, s.roundingKey, Bf16.M_BITS);
            Bf16.round(t[4], v, e, len, s.roundingKey, Bf16.V_BITS);
            if (amsGrad) {
                Bf16.round(t[5], w, e, len, s.roundingKey, Bf16.V_BITS);
            }
        }
    }

    /**
     * The skip policy's bound: an element of the gradient as the moments receive it must be
     * smaller than this in magnitude. Below it, squares and differences of such values stay within
     * float range: {@code (x − m)² < 2^126} whenever {@code |x|, |m| < 2^62}.
     */
    float SKIP_BOUND = 0x1p62f;

    /**
     * Whether every element {@code x} of the gradient as the moments receive it is finite and
     * smaller than {@link #SKIP_BOUND} in magnitude: the test of the skip-non-finite policy. For
     * {@code 0 ≤ i < n}, {@code x = g[go + i]·S.gradScale}, then {@code fma(S.weightDecay, p[po + i], x)}
     * with coupled decay, then {@code S.gradNormScale·x} (AdaL's {@code ‖g‖₁}; 1 for every other rule):
     * exactly the operations of a step, so the answer is about the values the step would use. The
     * parameters are read only with coupled decay. The answer does not depend on the order in which
     * elements are examined.
     */
    boolean gradInRange(StepScalars s, float[] p, int po, float[] g, int go, int n);

    /**
     * {@link #gradInRange(StepScalars, float[], int, float[], int, int)} over elements
     * {@code [from, from + n)} of two segments, block by block through scratch.
     */
    default boolean gradInRange(StepScalars s, MemorySegment p, MemorySegment g, long from, long n) {
        float[][] scratch = s.blockScratch();
        for (long block = from; block < from + n; block += NORM_BLOCK) {
            int len = (int) Math.min(NORM_BLOCK, from + n - block);
            MemorySegment.copy(g, ValueLayout.JAVA_FLOAT, block * Float.BYTES, scratch[1], 0, len);
            if (s.coupledDecay) {
                MemorySegment.copy(p, ValueLayout.JAVA_FLOAT, block * Float.BYTES, scratch[0], 0, len);
            }
            if (!gradInRange(s, scratch[0], 0, scratch[1], 0, len)) {
                return false;
            }
        }
        return true;
    }

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
     * summation order: the chunk sums ({@link #chunkL1Norm}) of consecutive chunks of
     * {@link #NORM_CHUNK} elements are added in {@code double}, in order, starting from 0. The
     * result is the same bits for every implementation, and for a parallel step that computes the
     * chunk sums on several threads and adds them in the same order.
     */
    default double gradL1Norm(StepScalars s, float[] p, int po, float[] g, int go, int n) {
        double total = 0;
        for (int chunk = 0; chunk < n; chunk += NORM_CHUNK) {
            total += chunkL1Norm(s, p, po, g, go, chunk, Math.min(n, chunk + NORM_CHUNK));
        }
        return total;
    }

    /**
     * One chunk's sum: the block sums ({@link #l1NormBlock}) of {@code [from, to)}, added in
     * {@code double}, in order, starting from 0; {@code from} is a multiple of {@link #NORM_CHUNK}.
     */
    default double chunkL1Norm(StepScalars s, float[] p, int po, float[] g, int go, int from, int to) {
        double sum = 0;
        for (int block = from; block < to; block += NORM_BLOCK) {
            sum += l1NormBlock(s, p, po, g, go, block, Math.min(to, block + NORM_BLOCK));
        }
        return sum;
    }

    /** {@link #gradL1Norm} over elements {@code [0, n)} of two segments. */
    default double gradL1Norm(StepScalars s, MemorySegment p, MemorySegment g, long n) {
        double total = 0;
        for (long chunk = 0; chunk < n; chunk += NORM_CHUNK) {
            total += chunkL1Norm(s, p, g, chunk, Math.min(n, chunk + NORM_CHUNK));
        }
        return total;
    }

    /**
     * {@link #chunkL1Norm} over segments: each block is copied into scratch and summed as an array,
     * so the order, and the bits, are those of the array form.
     */
    default double chunkL1Norm(StepScalars s, MemorySegment p, MemorySegment g, long from, long to) {
        float[][] scratch = s.blockScratch();
        double sum = 0;
        for (long block = from; block < to; block += NORM_BLOCK) {
            int len = (int) Math.min(NORM_BLOCK, to - block);
            MemorySegment.copy(g, ValueLayout.JAVA_FLOAT, block * Float.BYTES, scratch[1], 0, len);
            if (s.coupledDecay) {
                MemorySegment.copy(p, ValueLayout.JAVA_FLOAT, block * Float.BYTES, scratch[0], 0, len);
            }
            sum += l1NormBlock(s, scratch[0], 0, scratch[1], 0, 0, len);
        }
        return sum;
    }
}
