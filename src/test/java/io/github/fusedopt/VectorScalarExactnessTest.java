package io.github.fusedopt;

import io.github.fusedopt.kernel.KernelProvider;
import io.github.fusedopt.kernel.StepKernels;
import io.github.fusedopt.testing.Property;
import io.github.fusedopt.testing.Values;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The public step on the vector kernels gives the same bits as on the scalar kernels, for all six
 * optimizers, over generated multi-step trajectories with edge values, offsets and shared arrays.
 */
class VectorScalarExactnessTest {

    private static StepKernels vector;
    private static final StepKernels SCALAR = KernelProvider.scalar();

    @BeforeAll
    static void requireVectorKernels() {
        vector = KernelProvider.vector().orElse(null);
        assumeTrue(vector != null, "jdk.incubator.vector is not available in this run");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void vectorStepEqualsScalarStepBitForBit(Kind kind) {
        Property.forAll("vector == scalar, " + kind, Property.tries(), Trajectory.generator(kind, 5000),
                VectorScalarExactnessTest::assertSameBitsEveryStep);
    }

    static void assertSameBitsEveryStep(Trajectory trajectory) {
        Trajectory.Run onVector = trajectory.start();
        Trajectory.Run onScalar = trajectory.start();
        for (int s = 0; s < trajectory.steps(); s++) {
            onVector.step(vector, s);
            onScalar.step(SCALAR, s);
            assertSameBits("params", s, onScalar.params, onVector.params);
            assertSameBits("m", s, onScalar.state.slotCopy(0, 0), onVector.state.slotCopy(0, 0));
            assertSameBits("v", s, onScalar.state.slotCopy(0, 1), onVector.state.slotCopy(0, 1));
            if (onScalar.state.slotCount() == 3) {
                assertSameBits("v_max", s, onScalar.state.slotCopy(0, 2), onVector.state.slotCopy(0, 2));
            }
            assertEquals(onScalar.state.step(), onVector.state.step());
            assertEquals(onScalar.state.referenceLoss(), onVector.state.referenceLoss());
        }
    }

    private static void assertSameBits(String what, int step, float[] scalar, float[] vector) {
        int i = Values.firstDifference(scalar, vector);
        if (i >= 0) {
            throw new AssertionError(what + "[" + i + "] differs after step " + (step + 1) + ": scalar "
                    + scalar[i] + " (0x" + Integer.toHexString(Float.floatToRawIntBits(scalar[i])) + "), vector "
                    + vector[i] + " (0x" + Integer.toHexString(Float.floatToRawIntBits(vector[i])) + ")");
        }
    }
}
