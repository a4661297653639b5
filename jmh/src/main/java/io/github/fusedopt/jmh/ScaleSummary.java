package io.github.fusedopt.jmh;

import io.github.fusedopt.StepExecutor;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The scale section's figures: group steps against one large tensor, parallel steps against one
 * thread, off-heap steps against heap steps, and their targets.
 *
 * @param group {@code GroupBenchmark}
 * @param parallel {@code ParallelBenchmark}
 * @param offHeap {@code OffHeapBenchmark}
 */
record ScaleSummary(List<Measurement> group, List<Measurement> parallel, List<Measurement> offHeap) {

    /** The one-tensor shape the group shapes are compared with. */
    static final String ONE_TENSOR = "1x1048576";
    /** The shape of the group target. */
    static final String MANY_TENSORS = "1000x1024";
    static final int PARALLEL_CACHE_SIZE = 1_048_576;
    static final int PARALLEL_DRAM_SIZE = 16_777_216;
    /**
     * The library's default threshold, read at run time: the constant would be inlined into this
     * class when it is compiled, and go stale when only the library is rebuilt.
     */
    static final long DEFAULT_THRESHOLD = StepExecutor.of(Runnable::run, 2).minParallelElements();

    /** One group shape: elements/s, and the time per element over the one-tensor step's. */
    record GroupRow(String optimizer, String layout, String api, String shape, double elementsPerSecond,
                    double timeOverOneTensor) {
    }

    /** One size on one and on two threads. */
    record ParallelRow(String optimizer, int size, double oneThread, double twoThreads, double speedup) {
    }

    /** One storage at one size, and its rate over the heap step's. */
    record OffHeapRow(int size, String storage, double elementsPerSecond, double overHeap) {
    }

    List<GroupRow> groupRows() {
        List<GroupRow> rows = new ArrayList<>();
        for (Measurement m : group) {
            Optional<Measurement> one = find(group, m, "shape", ONE_TENSOR);
            double ratio = one.map(o -> o.elementsPerSecond() / m.elementsPerSecond()).orElse(Double.NaN);
            rows.add(new GroupRow(m.params().get("optimizer"), m.params().get("layout"), m.params().get("api"),
                    m.params().get("shape"), m.elementsPerSecond(), ratio));
        }
        return rows;
    }

    List<ParallelRow> parallelRows() {
        List<ParallelRow> rows = new ArrayList<>();
        for (Measurement m : parallel) {
            if (!m.params().get("threads").equals("1")) {
                continue;
            }
            double two = find(parallel, m, "threads", "2").map(Measurement::elementsPerSecond).orElse(Double.NaN);
            rows.add(new ParallelRow(m.params().get("optimizer"), m.size(), m.elementsPerSecond(), two,
                    two / m.elementsPerSecond()));
        }
        return rows;
    }

    List<OffHeapRow> offHeapRows() {
        List<OffHeapRow> rows = new ArrayList<>();
        for (Measurement m : offHeap) {
            double heap = find(offHeap, m, "storage", "heap").map(Measurement::elementsPerSecond).orElse(Double.NaN);
            rows.add(new OffHeapRow(m.size(), m.params().get("storage"), m.elementsPerSecond(),
                    m.elementsPerSecond() / heap));
        }
        return rows;
    }

    List<Summary.Target> targets() {
        List<Summary.Target> targets = new ArrayList<>();
        for (GroupRow row : groupRows()) {
            if (row.shape().equals(MANY_TENSORS) && row.api().equals("group") && !Double.isNaN(row.timeOverOneTensor())) {
                targets.add(new Summary.Target(row.optimizer() + ", " + row.layout() + ": time of 1000 × 1K / 1 × 1M",
                        "≤ 1.2×", Summary.times(row.timeOverOneTensor()), row.timeOverOneTensor() <= 1.2));
            }
        }
        for (ParallelRow row : parallelRows()) {
            double bar = row.size() == PARALLEL_CACHE_SIZE ? 1.7 : row.size() == PARALLEL_DRAM_SIZE ? 1.3 : Double.NaN;
            if (!Double.isNaN(bar)) {
                targets.add(new Summary.Target(row.optimizer() + " at " + row.size() + ": 2 threads / 1",
                        "≥ " + Summary.times(bar), Summary.times(row.speedup()), row.speedup() >= bar));
            }
            if (row.size() == DEFAULT_THRESHOLD) {
                targets.add(new Summary.Target(row.optimizer() + " at the default threshold " + row.size()
                        + ": 2 threads / 1", "≥ 1×", Summary.times(row.speedup()), row.speedup() >= 1));
            }
        }
        return targets;
    }

    /** The measurement with the same parameters as {@code like} except {@code key = value}. */
    private static Optional<Measurement> find(List<Measurement> in, Measurement like, String key, String value) {
        return in.stream().filter(m -> m.params().entrySet().stream().allMatch(e -> e.getKey().equals(key)
                ? e.getValue().equals(value) : e.getValue().equals(like.params().get(e.getKey())))).findFirst();
    }
}
