package io.github.fusedopt.jmh;

import org.openjdk.jmh.runner.RunnerException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The report's bf16 section: {@link StepBenchmark} with bf16 state beside float state, same
 * optimizer and size, the two forks side by side; and the targets for it: at least 1.3×
 * the float state's throughput in DRAM (the bytes allow 28/20 = 1.4×), at least 0.85× in cache,
 * and no allocation.
 */
record Bf16Cost(List<Measurement> measurements) {

    static final double DRAM_TARGET = 1.3;
    static final double CACHE_TARGET = 0.85;

    /** One optimizer and size: elements/s with each format, bf16 over f32, and bf16's allocation. */
    record Row(String optimizer, int size, double f32, double bf16, double ratio, double bf16BytesPerOp) {
    }

    static Bf16Cost measure(Suite suite, boolean quick, Path out) throws IOException, RunnerException {
        List<Map<String, String[]>> sets = new ArrayList<>();
        List<Integer> sizes = quick ? List.of(Summary.CACHE_SIZE) : List.of(Summary.CACHE_SIZE, 1_048_576,
                Summary.DRAM_SIZE);
        for (String optimizer : quick ? List.of("adam") : List.of("adam", "adaml")) {
            for (int size : sizes) {
                sets.add(Map.of("optimizer", new String[] {optimizer}, "size", new String[] {String.valueOf(size)},
                        "impl", new String[] {"vector"}, "state", new String[] {"f32", "bf16"}));
            }
        }
        return new Bf16Cost(suite.run("StepBenchmark", sets, List.of(Suite.VECTOR_MODULE), true,
                out.resolve("jmh-bf16.json")));
    }

    List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (Measurement f32 : measurements) {
            if (f32.params().get("state").equals("f32")) {
                find(f32, "bf16").ifPresent(bf16 -> rows.add(new Row(f32.params().get("optimizer"), f32.size(),
                        f32.elementsPerSecond(), bf16.elementsPerSecond(), bf16.opsPerSecond() / f32.opsPerSecond(),
                        bf16.bytesAllocatedPerOp())));
            }
        }
        return rows;
    }

    private Optional<Measurement> find(Measurement like, String state) {
        return measurements.stream().filter(m -> m.params().get("state").equals(state)
                && m.params().get("optimizer").equals(like.params().get("optimizer")) && m.size() == like.size())
                .findFirst();
    }

    List<Summary.Target> targets() {
        List<Summary.Target> targets = new ArrayList<>();
        for (Row row : rows()) {
            if (row.size() == Summary.DRAM_SIZE) {
                targets.add(target(row.optimizer() + " bf16 / f32 state in DRAM (" + row.size() + ")", DRAM_TARGET,
                        row.ratio()));
            } else if (row.size() == Summary.CACHE_SIZE) {
                targets.add(target(row.optimizer() + " bf16 / f32 state in cache (" + row.size() + ")", CACHE_TARGET,
                        row.ratio()));
            }
        }
        double worst = rows().stream().filter(r -> r.size() <= Summary.ALLOCATION_CHECK_MAX_SIZE)
                .mapToDouble(Row::bf16BytesPerOp).max().orElse(Double.NaN);
        targets.add(new Summary.Target("bf16 state allocation per step, up to " + Summary.ALLOCATION_CHECK_MAX_SIZE
                + " elements", "< 1 B/op", String.format(Locale.ROOT, "%.3f B/op", worst), worst < 1));
        return targets;
    }

    private static Summary.Target target(String name, double bar, double measured) {
        return new Summary.Target(name, String.format(Locale.ROOT, "≥ %.2f×", bar),
                String.format(Locale.ROOT, "%.2f×", measured), measured >= bar);
    }

    String markdown(boolean measures) {
        StringBuilder out = new StringBuilder("\n## bf16 state\n\n`StepBenchmark` with `state=bf16` (moments in "
                + "bfloat16 with stochastic rounding: 20 bytes per element instead of 28) beside `state=f32`, vector "
                + "kernels, the two forks of each row side by side.\n\n");
        out.append("| optimizer | size | f32 G elem/s | bf16 G elem/s | bf16 / f32 | bf16 B/op |\n")
                .append("|---|---:|---:|---:|---:|---:|\n");
        for (Row row : rows()) {
            out.append(String.format(Locale.ROOT, "| %s | %d | %.2f | %.2f | %.2f× | %.3f |%n", row.optimizer(),
                    row.size(), row.f32() / 1e9, row.bf16() / 1e9, row.ratio(), row.bf16BytesPerOp()));
        }
        return out.append("\nTargets:\n\n").append(MarkdownReport.targets(targets(), measures)).toString();
    }

    String json(boolean measures) {
        StringBuilder out = new StringBuilder("{\n  \"measurement\": " + measures + ",\n  \"bf16\": [\n");
        List<Row> rows = rows();
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            out.append(String.format(Locale.ROOT, "    {\"optimizer\": \"%s\", \"size\": %d, \"f32\": %.6g, "
                            + "\"bf16\": %.6g, \"ratio\": %.6g, \"bf16BytesPerOp\": %.6g}%s%n", row.optimizer(),
                    row.size(), row.f32(), row.bf16(), row.ratio(), row.bf16BytesPerOp(),
                    i < rows.size() - 1 ? "," : ""));
        }
        return out.append("  ]\n}\n").toString();
    }
}
