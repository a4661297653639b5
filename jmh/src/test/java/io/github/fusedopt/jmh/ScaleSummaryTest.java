package io.github.fusedopt.jmh;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScaleSummaryTest {

    private static Measurement group(String shape, String layout, double opsPerSecond) {
        return new Measurement("GroupBenchmark", Map.of("optimizer", "adam", "api", "group", "layout", layout,
                "shape", shape), opsPerSecond, Double.NaN);
    }

    private static Measurement parallel(int size, int threads, double opsPerSecond) {
        return new Measurement("ParallelBenchmark", Map.of("optimizer", "adam", "size", String.valueOf(size),
                "threads", String.valueOf(threads)), opsPerSecond, Double.NaN);
    }

    private static ScaleSummary summary() {
        return new ScaleSummary(
                List.of(group("1x1048576", "arrays", 2000), group("1000x1024", "arrays", 1000),
                        group("1x1048576", "flat", 2000), group("1000x1024", "flat", 2000)),
                List.of(parallel(1_048_576, 1, 2000), parallel(1_048_576, 2, 3600),
                        parallel(16_777_216, 1, 70), parallel(16_777_216, 2, 84)),
                List.of(new Measurement("OffHeapBenchmark", Map.of("size", "4096", "storage", "heap"), 500_000, Double.NaN),
                        new Measurement("OffHeapBenchmark", Map.of("size", "4096", "storage", "segment"), 550_000, Double.NaN)));
    }

    @Test
    void groupTimeIsPerElementAgainstTheSameLayoutsOneTensor() {
        ScaleSummary.GroupRow arrays = summary().groupRows().get(1);
        assertEquals(1_024_000_000.0, arrays.elementsPerSecond(), 1e-3);
        assertEquals(2000.0 * 1_048_576 / (1000.0 * 1_024_000), arrays.timeOverOneTensor(), 1e-12);
        assertEquals(2000.0 * 1_048_576 / (2000.0 * 1_024_000), summary().groupRows().get(3).timeOverOneTensor(), 1e-12);
    }

    @Test
    void speedUpsAndRatiosCompareLikeWithLike() {
        List<ScaleSummary.ParallelRow> rows = summary().parallelRows();
        assertEquals(2, rows.size());
        assertEquals(1.8, rows.get(0).speedup(), 1e-12);
        assertEquals(1.2, rows.get(1).speedup(), 1e-12);
        assertEquals(1.1, summary().offHeapRows().get(1).overHeap(), 1e-12);
    }

    @Test
    void targetsUseTheIssuesBars() {
        List<Summary.Target> targets = summary().targets();
        assertFalse(met(targets, "adam, arrays"), "2.05x > 1.2x");
        assertTrue(met(targets, "adam, flat"), "1.02x <= 1.2x");
        assertTrue(met(targets, "adam at 1048576"), "1.8x >= 1.7x");
        assertFalse(met(targets, "adam at 16777216"), "1.2x < 1.3x");
    }

    private static boolean met(List<Summary.Target> targets, String prefix) {
        return targets.stream().filter(t -> t.name().startsWith(prefix)).findFirst().orElseThrow().met();
    }
}
