package io.github.fusedopt.jmh;

import org.openjdk.jmh.runner.RunnerException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The benchmark report: runs {@link StepBenchmark} (vector and scalar), the truly scalar baseline
 * and {@link BandwidthBenchmark}, prints a Markdown table with the targets and writes
 * {@code report.md}, {@code report.json}, {@code throughput.png} and JMH's raw JSON into one folder.
 *
 * <pre>
 * Report [--quick | --full] [--out=DIR] [--optimizers=adam,adal] [--sizes=4096,16777216]
 *        [--scalar-sizes=4096] [--sections=steps,forms,scale,checks] [--peers]
 * </pre>
 * See {@link ReportPlan} for what each mode runs. The {@code scale} section runs
 * {@link GroupBenchmark}, {@link ParallelBenchmark} and {@link OffHeapBenchmark} on fixed parameters
 * ({@link ScaleRuns}); the {@code forms} section runs {@link FormsBenchmark} ({@link FormsCost}); the
 * {@code checks} section runs {@link NonFiniteBenchmark} ({@link CheckCost}).
 * {@code --peers} also times ND4J's and Tribuo's Adam, and needs the jar built with {@code -Ppeers}.
 */
public final class Report {

    private Report() {
    }

    public static void main(String[] args) throws IOException {
        QuietOutput.install();
        ReportPlan plan;
        try {
            plan = ReportPlan.of(args);
        } catch (IllegalArgumentException e) {
            System.err.println("Report: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            run(plan);
        } catch (RunnerException e) {
            System.err.println(lockHeld(e) ? "Report: another JMH run holds its lock (/tmp/jmh.lock). Two benchmark "
                    + "runs on one machine disturb each other's figures, so JMH refuses the second. Wait for the "
                    + "other run to end, or pass -Djmh.ignoreLock=true to accept disturbed figures."
                    : "Report: JMH failed: " + e.getMessage());
            System.exit(3);
        }
    }

    private static boolean lockHeld(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (String.valueOf(t.getMessage()).contains("JMH lock")) {
                return true;
            }
        }
        return false;
    }

    private static void run(ReportPlan plan) throws IOException, RunnerException {
        Suite suite = plan.quick() ? Suite.quick() : Suite.standard();
        Path out = plan.out();
        Files.createDirectories(out);
        System.out.println("Report: " + plan.command());
        StringBuilder markdown = new StringBuilder();
        if (!suite.measures()) {
            markdown.append("> **").append(Suite.NOT_A_MEASUREMENT).append("**\n\n");
        }
        StringBuilder json = new StringBuilder();
        if (plan.sections().contains("steps")) {
            Summary summary = steps(suite, plan);
            markdown.append(MarkdownReport.render(summary, plan.command()));
            json.append(JsonReport.render(summary));
            ThroughputChart.write(summary, out.resolve("throughput.png"));
        }
        if (plan.sections().contains("forms")) {
            FormsCost forms = forms(suite, plan.quick(), out);
            describeRunIfFirst(markdown, plan.command());
            markdown.append(forms.markdown());
            Files.writeString(out.resolve("forms.json"), forms.json(suite.measures()));
        }
        if (plan.sections().contains("scale")) {
            ScaleSummary scale = ScaleRuns.run(suite, plan.quick(), out);
            describeRunIfFirst(markdown, plan.command());
            markdown.append(ScaleReport.render(scale, suite.measures()));
            Files.writeString(out.resolve("scale.json"), JsonReport.render(scale, suite.measures()));
        }
        if (plan.sections().contains("bf16")) {
            Bf16Cost bf16 = Bf16Cost.measure(suite, plan.quick(), out);
            describeRunIfFirst(markdown, plan.command());
            markdown.append(bf16.markdown(suite.measures()));
            Files.writeString(out.resolve("bf16.json"), bf16.json(suite.measures()));
        }
        if (plan.sections().contains("checks")) {
            CheckCost checks = checks(suite, plan.quick(), out);
            describeRunIfFirst(markdown, plan.command());
            markdown.append(checks.markdown());
            Files.writeString(out.resolve("checks.json"), checks.json(suite.measures()));
        }
        Files.writeString(out.resolve("report.md"), markdown.toString());
        if (!json.isEmpty()) {
            Files.writeString(out.resolve("report.json"), json.toString());
        }
        System.out.println();
        System.out.println(markdown);
        System.out.println("Written to " + out.toAbsolutePath());
    }

    private static Summary steps(Suite suite, ReportPlan plan) throws IOException, RunnerException {
        List<String> optimizers = plan.optimizers();
        List<Integer> sizes = plan.sizes();
        Path out = plan.out();
        List<Map<String, String[]>> pairs = new ArrayList<>();
        for (String optimizer : optimizers) {
            for (int size : sizes) {
                pairs.add(Map.of("optimizer", new String[] {optimizer}, "size", new String[] {String.valueOf(size)},
                        "impl", new String[] {"vector", "scalar"}, "state", new String[] {"f32"}));
            }
        }
        List<Measurement> steps = suite.run("StepBenchmark", pairs, List.of(Suite.VECTOR_MODULE), true,
                out.resolve("jmh-step.json"));
        List<Measurement> trulyScalar = suite.run("StepBenchmark",
                List.of(Map.of("optimizer", optimizers.toArray(String[]::new), "size", strings(plan.scalarSizes()),
                        "impl", new String[] {"scalar"}, "state", new String[] {"f32"})),
                List.of(Suite.VECTOR_MODULE, "-XX:-UseSuperWord"), false, out.resolve("jmh-truly-scalar.json"));
        List<Measurement> bandwidth = suite.run("BandwidthBenchmark", List.of(Map.of("size", strings(sizes))),
                List.of(), true, out.resolve("jmh-bandwidth.json"));
        List<Measurement> peers = List.of();
        if (plan.peers()) {
            peers = suite.run("PeerBenchmark",
                    List.of(Map.of("peer", new String[] {"nd4j", "tribuo"}, "size", strings(sizes))),
                    List.of(), false, out.resolve("jmh-peers.json"));
        }
        CCeiling ceiling = CCeiling.measure(Path.of("ceiling", "adam_ceiling.c"), Files.createDirectories(
                out.resolve("ceiling")), sizes, plan.quick() ? 20_000_000L : 1_000_000_000L);
        return new Summary(Machine.current(), suite, optimizers, sizes, steps, trulyScalar, bandwidth, peers, ceiling);
    }

    /** A section without the steps section before it still names the machine and the command. */
    private static void describeRunIfFirst(StringBuilder markdown, String command) {
        if (markdown.isEmpty() || markdown.toString().startsWith("> ") && markdown.indexOf("Machine:") < 0) {
            markdown.append("Machine: ").append(Machine.current().describe()).append("  \nCommand: `")
                    .append(command).append("`.\n");
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

    private static FormsCost forms(Suite suite, boolean quick, Path out) throws IOException, RunnerException {
        List<Map<String, String[]>> sets = new ArrayList<>();
        for (String optimizer : quick ? List.of("adam") : List.of("adam", "adaml")) {
            sets.add(Map.of("optimizer", new String[] {optimizer}, "size", new String[] {"4096"},
                    "form", FormsBenchmark.FORMS));
        }
        return new FormsCost(suite.run("FormsBenchmark", sets, List.of(Suite.VECTOR_MODULE), true,
                out.resolve("jmh-forms.json")));
    }

    private static String[] strings(List<Integer> values) {
        return values.stream().map(String::valueOf).toArray(String[]::new);
    }
}
