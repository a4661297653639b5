package io.github.fusedopt.jmh;

import java.util.List;
import java.util.Map;

/**
 * One benchmark at one parameter combination: the median of its measured iterations, in ops/s, and
 * the allocation per op when the run was profiled with {@code gc}.
 *
 * @param benchmark the simple benchmark name, {@code StepBenchmark} or {@code BandwidthBenchmark}
 * @param params the JMH parameters
 * @param medianOpsPerSecond median over all measured iterations of all forks
 * @param iterations the scores the median was taken over
 * @param bytesAllocatedPerOp {@code gc.alloc.rate.norm}, or NaN when not profiled
 */
record Measurement(String benchmark, Map<String, String> params, double medianOpsPerSecond,
                   List<Double> iterations, double bytesAllocatedPerOp) {

    int size() {
        return Integer.parseInt(params.get("size"));
    }

    /** Elements per second. */
    double elementsPerSecond() {
        return medianOpsPerSecond * size();
    }
}
