package io.github.fusedopt.jmh;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How long each benchmark runs, and the JMH runs of the report: each takes a benchmark, its
 * parameter sets and extra JVM flags, writes JMH's own JSON, and returns the best fork medians.
 *
 * @param forks forks per parameter combination
 * @param warmupIterations warm-up iterations per fork
 * @param warmup length of one warm-up iteration
 * @param iterations measured iterations per fork
 * @param iteration length of one measured iteration
 * @param measures false for the pipeline check, whose figures are not measurements
 */
record Suite(int forks, int warmupIterations, TimeValue warmup, int iterations, TimeValue iteration,
             boolean measures) {

    static final String VECTOR_MODULE = "--add-modules=jdk.incubator.vector";

    /** JDK 24+ warns on every fork that JMH uses {@code sun.misc.Unsafe}; the warning says nothing about us. */
    static final String QUIET_UNSAFE = "--sun-misc-unsafe-memory-access=allow";

    /** What quick-mode files say at their top: their figures mean nothing. */
    static final String NOT_A_MEASUREMENT = "Quick mode: this run checks that the report works. Its figures are "
            + "not measurements, and its targets are not judged.";

    /**
     * The default run: two forks of about 4.5 s each per combination. On a shared machine whole
     * forks run slow (array placement, neighbours), so a figure is the better of two forks. The
     * warm-up is 3 × 0.75 s: on an AVX-512 machine C2 took more than 1 s to finish AdaL's kernels,
     * and iterations measured before that ran the interpreted Vector API, which allocates.
     */
    static Suite standard() {
        return new Suite(2, 3, TimeValue.milliseconds(750), 4, TimeValue.milliseconds(250), true);
    }

    /** A check that the pipeline works, not a measurement. */
    static Suite quick() {
        return new Suite(1, 1, TimeValue.milliseconds(300), 2, TimeValue.milliseconds(200), false);
    }

    /**
     * Runs {@code benchmark} once per parameter set, in the given order, and writes all results to
     * one JMH JSON file. Separate sets keep the forks that are compared with each other (the two
     * {@code impl}s of one optimizer and size) next to each other in time, so that a noisy
     * neighbour on the machine hits both rather than one.
     */
    List<Measurement> run(String benchmark, List<Map<String, String[]>> paramSets, List<String> jvmArgs,
                          boolean profileAllocation, Path jmhJson) throws RunnerException, IOException {
        List<RunResult> results = new ArrayList<>();
        List<String> forkArgs = new ArrayList<>(jvmArgs);
        forkArgs.add(QUIET_UNSAFE);
        for (Map<String, String[]> params : paramSets) {
            System.out.println("  " + benchmark + " " + describe(params) + (jvmArgs.contains("-XX:-UseSuperWord")
                    ? " -XX:-UseSuperWord" : ""));
            ChainedOptionsBuilder options = new OptionsBuilder()
                    .include("\\." + benchmark + "\\.")
                    .forks(forks)
                    .warmupIterations(warmupIterations)
                    .warmupTime(warmup)
                    .measurementIterations(iterations)
                    .measurementTime(iteration)
                    .verbosity(VerboseMode.SILENT)
                    .jvmArgsAppend(forkArgs.toArray(String[]::new));
            params.forEach(options::param);
            if (profileAllocation) {
                options.addProfiler(GCProfiler.class);
            }
            results.addAll(new Runner(options.build()).run());
        }
        try (PrintStream out = new PrintStream(Files.newOutputStream(jmhJson), false, StandardCharsets.UTF_8)) {
            ResultFormatFactory.getInstance(ResultFormatType.JSON, out).writeOut(results);
        }
        List<Measurement> measurements = new ArrayList<>();
        for (RunResult result : results) {
            measurements.add(measurement(benchmark, result));
        }
        return measurements;
    }

    private static String describe(Map<String, String[]> params) {
        StringBuilder s = new StringBuilder();
        new TreeMap<>(params).forEach((key, values) -> s.append(s.isEmpty() ? "" : " ").append(key).append('=')
                .append(String.join(",", values)));
        return s.toString();
    }

    private static Measurement measurement(String benchmark, RunResult result) {
        Map<String, String> params = new TreeMap<>();
        for (String key : result.getParams().getParamsKeys()) {
            params.put(key, result.getParams().getParam(key));
        }
        List<Double> forkMedians = new ArrayList<>();
        for (BenchmarkResult fork : result.getBenchmarkResults()) {
            List<Double> scores = new ArrayList<>();
            for (IterationResult iteration : fork.getIterationResults()) {
                scores.add(iteration.getPrimaryResult().getScore());
            }
            forkMedians.add(Stats.median(scores));
        }
        Result<?> allocation = result.getAggregatedResult().getSecondaryResults().get("gc.alloc.rate.norm");
        return new Measurement(benchmark, params, forkMedians.stream().mapToDouble(Double::doubleValue).max()
                .orElse(Double.NaN),
                allocation == null ? Double.NaN : allocation.getScore());
    }
}
