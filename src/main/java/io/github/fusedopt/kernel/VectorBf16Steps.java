package io.github.fusedopt.kernel;

import io.github.fusedopt.kernel.StepKernels.Family;

import java.lang.foreign.MemorySegment;

/**
 * Picks the bf16-slot loop of a family ({@link VectorBf16ArrayLoops}, {@link VectorBf16SegmentLoops})
 * for {@link VectorStepKernels}, which runs it over whole vectors and hands the rest to the
 * staged form of {@link StepKernels}.
 */
final class VectorBf16Steps {

    private VectorBf16Steps() {
    }

    @FunctionalInterface
    interface ArrayLoop {
        void run(StepScalars s, float[] p, int po, float[] g, int go, float[] out, int oo,
                 short[] m, int mo, short[] v, int vo, short[] w, int wo, int index, int n);
    }

    @FunctionalInterface
    interface SegmentLoop {
        void run(StepScalars s, MemorySegment p, MemorySegment g, MemorySegment out,
                 MemorySegment m, MemorySegment v, MemorySegment w, long from, int n);
    }

    static ArrayLoop arrayLoop(Family family) {
        return switch (family) {
            case ADAM -> VectorBf16ArrayLoops::adam;
            case AMSGRAD -> VectorBf16ArrayLoops::amsGrad;
            case EADAM -> VectorBf16ArrayLoops::eadam;
            case ADA_BELIEF -> VectorBf16ArrayLoops::adaBelief;
            case ADAL -> VectorBf16ArrayLoops::adal;
        };
    }

    static SegmentLoop segmentLoop(Family family) {
        return switch (family) {
            case ADAM -> VectorBf16SegmentLoops::adam;
            case AMSGRAD -> VectorBf16SegmentLoops::amsGrad;
            case EADAM -> VectorBf16SegmentLoops::eadam;
            case ADA_BELIEF -> VectorBf16SegmentLoops::adaBelief;
            case ADAL -> VectorBf16SegmentLoops::adal;
        };
    }
}
