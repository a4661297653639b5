package io.github.fusedopt.kernel;

import io.github.fusedopt.testing.Property;
import io.github.fusedopt.testing.Values;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The vector kernels equal the scalar kernels bit for bit on inputs no optimizer would produce:
 * arbitrary moments (negative, subnormal, non-finite) and arbitrary per-step scalars.
 */
class KernelExactnessTest {

    private static StepKernels vector;
    private static final StepKernels SCALAR = ScalarStepKernels.INSTANCE;

    enum Family { ADAM, EADAM, ADABELIEF, ADAL }

    @BeforeAll
    static void requireVectorKernels() {
        vector = KernelProvider.vector().orElse(null);
        assumeTrue(vector != null, "jdk.incubator.vector is not available in this run");
    }

    record Case(StepScalars scalars, int length, int po, int go, float[] p, float[] g, float[] m, float[] v) {
    }

    static final Property.Generator<Case> CASES = new Property.Generator<>() {
        @Override
        public int length(SplittableRandom random) {
            return Values.length(random, 5000);
        }

        @Override
        public Case generate(SplittableRandom r, int length) {
            int po = r.nextInt(0, 33);
            int go = r.nextInt(0, 33);
            Values.Mix mix = Values.Mix.random(r);
            return new Case(randomScalars(r), length, po, go,
                    Values.array(r, po + length + r.nextInt(0, 5), Values.Mix.random(r)),
                    Values.array(r, go + length + r.nextInt(0, 5), mix),
                    Values.array(r, length, Values.Mix.random(r)),
                    Values.array(r, length, Values.Mix.random(r)));
        }
    };

    static StepScalars randomScalars(SplittableRandom r) {
        StepScalars s = new StepScalars();
        s.gradScale = scalar(r);
        s.coupledDecay = r.nextBoolean();
        s.weightDecay = scalar(r);
        s.decoupledDecay = r.nextBoolean();
        s.decayFactor = scalar(r);
        s.beta1 = scalar(r);
        s.gradCoeff = scalar(r);
        s.beta2 = scalar(r);
        s.gradSquareCoeff = scalar(r);
        s.eps = scalar(r);
        s.invSqrtBc2 = scalar(r);
        s.sqrtBc2 = scalar(r);
        s.stepSize = scalar(r);
        s.gradNormScale = scalar(r);
        return s;
    }

    private static float scalar(SplittableRandom r) {
        return r.nextInt(4) == 0 ? Values.FINITE_EDGES[r.nextInt(Values.FINITE_EDGES.length)] : (float) r.nextDouble(-2, 2);
    }

    @ParameterizedTest
    @EnumSource(Family.class)
    void vectorKernelEqualsScalarKernel(Family family) {
        Property.forAll("kernel " + family, Property.tries(), CASES, c -> {
            float[] p1 = c.p.clone(), m1 = c.m.clone(), v1 = c.v.clone();
            float[] p2 = c.p.clone(), m2 = c.m.clone(), v2 = c.v.clone();
            run(vector, family, c, p1, m1, v1);
            run(SCALAR, family, c, p2, m2, v2);
            assertEquals(-1, Values.firstDifference(p2, p1), "params");
            assertEquals(-1, Values.firstDifference(m2, m1), "m");
            assertEquals(-1, Values.firstDifference(v2, v1), "v");
        });
    }

    @Test
    void vectorNormEqualsScalarNormBitForBit() {
        Property.forAll("kernel gradL1Norm", Property.tries(), CASES, c -> {
            double onVector = vector.gradL1Norm(c.scalars, c.p, c.po, c.g, c.go, c.length);
            double onScalar = SCALAR.gradL1Norm(c.scalars, c.p, c.po, c.g, c.go, c.length);
            assertEquals(Double.doubleToLongBits(onScalar), Double.doubleToLongBits(onVector),
                    "scalar " + onScalar + ", vector " + onVector);
        });
    }

    @Test
    void vectorNormEqualsScalarNormOnLargeTensors() {
        SplittableRandom r = new SplittableRandom(7);
        for (int length : new int[] {StepKernels.NORM_CHUNK - 1, StepKernels.NORM_CHUNK + 17, 1 << 20, 3_000_017}) {
            float[] g = Values.array(r, length + 3, Values.Mix.plain(1));
            StepScalars s = new StepScalars();
            s.gradient(0.75, 0, 0, 1e-3);
            assertEquals(SCALAR.gradL1Norm(s, g, 3, g, 3, length), vector.gradL1Norm(s, g, 3, g, 3, length));
        }
    }

    private static void run(StepKernels k, Family family, Case c, float[] p, float[] m, float[] v) {
        switch (family) {
            case ADAM -> k.adam(c.scalars, p, c.po, c.g, c.go, m, v, c.length);
            case EADAM -> k.eadam(c.scalars, p, c.po, c.g, c.go, m, v, c.length);
            case ADABELIEF -> k.adaBelief(c.scalars, p, c.po, c.g, c.go, m, v, c.length);
            case ADAL -> k.adal(c.scalars, p, c.po, c.g, c.go, m, v, c.length);
        }
    }
}
