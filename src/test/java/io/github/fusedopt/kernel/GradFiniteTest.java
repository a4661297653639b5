package io.github.fusedopt.kernel;

import io.github.fusedopt.testing.Property;
import io.github.fusedopt.testing.Values;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The skip policy's finiteness check, on every kernel and on arrays and segments, equals the
 * definition: every {@code g·k} computed in float is finite. Cases put NaN or ±∞ anywhere
 * (first, last, inside the last partial vector), and finite values that overflow only when scaled.
 */
class GradFiniteTest {

    record Case(float gradScale, float[] g, int go, int n) {
        boolean expected() {
            for (int i = 0; i < n; i++) {
                if (!Float.isFinite(g[go + i] * gradScale)) {
                    return false;
                }
            }
            return true;
        }
    }

    private static final float[] SCALES = {1f, 1f, 2f, 0.5f, 65536f, 1f / 1024, -1f, 0f, 1e30f};

    private static List<StepKernels> kernels() {
        List<StepKernels> all = new ArrayList<>(List.of(ScalarStepKernels.INSTANCE));
        KernelProvider.vector().ifPresent(all::add);
        return all;
    }

    @Test
    void everyKernelAgreesWithTheDefinition() {
        Property.forAll("gradFinite == every g·k finite", Property.tries() * 5, new Property.Generator<Case>() {
            @Override
            public int length(SplittableRandom random) {
                return Values.length(random, 9000);
            }

            @Override
            public Case generate(SplittableRandom r, int n) {
                int go = r.nextInt(0, 17);
                float[] g = Values.array(r, go + n + r.nextInt(0, 4), r.nextBoolean() ? Values.Mix.plain(1)
                        : Values.Mix.random(r));
                if (n > 0 && r.nextBoolean()) {
                    int at = switch (r.nextInt(4)) {
                        case 0 -> 0;
                        case 1 -> n - 1;
                        case 2 -> n - 1 - r.nextInt(Math.min(n, 16));
                        default -> r.nextInt(n);
                    };
                    g[go + at] = r.nextInt(3) == 0 ? Float.MAX_VALUE : Values.NON_FINITE[r.nextInt(3)];
                }
                // Outside the range: must not count.
                if (go > 0) {
                    g[go - 1] = Float.NaN;
                }
                if (go + n < g.length) {
                    g[go + n] = Float.POSITIVE_INFINITY;
                }
                return new Case(SCALES[r.nextInt(SCALES.length)], g, go, n);
            }
        }, c -> {
            StepScalars s = new StepScalars();
            s.gradScale = c.gradScale();
            boolean expected = c.expected();
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment segment = arena.allocate(4L * c.g().length, 4);
                MemorySegment.copy(c.g(), 0, segment, JAVA_FLOAT, 0, c.g().length);
                for (StepKernels k : kernels()) {
                    assertEquals(expected, k.gradFinite(s, c.g(), c.go(), c.n()), k.name() + " on an array");
                    assertEquals(expected, k.gradFinite(s, segment, c.go(), c.n()), k.name() + " on a segment");
                }
            }
        });
    }

    @Test
    void aProductThatOverflowsIsNotFinite() {
        StepScalars s = new StepScalars();
        float[] g = new float[37];
        g[36] = 2e38f;
        for (StepKernels k : kernels()) {
            s.gradScale = 1f;
            assertTrue(k.gradFinite(s, g, 0, 37), k.name());
            s.gradScale = 2f;
            assertFalse(k.gradFinite(s, g, 0, 37), k.name());
            assertTrue(k.gradFinite(s, g, 0, 36), k.name());
        }
    }
}
