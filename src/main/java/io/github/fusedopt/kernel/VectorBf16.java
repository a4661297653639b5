package io.github.fusedopt.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Bf16} in vectors: the same integers, lane by lane, so that vector and scalar kernels store
 * the same bits. Floats fill a {@link VectorStepKernels#SPECIES} vector; their bf16 halves fill a
 * short vector of half its width, with as many lanes.
 */
final class VectorBf16 {

    static final VectorSpecies<Float> FLOATS = VectorStepKernels.SPECIES;
    static final VectorSpecies<Integer> INTS = VectorSpecies.of(int.class, FLOATS.vectorShape());
    static final VectorSpecies<Short> SHORTS = VectorSpecies.of(short.class,
            VectorShape.forBitSize(FLOATS.vectorBitSize() / 2));
    private static final int LANES = FLOATS.length();
    static final IntVector LANE_INDEX = IntVector.zero(INTS).addIndex(1);
    static final int WEYL = Bf16.WEYL;
    static final int MIX = Bf16.MIX;
    static final int QUIET_HIGH = Bf16.QUIET_HIGH;
    /** What the Weyl sequence advances by from one vector to the next. */
    static final IntVector WEYL_STRIDE = IntVector.broadcast(INTS, LANES * WEYL);

    private VectorBf16() {
    }

    /** {@link Bf16#randomBits} of indices {@code base, base + 1, ...}. */
    static IntVector randomBits(int key, int base) {
        IntVector x = LANE_INDEX.add(base).mul(WEYL).add(key);
        x = x.lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHR, 16)).mul(MIX);
        return x.lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHR, 15));
    }

    /** {@link Bf16#round}, lane by lane. */
    static ShortVector round(FloatVector x, IntVector random) {
        // NaN lanes get the quiet bit and no random bits: their upper half, made quiet, is kept.
        VectorMask<Integer> nan = x.compare(VectorOperators.NE, x).cast(INTS);
        IntVector bits = x.reinterpretAsInts().lanewise(VectorOperators.OR, QUIET_HIGH, nan);
        IntVector added = random.lanewise(VectorOperators.AND, 0xFFFF).blend(0, nan);
        return (ShortVector) bits.add(added).lanewise(VectorOperators.LSHR, 16)
                .convertShape(VectorOperators.I2S, SHORTS, 0);
    }

    /** {@link Bf16#widen}, lane by lane. */
    static FloatVector widen(ShortVector bf16) {
        IntVector wide = (IntVector) bf16.convertShape(VectorOperators.S2I, INTS, 0);
        return wide.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    /** As {@link Bf16#round(float[], int, short[], int, int, int, int, int)}. */
    static void round(float[] x, int xo, short[] out, int oo, int n, int key, int indexBase, int shift) {
        int bound = FLOATS.loopBound(n);
        for (int i = 0; i < bound; i += LANES) {
            IntVector random = randomBits(key, indexBase + i).lanewise(VectorOperators.LSHR, shift);
            round(FloatVector.fromArray(FLOATS, x, xo + i), random).intoArray(out, oo + i);
        }
        Bf16.round(x, xo + bound, out, oo + bound, n - bound, key, indexBase + bound, shift);
    }

    /** As {@link Bf16#widen(short[], int, float[], int, int)}. */
    static void widen(short[] in, int io, float[] out, int oo, int n) {
        int bound = FLOATS.loopBound(n);
        for (int i = 0; i < bound; i += LANES) {
            widen(ShortVector.fromArray(SHORTS, in, io + i)).intoArray(out, oo + i);
        }
        Bf16.widen(in, io + bound, out, oo + bound, n - bound);
    }
}
