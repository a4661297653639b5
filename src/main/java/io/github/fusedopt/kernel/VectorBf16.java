package io.github.fusedopt.kernel;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector shapes and constants of {@link Bf16} for the bf16 loops ({@link VectorBf16ArrayLoops},
 * {@link VectorBf16SegmentLoops}), which write the generator, the widening and the rounding out
 * lane by lane so that they store {@link Bf16}'s bits (C2 boxed the vectors when these were calls).
 * Floats fill a {@link VectorStepKernels#SPECIES} vector; their bf16 halves fill a short vector of
 * half its width, with as many lanes.
 */
final class VectorBf16 {

    static final VectorSpecies<Float> FLOATS = VectorStepKernels.SPECIES;
    static final VectorSpecies<Integer> INTS = VectorSpecies.of(int.class, FLOATS.vectorShape());
    static final VectorSpecies<Short> SHORTS = VectorSpecies.of(short.class,
            VectorShape.forBitSize(FLOATS.vectorBitSize() / 2));
    static final IntVector LANE_INDEX = IntVector.zero(INTS).addIndex(1);
    static final int WEYL = Bf16.WEYL;
    static final int MIX = Bf16.MIX;
    static final int QUIET_HIGH = Bf16.QUIET_HIGH;
    /** What the Weyl sequence advances by from one vector to the next. */
    static final IntVector WEYL_STRIDE = IntVector.broadcast(INTS, FLOATS.length() * WEYL);

    private VectorBf16() {
    }
}
