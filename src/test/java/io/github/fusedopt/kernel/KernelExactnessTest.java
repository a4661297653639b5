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

    /** Where the update goes: in place, into a separate array, or into the gradients. */
    enum Output { IN_PLACE, SEPARATE, INTO_GRADS }

    /**
     * One kernel call: every array at its own offset; the slots {@code m}, {@code v}, {@code w}
     * live in one array, as caller-owned storage may hold them.
     */
    record Case(StepScalars scalars, int length, int po, int go, int oo, int so, float[] p, float[] g, float[] out,
                float[] slots, Output output) {

        /** Slot {@code k} starts at {@code so + k·(length + 3)}. */
        int slotOffset(int k) {
            return so + k * (length + 3);
        }
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
            int oo = r.nextInt(0, 33);
            int so = r.nextInt(0, 33);
            Values.Mix mix = Values.Mix.random(r);
            Output output = Output.values()[r.nextInt(3)];
            return new Case(randomScalars(r), length, po, go, oo, so,
                    Values.array(r, po + length + r.nextInt(0, 5), Values.Mix.random(r)),
                    Values.array(r, go + length + r.nextInt(0, 5), mix),
                    Values.array(r, oo + length + r.nextInt(0, 5), Values.Mix.random(r)),
                    Values.array(r, so + 3 * (length + 3), Values.Mix.random(r)), output);
        }
    };

    static StepScalars randomScalars(SplittableRandom r) {
        StepScalars s = new StepScalars();
        s.gradScale = scalar(r);
        s.coupledDecay = r.nextBoolean();
        s.weightDecay = scalar(r);
        s.decoupledDecay = r.nextBoolean();
        s.decayRate = scalar(r);
        s.beta1 = scalar(r);
        s.gradCoeff = scalar(r);
        s.beta2 = scalar(r);
        s.gradSquareCoeff = scalar(r);
        s.eps = scalar(r);
        s.invSqrtBc2 = scalar(r);
        s.sqrtBc2 = scalar(r);
        s.stepSize = scalar(r);
        s.gradNormScale = scalar(r);
        s.roundingKey = r.nextInt();
        return s;
    }

    private static float scalar(SplittableRandom r) {
        return r.nextInt(4) == 0 ? Values.FINITE_EDGES[r.nextInt(Values.FINITE_EDGES.length)] : (float) r.nextDouble(-2, 2);
    }

    /** The arrays a kernel writes, cloned from a case. */
    record Written(float[] p, float[] g, float[] out, float[] slots) {
        static Written of(Case c) {
            return new Written(c.p.clone(), c.g.clone(), c.out.clone(), c.slots.clone());
        }

        void assertSame(Written expected, String where) {
            assertEquals(-1, Values.firstDifference(expected.p, p), where + " params");
            assertEquals(-1, Values.firstDifference(expected.g, g), where + " grads");
            assertEquals(-1, Values.firstDifference(expected.out, out), where + " out");
            assertEquals(-1, Values.firstDifference(expected.slots, slots), where + " slots");
        }
    }

    @ParameterizedTest
    @EnumSource(Family.class)
    void vectorKernelEqualsScalarKernel(Family family) {
        Property.forAll("kernel " + family, Property.tries(), CASES, c -> {
            Written onVector = Written.of(c);
            Written onScalar = Written.of(c);
            run(vector, family, c, onVector);
            run(SCALAR, family, c, onScalar);
            onVector.assertSame(onScalar, c.output.toString());
        });
    }

    /**
     * The vector loops themselves, also where the vector kernels hand arrays at one common index to
     * the plain loops: every array at the same offset, the slots in arrays of their own.
     */
    @ParameterizedTest
    @EnumSource(Family.class)
    void vectorLoopsAtOneIndexEqualTheScalarKernel(Family family) {
        Property.forAll("vector loops at one index " + family, Property.tries() / 2, CASES, c -> {
            int at = c.po();
            int n = c.length();
            float[] g = Arrays.copyOf(c.g(), at + n);
            float[][] slots = new float[3][];
            for (int k = 0; k < 3; k++) {
                slots[k] = new float[at + n];
                System.arraycopy(c.slots(), c.slotOffset(k), slots[k], at, n);
            }
            float[][] viaLoops = {c.p().clone(), g.clone(), slots[0].clone(), slots[1].clone(), slots[2].clone()};
            float[][] viaScalar = {c.p().clone(), g.clone(), slots[0].clone(), slots[1].clone(), slots[2].clone()};
            for (float[][] a : new float[][][] {viaLoops, viaScalar}) {
                float[] out = c.output() == Output.IN_PLACE ? null : a[1];   // the update into the gradients
                if (a == viaLoops) {
                    ((VectorStepKernels) vector).vectorLoops(family, c.scalars(), a[0], at, a[1], at, out, at, a[2],
                            at, a[3], at, a[4], at, n);
                } else {
                    SCALAR.step(family, c.scalars(), a[0], at, a[1], at, out, at, a[2], at, a[3], at, a[4], at, n);
                }
            }
            for (int k = 0; k < 5; k++) {
                assertEquals(-1, Values.firstDifference(viaScalar[k], viaLoops[k]), "array " + k);
            }
        });
    }

    /** In place, the last operation is {@code p − u}: subtracting an update output gives the same bits. */
    @ParameterizedTest
    @EnumSource(Family.class)
    void inPlaceIsParamsLessTheUpdateOutput(Family family) {
        Property.forAll("p - u " + family, Property.tries() / 2, CASES, c -> {
            for (StepKernels k : new StepKernels[] {vector, SCALAR}) {
                Written inPlace = Written.of(c);
                Written update = Written.of(c);
                k.step(family, c.scalars, inPlace.p, c.po, inPlace.g, c.go, null, 0, inPlace.slots, c.slotOffset(0),
                        inPlace.slots, c.slotOffset(1), inPlace.slots, c.slotOffset(2), c.length);
                k.step(family, c.scalars, update.p, c.po, update.g, c.go, update.out, c.oo, update.slots,
                        c.slotOffset(0), update.slots, c.slotOffset(1), update.slots, c.slotOffset(2), c.length);
                assertEquals(-1, Values.firstDifference(c.p, update.p), k.name() + " update output moved p");
                float[] subtracted = c.p.clone();
                for (int i = 0; i < c.length; i++) {
                    subtracted[c.po + i] = c.p[c.po + i] - update.out[c.oo + i];
                }
                assertEquals(-1, Values.firstDifference(inPlace.p, subtracted), k.name() + " p - u");
                assertEquals(-1, Values.firstDifference(inPlace.slots, update.slots), k.name() + " slots");
            }
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
            Written expected = Written.of(c);
            run(SCALAR, family, c, expected);
            for (StepKernels k : new StepKernels[] {vector, SCALAR}) {
                try (Arena arena = Arena.ofConfined()) {
                    // Element `from` of each segment is element 0 of the case; `from` shifts alignment.
                    int from = c.po % 9;
                    int n = c.length;
                    MemorySegment ps = copyIn(arena, c.p, c.po, n, from);
                    MemorySegment gs = copyIn(arena, c.g, c.go, n, from);
                    MemorySegment os = switch (c.output) {
                        case IN_PLACE -> null;
                        case SEPARATE -> copyIn(arena, c.out, c.oo, n, from);
                        case INTO_GRADS -> gs;
                    };
                    MemorySegment[] slots = new MemorySegment[3];
                    for (int j = 0; j < 3; j++) {
                        slots[j] = copyIn(arena, c.slots, c.slotOffset(j), n, from);
                    }
                    k.step(family, c.scalars, ps, gs, os, slots[0], slots[1], slots[2], from, n);
                    String where = k.name() + " " + c.output;
                    assertEquals(-1, Values.firstDifference(slice(expected.p, c.po, n), copyOut(ps, from, n)),
                            where + " params");
                    assertEquals(-1, Values.firstDifference(slice(expected.g, c.go, n), copyOut(gs, from, n)),
                            where + " grads");
                    if (c.output == Output.SEPARATE) {
                        assertEquals(-1, Values.firstDifference(slice(expected.out, c.oo, n), copyOut(os, from, n)),
                                where + " out");
                    }
                    for (int j = 0; j < family.slots(); j++) {
                        assertEquals(-1, Values.firstDifference(slice(expected.slots, c.slotOffset(j), n),
                                copyOut(slots[j], from, n)), where + " slot " + j);
                    }
                    double arrayNorm = SCALAR.gradL1Norm(c.scalars, c.p, c.po, c.g, c.go, n);
                    MemorySegment pNorm = copyIn(arena, c.p, c.po, n, 0);
                    MemorySegment gNorm = copyIn(arena, c.g, c.go, n, 0);
                    double segmentNorm = k.gradL1Norm(c.scalars, pNorm, gNorm, n);
                    assertEquals(Double.doubleToLongBits(arrayNorm), Double.doubleToLongBits(segmentNorm),
                            k.name() + " norm: array " + arrayNorm + ", segment " + segmentNorm);
                }
            }
        });
    }

    private static float[] slice(float[] array, int from, int length) {
        return Arrays.copyOfRange(array, from, from + length);
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

    private static void run(StepKernels k, Family family, Case c, Written w) {
        float[] out = switch (c.output) {
            case IN_PLACE -> null;
            case SEPARATE -> w.out;
            case INTO_GRADS -> w.g;
        };
        int oo = c.output == Output.INTO_GRADS ? c.go : c.oo;
        k.step(family, c.scalars, w.p, c.po, w.g, c.go, out, oo, w.slots, c.slotOffset(0), w.slots, c.slotOffset(1),
                w.slots, c.slotOffset(2), c.length);
    }
}
