package io.github.fusedopt.kernel;

import io.github.fusedopt.testing.Property;
import io.github.fusedopt.testing.Values;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import io.github.fusedopt.kernel.StepKernels.Family;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The vector kernels equal the scalar kernels bit for bit on inputs no optimizer would produce:
 * arbitrary moments (negative, subnormal, non-finite) and arbitrary per-step scalars; on arrays
 * and on segments (native, at any 4-byte offset), which must give the array kernels' bits.
 */
class KernelExactnessTest {

    private static StepKernels vector;
    private static final StepKernels SCALAR = ScalarStepKernels.INSTANCE;

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

    @ParameterizedTest
    @EnumSource(Family.class)
    void segmentKernelsEqualArrayKernels(Family family) {
        Property.forAll("segment kernel " + family, Property.tries() / 4, CASES, c -> {
            float[] p = c.p.clone(), m = c.m.clone(), v = c.v.clone();
            run(SCALAR, family, c, p, m, v);
            for (StepKernels k : new StepKernels[] {vector, SCALAR}) {
                try (Arena arena = Arena.ofConfined()) {
                    // Element `from` of each segment is element 0 of the case; `from` shifts alignment.
                    int from = c.po % 9;
                    MemorySegment ps = copyIn(arena, c.p, c.po, c.length, from);
                    MemorySegment gs = copyIn(arena, c.g, c.go, c.length, from);
                    MemorySegment ms = copyIn(arena, c.m, 0, c.length, from);
                    MemorySegment vs = copyIn(arena, c.v, 0, c.length, from);
                    k.step(family, c.scalars, ps, gs, ms, vs, from, c.length);
                    float[] expectedP = Arrays.copyOfRange(p, c.po, c.po + c.length);
                    assertEquals(-1, Values.firstDifference(expectedP, copyOut(ps, from, c.length)), k.name() + " params");
                    assertEquals(-1, Values.firstDifference(m, copyOut(ms, from, c.length)), k.name() + " m");
                    assertEquals(-1, Values.firstDifference(v, copyOut(vs, from, c.length)), k.name() + " v");
                    double arrayNorm = SCALAR.gradL1Norm(c.scalars, c.p, c.po, c.g, c.go, c.length);
                    MemorySegment pNorm = copyIn(arena, c.p, c.po, c.length, 0);
                    MemorySegment gNorm = copyIn(arena, c.g, c.go, c.length, 0);
                    double segmentNorm = k.gradL1Norm(c.scalars, pNorm, gNorm, c.length);
                    assertEquals(Double.doubleToLongBits(arrayNorm), Double.doubleToLongBits(segmentNorm),
                            k.name() + " norm: array " + arrayNorm + ", segment " + segmentNorm);
                }
            }
        });
    }

    /** A native segment of {@code from + length} floats whose elements from {@code from} on are the array's. */
    private static MemorySegment copyIn(Arena arena, float[] array, int offset, int length, int from) {
        MemorySegment segment = arena.allocate((long) (from + length) * Float.BYTES, Float.BYTES);
        MemorySegment.copy(array, offset, segment, JAVA_FLOAT, (long) from * Float.BYTES, length);
        return segment;
    }

    private static float[] copyOut(MemorySegment segment, int from, int length) {
        float[] out = new float[length];
        MemorySegment.copy(segment, JAVA_FLOAT, (long) from * Float.BYTES, out, 0, length);
        return out;
    }

    private static void run(StepKernels k, Family family, Case c, float[] p, float[] m, float[] v) {
        k.step(family, c.scalars, p, c.po, c.g, c.go, m, v, 0, c.length);
    }
}
