package io.github.fusedopt.kernel;

import io.github.fusedopt.kernel.KernelExactnessTest.Case;
import io.github.fusedopt.kernel.KernelExactnessTest.Output;
import io.github.fusedopt.kernel.StepKernels.Family;
import io.github.fusedopt.testing.Property;
import io.github.fusedopt.testing.Values;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The bf16-slot step, on every kernel and storage, is the float step on the widened slots followed
 * by one stochastic rounding of each new slot value with the documented bits ({@code m}: the low 16
 * of the element's hash, {@code v} and {@code w}: the high 16), bit for bit; over the arbitrary
 * inputs of {@link KernelExactnessTest}, every 16-bit pattern allowed in the slots.
 */
class Bf16KernelExactnessTest {

    private static final StepKernels SCALAR = ScalarStepKernels.INSTANCE;

    @ParameterizedTest
    @EnumSource(Family.class)
    void everyKernelAndStorageRoundsTheFloatStep(Family family) {
        StepKernels[] kernels = KernelProvider.vector().map(v -> new StepKernels[] {v, SCALAR})
                .orElse(new StepKernels[] {SCALAR});
        Property.forAll("bf16 kernel " + family, Property.tries() / 2, KernelExactnessTest.CASES, c -> {
            short[] slots = bf16(c.slots());
            int index = c.po() * 7919;   // the first element's index in its tensor: any int
            Expected expected = expected(family, c, slots, index);
            for (StepKernels k : kernels) {
                float[] p = c.p().clone();
                float[] g = c.g().clone();
                float[] out = c.out().clone();
                short[] s = slots.clone();
                float[] target = c.output() == Output.SEPARATE ? out : c.output() == Output.INTO_GRADS ? g : null;
                int oo = c.output() == Output.INTO_GRADS ? c.go() : c.oo();
                k.step(family, c.scalars(), p, c.po(), g, c.go(), target, oo, s, c.slotOffset(0), s, c.slotOffset(1),
                        s, c.slotOffset(2), index, c.length());
                String where = k.name() + " arrays, " + c.output();
                assertEquals(-1, Values.firstDifference(expected.p, p), where + " params");
                assertEquals(-1, Values.firstDifference(expected.g, g), where + " grads");
                assertEquals(-1, Values.firstDifference(expected.out, out), where + " out");
                assertArrayEquals(expected.slots, s, where + " slots");
                segments(k, family, c, slots, index, expected);
            }
        });
    }

    /** The expected result: the float kernel on widened slots, then the documented rounding. */
    record Expected(float[] p, float[] g, float[] out, short[] slots) {
    }

    private static Expected expected(Family family, Case c, short[] slots, int index) {
        float[] p = c.p().clone();
        float[] g = c.g().clone();
        float[] out = c.out().clone();
        float[] wide = new float[slots.length];
        Bf16.widen(slots, 0, wide, 0, slots.length);
        float[] target = c.output() == Output.SEPARATE ? out : c.output() == Output.INTO_GRADS ? g : null;
        int oo = c.output() == Output.INTO_GRADS ? c.go() : c.oo();
        SCALAR.step(family, c.scalars(), p, c.po(), g, c.go(), target, oo, wide, c.slotOffset(0), wide,
                c.slotOffset(1), wide, c.slotOffset(2), c.length());
        short[] rounded = slots.clone();
        for (int k = 0; k < family.slots(); k++) {
            int shift = k == 0 ? 0 : 16;
            for (int i = 0; i < c.length(); i++) {
                int bits = Bf16.randomBits(c.scalars().roundingKey, index + i) >>> shift;
                rounded[c.slotOffset(k) + i] = Bf16.round(wide[c.slotOffset(k) + i], bits);
            }
        }
        return new Expected(p, g, out, rounded);
    }

    /** The segment form, each segment starting {@code from} elements before the case's element 0. */
    private static void segments(StepKernels k, Family family, Case c, short[] slots, int index, Expected expected) {
        int n = c.length();
        long from = Integer.toUnsignedLong(index) % 5;   // the segments' elements are indexed within the tensor
        int tensorIndex = (int) from;
        if (tensorIndex != index) {
            // Segments index from 0: rebuild the expectation for elements keyed from `from`.
            expected = expected(family, c, slots, tensorIndex);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = floats(arena, c.p(), c.po(), n, from);
            MemorySegment g = floats(arena, c.g(), c.go(), n, from);
            MemorySegment out = switch (c.output()) {
                case IN_PLACE -> null;
                case SEPARATE -> floats(arena, c.out(), c.oo(), n, from);
                case INTO_GRADS -> g;
            };
            MemorySegment[] s = new MemorySegment[3];
            for (int j = 0; j < 3; j++) {
                s[j] = arena.allocate((from + n) * Short.BYTES, Short.BYTES);
                MemorySegment.copy(slots, c.slotOffset(j), s[j], JAVA_SHORT, from * Short.BYTES, n);
            }
            k.stepBf16(family, c.scalars(), p, g, out, s[0], s[1], s[2], from, n);
            String where = k.name() + " segments, " + c.output();
            MemorySegment written = c.output() == Output.IN_PLACE ? p : out;
            float[] wanted = c.output() == Output.IN_PLACE ? expected.p : c.output() == Output.SEPARATE
                    ? expected.out : expected.g;
            int wantedAt = c.output() == Output.IN_PLACE ? c.po() : c.output() == Output.SEPARATE ? c.oo() : c.go();
            float[] got = new float[n];
            MemorySegment.copy(written, JAVA_FLOAT, from * Float.BYTES, got, 0, n);
            assertEquals(-1, Values.firstDifference(Arrays.copyOfRange(wanted, wantedAt, wantedAt + n), got),
                    where + " result");
            for (int j = 0; j < family.slots(); j++) {
                short[] slot = new short[n];
                MemorySegment.copy(s[j], JAVA_SHORT, from * Short.BYTES, slot, 0, n);
                assertArrayEquals(Arrays.copyOfRange(expected.slots, c.slotOffset(j), c.slotOffset(j) + n), slot,
                        where + " slot " + j);
            }
        }
    }

    private static MemorySegment floats(Arena arena, float[] array, int offset, int n, long from) {
        MemorySegment segment = arena.allocate((from + n) * Float.BYTES, Float.BYTES);
        MemorySegment.copy(array, offset, segment, JAVA_FLOAT, from * Float.BYTES, n);
        return segment;
    }

    /** The upper halves of the floats: every bf16 pattern the generator makes, NaNs and infinities included. */
    private static short[] bf16(float[] values) {
        short[] out = new short[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (short) (Float.floatToRawIntBits(values[i]) >>> 16);
        }
        return out;
    }
}
