package io.github.fusedopt.jmh;

import java.util.Locale;

/** The scale section of the Markdown report: groups, threads and off-heap memory. */
final class ScaleReport {

    private ScaleReport() {
    }

    static String render(ScaleSummary scale, boolean judged) {
        StringBuilder out = new StringBuilder("\n## Scale\n");
        if (!scale.group().isEmpty()) {
            out.append("\nGroup steps (`GroupBenchmark`): one step over about 1M elements cut into tensors; `arrays`: "
                    + "each tensor in its own arrays, `flat`: slices of one flat pair; `loop`: one single-tensor "
                    + "call per tensor instead of one group call. Time ratio: time per element over the same "
                    + "configuration's 1 × 1M.\n\n");
            out.append("| optimizer | layout | api | tensors × size | G elem/s | time / 1 × 1M |\n|---|---|---|---|---:|---:|\n");
            for (ScaleSummary.GroupRow row : scale.groupRows()) {
                out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.2f | %.2f× |%n", row.optimizer(),
                        row.layout(), row.api(), row.shape().replace("x", " × "), row.elementsPerSecond() / 1e9,
                        row.timeOverOneTensor()));
            }
        }
        if (!scale.parallel().isEmpty()) {
            out.append("\nParallel steps (`ParallelBenchmark`): one tensor, threshold 0, calling thread included.\n\n");
            out.append("| optimizer | size | 1 thread G elem/s | 2 threads G elem/s | speed-up |\n|---|---:|---:|---:|---:|\n");
            for (ScaleSummary.ParallelRow row : scale.parallelRows()) {
                out.append(String.format(Locale.ROOT, "| %s | %d | %.2f | %.2f | %.2f× |%n", row.optimizer(), row.size(),
                        row.oneThread() / 1e9, row.twoThreads() / 1e9, row.speedup()));
            }
        }
        if (!scale.offHeap().isEmpty()) {
            out.append("\nOff-heap steps (`OffHeapBenchmark`, Adam): `heapsegment` runs the segment kernels on heap "
                    + "arrays; `segment` keeps parameters, gradients and moments in 64-byte aligned native memory; "
                    + "`segment16` shifts parameters and gradients 16 bytes, as a heap array's data lies.\n\n");
            out.append("| size | storage | G elem/s | / heap |\n|---:|---|---:|---:|\n");
            for (ScaleSummary.OffHeapRow row : scale.offHeapRows()) {
                out.append(String.format(Locale.ROOT, "| %d | %s | %.2f | %.2f× |%n", row.size(), row.storage(),
                        row.elementsPerSecond() / 1e9, row.overHeap()));
            }
        }
        out.append("\nScale targets:\n\n").append(MarkdownReport.targets(scale.targets(), judged));
        return out.toString();
    }
}
