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
 * The skip policy's check, on every kernel and on arrays and segments, equals its definition: every
 * element as the moments receive it ({@code g·k}, coupled decay, AdaL's norm, each rounded to float
 * as a step rounds it) is finite and below {@link StepKernels#SKIP_BOUND} in magnitude. Cases put
 * NaN, ±∞ and values on either side of the bound anywhere (first, last, inside the last partial
 * vector), and finite values that leave the range only when scaled, decayed or multiplied by the norm.
 */
class GradInRangeTest {

    record Case(float gradScale, boolean coupled, float weightDecay, float norm, float[] p, float[] g, int go,
                int n) {
        boolean expected() {
            for (int i = 0; i < n; i++) {
                float x = g[go + i] * gradScale;
                if (coupled) {
                    x = Math.fma(weightDecay, p[go + i], x);
                }
                x = norm * x;
                if (!(Math.abs(x) < 0x1p62f)) {
                    return false;
                }
            }
            return true;
        }

        StepScalars scalars() {
            StepScalars s = new StepScalars();
            s.gradScale = gradScale;
            s.coupledDecay = coupled;
            s.weightDecay = coupled ? weightDecay : 0f;
            s.gradNormScale = norm;
            return s;
        }
    }

    private static final float[] SCALES = {1f, 1f, 2f, 0.5f, 65536f, 1f / 1024, -1f, 0f, 1e30f};
    private static final float[] NORMS = {1f, 1f, 1f, 0f, 3.5f, 1e10f, 0x1p31f, 1e20f, Float.POSITIVE_INFINITY};
    private static final float[] NEAR_BOUND = {0x1p62f, -0x1p62f, Math.nextDown(0x1p62f), -Math.nextDown(0x1p62f),
        Float.MAX_VALUE, 1e19f, 5e18f};

    private static List<StepKernels> kernels() {
        List<StepKernels> all = new ArrayList<>(List.of(ScalarStepKernels.INSTANCE));
        KernelProvider.vector().ifPresent(all::add);
        return all;
    }

    @Test
    void everyKernelAgreesWithTheDefinition() {
        Property.forAll("gradInRange == every received x in range", Property.tries() * 5,
                new Property.Generator<Case>() {
                    @Override
                    public int length(SplittableRandom random) {
                        return Values.length(random, 9000);
                    }

                    @Override
                    public Case generate(SplittableRandom r, int n) {
                        int go = r.nextInt(0, 17);
                        int size = go + n + r.nextInt(0, 4);
                        Values.Mix mix = r.nextBoolean() ? Values.Mix.plain(1) : Values.Mix.random(r);
                        float[] g = Values.array(r, size, mix);
                        float[] p = Values.array(r, size, r.nextBoolean() ? Values.Mix.plain(1) : Values.Mix.random(r));
                        if (n > 0 && r.nextBoolean()) {
                            int at = switch (r.nextInt(4)) {
                                case 0 -> 0;
                                case 1 -> n - 1;
                                case 2 -> n - 1 - r.nextInt(Math.min(n, 16));
                                default -> r.nextInt(n);
                            };
                            g[go + at] = r.nextBoolean() ? NEAR_BOUND[r.nextInt(NEAR_BOUND.length)]
                                    : Values.NON_FINITE[r.nextInt(3)];
                        }
                        // Outside the range: must not count.
                        if (go > 0) {
                            g[go - 1] = Float.NaN;
                        }
                        if (go + n < g.length) {
                            g[go + n] = Float.POSITIVE_INFINITY;
                        }
                        return new Case(SCALES[r.nextInt(SCALES.length)], r.nextInt(3) == 0,
                                r.nextBoolean() ? 0.01f : 1e30f, NORMS[r.nextInt(NORMS.length)], p, g, go, n);
                    }
                }, c -> {
                    StepScalars s = c.scalars();
                    boolean expected = c.expected();
                    try (Arena arena = Arena.ofConfined()) {
                        MemorySegment gs = arena.allocate(4L * c.g().length, 4);
                        MemorySegment ps = arena.allocate(4L * c.p().length, 4);
                        MemorySegment.copy(c.g(), 0, gs, JAVA_FLOAT, 0, c.g().length);
                        MemorySegment.copy(c.p(), 0, ps, JAVA_FLOAT, 0, c.p().length);
                        for (StepKernels k : kernels()) {
                            assertEquals(expected, k.gradInRange(s, c.p(), c.go(), c.g(), c.go(), c.n()),
                                    k.name() + " on arrays");
                            assertEquals(expected, k.gradInRange(s, ps, gs, c.go(), c.n()), k.name() + " on segments");
                        }
                    }
                });
    }

    @Test
    void theBoundIsExact() {
        float[] g = new float[37];
        float[] p = new float[37];
        for (StepKernels k : kernels()) {
            StepScalars s = new StepScalars();
            g[36] = Math.nextDown(0x1p62f);
            assertTrue(k.gradInRange(s, p, 0, g, 0, 37), k.name() + ": just below 2^62");
            g[36] = 0x1p62f;
            assertFalse(k.gradInRange(s, p, 0, g, 0, 37), k.name() + ": 2^62");
            assertTrue(k.gradInRange(s, p, 0, g, 0, 36), k.name() + ": the element past n is not read");
            g[36] = 0x1p61f;
            s.gradScale = 2f;
            assertFalse(k.gradInRange(s, p, 0, g, 0, 37), k.name() + ": 2^61 scaled by 2");
            s.gradScale = 1f;
            s.gradNormScale = 2f;
            assertFalse(k.gradInRange(s, p, 0, g, 0, 37), k.name() + ": 2^61 times a norm of 2");
            s.gradNormScale = 1f;
            g[36] = 0;
            p[36] = 0x1p62f;
            s.coupledDecay = true;
            s.weightDecay = 1f;
            assertFalse(k.gradInRange(s, p, 0, g, 0, 37), k.name() + ": coupled decay of a parameter at 2^62");
        }
    }
}
