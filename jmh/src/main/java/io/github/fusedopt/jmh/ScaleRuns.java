package io.github.fusedopt.jmh;

import org.openjdk.jmh.runner.RunnerException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The JMH runs of the report's scale section. Each run holds the configurations that are compared
 * with each other (the shapes' layouts and APIs, one and two threads, the storages), so that they
 * run back to back. {@code quick} keeps one configuration of each, to check the pipeline.
 */
final class ScaleRuns {

    private ScaleRuns() {
    }

    static ScaleSummary run(Suite suite, boolean quick, Path out) throws IOException, RunnerException {
        List<String> vector = List.of(Suite.VECTOR_MODULE);

        List<Map<String, String[]>> groupSets = new ArrayList<>();
        for (String optimizer : quick ? List.of("adam") : List.of("adam", "adal")) {
            for (String shape : quick ? List.of(ScaleSummary.ONE_TENSOR, ScaleSummary.MANY_TENSORS)
                    : List.of(ScaleSummary.ONE_TENSOR, ScaleSummary.MANY_TENSORS, "16384x64")) {
                groupSets.add(Map.of("optimizer", new String[] {optimizer}, "shape", new String[] {shape},
                        "layout", new String[] {"arrays", "flat"},
                        "api", optimizer.equals("adam") && !quick ? new String[] {"group", "loop"} : new String[] {"group"}));
            }
        }
        List<Measurement> group = suite.run("GroupBenchmark", groupSets, vector, false, out.resolve("jmh-group.json"));

        List<Map<String, String[]>> parallelSets = new ArrayList<>();
        for (String optimizer : quick ? List.of("adam") : List.of("adam", "adal")) {
            for (int size : quick ? List.of(ScaleSummary.PARALLEL_CACHE_SIZE)
                    : List.of(262_144, 524_288, ScaleSummary.PARALLEL_CACHE_SIZE, ScaleSummary.PARALLEL_DRAM_SIZE)) {
                parallelSets.add(Map.of("optimizer", new String[] {optimizer}, "size", new String[] {String.valueOf(size)},
                        "threads", new String[] {"1", "2"}));
            }
        }
        List<Measurement> parallel = suite.run("ParallelBenchmark", parallelSets, vector, false,
                out.resolve("jmh-parallel.json"));

        List<Map<String, String[]>> offHeapSets = new ArrayList<>();
        for (int size : quick ? List.of(4096) : List.of(4096, 1_048_576, 16_777_216)) {
            offHeapSets.add(Map.of("optimizer", new String[] {"adam"}, "size", new String[] {String.valueOf(size)},
                    "storage", new String[] {"heap", "heapsegment", "segment", "segment16"}));
        }
        List<Measurement> offHeap = suite.run("OffHeapBenchmark", offHeapSets, vector, false,
                out.resolve("jmh-offheap.json"));
        return new ScaleSummary(group, parallel, offHeap);
    }
}
