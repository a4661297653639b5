package io.github.fusedopt.jmh;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Bf16CostTest {

    private static Measurement run(String optimizer, int size, String state, double opsPerSecond, double bytes) {
        return new Measurement("StepBenchmark", Map.of("optimizer", optimizer, "size", String.valueOf(size),
                "impl", "vector", "state", state), opsPerSecond, bytes);
    }

    private static final Bf16Cost COST = new Bf16Cost(List.of(run("adam", 4096, "f32", 1_000_000, 0.01),
            run("adam", 4096, "bf16", 900_000, 0.02), run("adam", 16_777_216, "f32", 100, 200),
            run("adam", 16_777_216, "bf16", 125, 180), run("adaml", 4096, "bf16", 1, 0)));

    @Test
    void pairsEachFloatRunWithItsBf16Run() {
        List<Bf16Cost.Row> rows = COST.rows();
        assertEquals(2, rows.size(), "a configuration without its pair is left out");
        assertEquals(0.9, rows.get(0).ratio(), 1e-12);
        assertEquals(1.25, rows.get(1).ratio(), 1e-12);
        assertEquals(900_000.0 * 4096, rows.get(0).bf16(), 1e-3);
    }

    @Test
    void judgesTheIssuesTargets() {
        List<Summary.Target> targets = COST.targets();
        assertEquals(3, targets.size());
        assertTrue(targets.get(0).name().contains("in cache") && targets.get(0).met(), "0.90 ≥ 0.85");
        assertTrue(targets.get(1).name().contains("DRAM") && !targets.get(1).met(), "1.25 < 1.3");
        assertTrue(targets.get(2).met(), "0.02 B/op at 4,096 is JMH's own");
        Bf16Cost allocating = new Bf16Cost(List.of(run("adam", 4096, "f32", 1, 0), run("adam", 4096, "bf16", 1, 64)));
        assertFalse(allocating.targets().getLast().met(), "64 B/op in cache is an allocation");
    }

    @Test
    void rendersOneLinePerRow() {
        assertTrue(COST.markdown(true).contains("| adam | 16777216 | 1.68 | 2.10 | 1.25× | 180.000 |"),
                COST.markdown(true));
        assertTrue(COST.markdown(false).contains("not judged"), COST.markdown(false));
        assertTrue(COST.json(true).contains("\"ratio\": 1.25000"), COST.json(true));
    }
}
