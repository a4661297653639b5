package io.github.fusedopt.jmh;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SummaryTest {

    private static final Machine MACHINE = new Machine("test cpu", false, 2, "25", 8);

    @Test
    void rowsDeriveBytesShareAndRatioFromOpsPerSecond() {
        Summary summary = adamAndAdalAt4096(500_000, 250_000, 400_000, 100_000);
        Summary.Row adam = summary.rows().get(0);
        assertEquals(500_000.0 * 4096, adam.vectorElementsPerSecond(), 1e-3);
        assertEquals(500_000.0 * 4096 * 28 / 1e9, adam.gigabytesPerSecond(), 1e-9);
        double bandwidth = 2_000_000.0 * 4096 * 12;
        assertEquals(500_000.0 * 4096 * 28 / bandwidth, adam.bandwidthShare(), 1e-12);
        assertEquals(2.0, adam.vectorOverScalar(), 1e-12);
        Summary.Row adal = summary.rows().get(1);
        assertEquals(400_000.0 * 4096 * 32 / 1e9, adal.gigabytesPerSecond(), 1e-9, "AdaL reads g twice");
    }

    @Test
    void targetsCompareWithTheIssuesBars() {
        Summary slow = adamAndAdalAt4096(600_000, 700_000, 470_000, 100_000);
        assertFalse(met(slow, "adam at 4096"), "2.46 G elem/s < 2.8");
        assertFalse(met(slow, "adal / adam"), "78% < 80%");
        assertFalse(met(slow, "vector / C2-compiled scalar"), "0.86x < 1");

        Summary fast = adamAndAdalAt4096(700_000, 600_000, 570_000, 100_000);
        assertTrue(met(fast, "adam at 4096"), "2.87 G elem/s ≥ 2.8");
        assertTrue(met(fast, "adal / adam"), "81% ≥ 80%");
        assertTrue(met(fast, "vector / C2-compiled scalar"));
    }

    @Test
    void allocationTargetLooksOnlyAtRowsWhereJmhsOwnAllocationVanishes() {
        Summary summary = summary(List.of("adam"), List.of(4096, 16_777_216),
                List.of(step("adam", 4096, "vector", 600_000, 0.05), step("adam", 4096, "scalar", 600_000, 0.05),
                        step("adam", 16_777_216, "vector", 70, 400), step("adam", 16_777_216, "scalar", 20, 900)),
                List.of(bandwidth(4096, 2_000_000), bandwidth(16_777_216, 150)));
        assertTrue(met(summary, "allocation per step"));

        Summary allocating = summary(List.of("adam"), List.of(4096),
                List.of(step("adam", 4096, "vector", 600_000, 48), step("adam", 4096, "scalar", 600_000, 0)),
                List.of(bandwidth(4096, 2_000_000)));
        assertFalse(met(allocating, "allocation per step"));
    }

    private static boolean met(Summary summary, String prefix) {
        return summary.targets().stream().filter(t -> t.name().startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no target " + prefix)).met();
    }

    /** Adam and AdaL at 4,096 elements, in ops/s, against a triad at 2,000,000 ops/s. */
    private static Summary adamAndAdalAt4096(double adamVector, double adamScalar, double adalVector,
                                             double adalScalar) {
        return summary(List.of("adam", "adal"), List.of(4096),
                List.of(step("adam", 4096, "vector", adamVector, 0), step("adam", 4096, "scalar", adamScalar, 0),
                        step("adal", 4096, "vector", adalVector, 0), step("adal", 4096, "scalar", adalScalar, 0)),
                List.of(bandwidth(4096, 2_000_000)));
    }

    private static Summary summary(List<String> optimizers, List<Integer> sizes, List<Measurement> steps,
                                   List<Measurement> bandwidth) {
        return new Summary(MACHINE, Suite.quick(), optimizers, sizes, steps, List.of(), bandwidth, List.of(),
                CCeiling.none("not measured in this test"));
    }

    private static Measurement step(String optimizer, int size, String impl, double opsPerSecond, double bytesPerOp) {
        return new Measurement("StepBenchmark", Map.of("optimizer", optimizer, "size", String.valueOf(size),
                "impl", impl), opsPerSecond, bytesPerOp);
    }

    private static Measurement bandwidth(int size, double opsPerSecond) {
        return new Measurement("BandwidthBenchmark", Map.of("size", String.valueOf(size)), opsPerSecond, 0);
    }
}
