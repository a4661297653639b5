package io.github.fusedopt.jmh;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckCostTest {

    private static Measurement run(String optimizer, int size, String policy, double opsPerSecond) {
        return new Measurement("NonFiniteBenchmark", Map.of("optimizer", optimizer, "size", String.valueOf(size),
                "policy", policy), opsPerSecond, Double.NaN);
    }

    private static final CheckCost COST = new CheckCost(List.of(run("adam", 4096, "skip", 400_000),
            run("adam", 4096, "propagate", 500_000), run("adal", 4096, "propagate", 300_000),
            run("adal", 4096, "skip", 300_000), run("adam", 65536, "propagate", 1)));

    @Test
    void pairsEachPropagateRunWithItsSkipRun() {
        List<CheckCost.Row> rows = COST.rows();
        assertEquals(2, rows.size(), "a configuration without its pair is left out");
        assertEquals("adam", rows.get(0).optimizer());
        assertEquals(500_000.0 * 4096, rows.get(0).propagate(), 1e-3);
        assertEquals(400_000.0 * 4096, rows.get(0).skip(), 1e-3);
        assertEquals(1.25, rows.get(0).timeRatio(), 1e-12);
        assertEquals(1.0, rows.get(1).timeRatio(), 1e-12);
    }

    @Test
    void rendersOneLinePerRow() {
        assertTrue(COST.markdown().contains("| adam | 4096 | 2.05 | 1.64 | 1.25× |"), COST.markdown());
        assertTrue(COST.json(true).contains("\"timeRatio\": 1.25000}"), COST.json(true));
        assertTrue(COST.json(false).contains("\"measurement\": false"), COST.json(false));
    }
}
