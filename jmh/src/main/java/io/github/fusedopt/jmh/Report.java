package io.github.fusedopt.jmh;

import org.openjdk.jmh.runner.RunnerException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark report: runs {@link StepBenchmark} (vector and scalar), the truly scalar baseline
 * and {@link BandwidthBenchmark}, prints a Markdown table and writes {@code report.md},
 * {@code report.json}, {@code throughput.png} and JMH's raw JSON into one folder.
 *
 * <pre>
 * Report [--out=DIR] [--optimizers=adam,adal] [--sizes=4096,16777216] [--scalar-sizes=4096] [--quick] [--peers]
 *        [--sections=steps,scale,checks]
 * </pre>
 * The {@code scale} section runs {@link GroupBenchmark}, {@link ParallelBenchmark} and
 * {@link OffHeapBenchmark} on fixed parameters ({@link ScaleRuns}); {@code --optimizers} and
 * {@code --sizes} apply to the {@code steps} section. The {@code checks} section runs
 * {@link NonFiniteBenchmark} ({@link CheckCost}).
 * {@code --quick} checks the pipeline with very short runs; its figures mean nothing.
 * {@code --peers} also times ND4J's and Tribuo's Adam, and needs the jar built with {@code -Ppeers}.
 */
public final class Report {

    private static final List<String> OPTIMIZERS = List.of("adam", "adamw", "eadam", "adabelief", "adaml", "adal");
    private static final List<Integer> SIZES = List.of(1024, 4096, 4097, 65536, 1048576, 16777216);

    private static final List<String> KNOWN_OPTIONS =
            List.of("--out", "--optimizers", "--sizes", "--scalar-sizes", "--quick", "--peers", "--sections");
    private static final List<String> SECTIONS = List.of("steps", "scale", "checks");

    private Report() {
    }

    public static void main(String[] args) throws IOException, RunnerException {
        Map<String, String> options = parse(args);
        Path out = Path.of(options.getOrDefault("out", "results"));
        List<String> optimizers = list(options.get("optimizers"), OPTIMIZERS);
        List<Integer> sizes = list(options.get("sizes"), SIZES).stream().map(Integer::valueOf).sorted().toList();
        List<Integer> scalarSizes = list(options.get("scalar-sizes"), List.of(Summary.CACHE_SIZE)).stream()
                .map(Integer::valueOf).toList();
        boolean quick = options.containsKey("quick");
        Suite suite = quick ? Suite.quick() : Suite.standard();
        List<String> sections = list(options.get("sections"), SECTIONS);
        Files.createDirectories(out);
        String command = ("Report " + String.join(" ", args)).trim().replaceAll("\\s+", " ");
        StringBuilder markdown = new StringBuilder();
        StringBuilder json = new StringBuilder();
        if (sections.contains("steps")) {
            Summary summary = steps(suite, out, optimizers, sizes, scalarSizes, options.containsKey("peers"));
            markdown.append(MarkdownReport.render(summary, command.strip()));
            json.append(JsonReport.render(summary));
            ThroughputChart.write(summary, out.resolve("throughput.png"));
        }
        if (sections.contains("scale")) {
            ScaleSummary scale = ScaleRuns.run(suite, quick, out);
            describeRunIfFirst(markdown, command);
            markdown.append(ScaleReport.render(scale));
            Files.writeString(out.resolve("scale.json"), JsonReport.render(scale));
        }
        if (sections.contains("checks")) {
            CheckCost checks = checks(suite, quick, out);
            describeRunIfFirst(markdown, command);
            markdown.append(checks.markdown());
            Files.writeString(out.resolve("checks.json"), checks.json());
        }
        Files.writeString(out.resolve("report.md"), markdown.toString());
        if (!json.isEmpty()) {
            Files.writeString(out.resolve("report.json"), json.toString());
        }
        System.out.println();
        System.out.println(markdown);
        System.out.println("Written to " + out.toAbsolutePath());
    }

    private static Summary steps(Suite suite, Path out, List<String> optimizers, List<Integer> sizes,
                                 List<Integer> scalarSizes, boolean withPeers) throws IOException, RunnerException {
        List<Map<String, String[]>> pairs = new ArrayList<>();
        for (String optimizer : optimizers) {
            for (int size : sizes) {
                pairs.add(Map.of("optimizer", new String[] {optimizer}, "size", new String[] {String.valueOf(size)},
                        "impl", new String[] {"vector", "scalar"}));
            }
        }
        List<Measurement> steps = suite.run("StepBenchmark", pairs, List.of(Suite.VECTOR_MODULE), true,
                out.resolve("jmh-step.json"));
        List<Measurement> trulyScalar = suite.run("StepBenchmark",
                List.of(Map.of("optimizer", optimizers.toArray(String[]::new), "size", strings(scalarSizes),
                        "impl", new String[] {"scalar"})),
                List.of(Suite.VECTOR_MODULE, "-XX:-UseSuperWord"), false, out.resolve("jmh-truly-scalar.json"));
        List<Measurement> bandwidth = suite.run("BandwidthBenchmark", List.of(Map.of("size", strings(sizes))),
                List.of(), true, out.resolve("jmh-bandwidth.json"));
        List<Measurement> peers = List.of();
        if (withPeers) {
            peers = suite.run("PeerBenchmark",
                    List.of(Map.of("peer", new String[] {"nd4j", "tribuo"}, "size", strings(sizes))),
                    List.of(), false, out.resolve("jmh-peers.json"));
        }

        return new Summary(Machine.current(), suite, optimizers, sizes, steps, trulyScalar, bandwidth, peers);
    }

    /** A section without the steps section before it still names the machine and the command. */
    private static void describeRunIfFirst(StringBuilder markdown, String command) {
        if (markdown.isEmpty()) {
            markdown.append("Machine: ").append(Machine.current().describe()).append("  \nCommand: `")
                    .append(command.strip()).append("`.\n");
        }
    }

    private static CheckCost checks(Suite suite, boolean quick, Path out) throws IOException, RunnerException {
        List<Map<String, String[]>> sets = new ArrayList<>();
        for (String optimizer : quick ? List.of("adam") : List.of("adam", "adal")) {
            for (int size : quick ? List.of(4096) : List.of(4096, 65_536, 1_048_576, 16_777_216)) {
                sets.add(Map.of("optimizer", new String[] {optimizer}, "size", new String[] {String.valueOf(size)},
                        "policy", new String[] {"propagate", "skip"}));
            }
        }
        return new CheckCost(suite.run("NonFiniteBenchmark", sets, List.of(Suite.VECTOR_MODULE), false,
                out.resolve("jmh-nonfinite.json")));
    }

    static Map<String, String> parse(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        // Maven passes its report.options property as one argument, possibly holding several.
        for (String arg : String.join(" ", args).trim().split("\\s+")) {
            if (arg.isEmpty()) {
                continue;
            }
            int eq = arg.indexOf('=');
            String key = eq < 0 ? arg : arg.substring(0, eq);
            if (!KNOWN_OPTIONS.contains(key)) {
                throw new IllegalArgumentException("unknown option " + arg + "; known: " + KNOWN_OPTIONS);
            }
            options.put(key.substring(2), eq < 0 ? "" : arg.substring(eq + 1));
        }
        return options;
    }

    private static <T> List<String> list(String value, List<T> defaults) {
        if (value == null) {
            List<String> strings = new ArrayList<>();
            defaults.forEach(d -> strings.add(String.valueOf(d)));
            return strings;
        }
        return Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private static String[] strings(List<Integer> values) {
        return values.stream().map(String::valueOf).toArray(String[]::new);
    }
}
