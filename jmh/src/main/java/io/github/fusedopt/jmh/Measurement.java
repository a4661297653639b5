package io.github.fusedopt.jmh;

import java.util.Map;

/**
 * One benchmark at one parameter combination: the best of its forks, each fork summarised by the
 * median of its measured iterations, in ops/s; and the allocation per op when the run was profiled
 * with {@code gc}.
 *
 * @param benchmark the simple benchmark name, {@code StepBenchmark} or {@code BandwidthBenchmark}
 * @param params the JMH parameters
 * @param opsPerSecond the highest of the fork medians
 * @param bytesAllocatedPerOp {@code gc.alloc.rate.norm}, or NaN when not profiled
 */
record Measurement(String benchmark, Map<String, String> params, double opsPerSecond,
                   double bytesAllocatedPerOp) {

    int size() {
        return Integer.parseInt(params.get("size"));
    }

    /** Elements per op: the {@code size} parameter, or the product of a {@code shape} such as {@code 1000x1024}. */
    long elements() {
        String shape = params.get("shape");
        return shape != null ? GroupBenchmark.elements(shape) : size();
    }

    /** Elements per second. */
    double elementsPerSecond() {
        return opsPerSecond * elements();
    }
}
