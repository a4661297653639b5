package io.github.fusedopt.jmh;

import java.util.List;
import java.util.Locale;

/** The report as JSON, for tools: the machine, every row, the bandwidth and the targets. */
final class JsonReport {

    private JsonReport() {
    }

    static String render(Summary summary) {
        StringBuilder out = new StringBuilder("{\n");
        Machine machine = summary.machine();
        out.append("  \"machine\": {\"cpu\": ").append(string(machine.cpu()))
                .append(", \"avx512\": ").append(machine.avx512())
                .append(", \"cores\": ").append(machine.cores())
                .append(", \"jdk\": ").append(string(machine.jdk()))
                .append(", \"vectorLanes\": ").append(machine.vectorLanes()).append("},\n");
        out.append("  \"rows\": [\n");
        List<Summary.Row> rows = summary.rows();
        for (int i = 0; i < rows.size(); i++) {
            Summary.Row row = rows.get(i);
            out.append("    {\"optimizer\": ").append(string(row.optimizer()))
                    .append(", \"size\": ").append(row.size())
                    .append(", \"vectorElementsPerSecond\": ").append(number(row.vectorElementsPerSecond()))
                    .append(", \"gigabytesPerSecond\": ").append(number(row.gigabytesPerSecond()))
                    .append(", \"bandwidthShare\": ").append(number(row.bandwidthShare()))
                    .append(", \"scalarElementsPerSecond\": ").append(number(row.scalarElementsPerSecond()))
                    .append(", \"vectorOverScalar\": ").append(number(row.vectorOverScalar()))
                    .append(", \"bytesAllocatedPerOp\": ").append(number(row.bytesAllocatedPerOp()))
                    .append(i + 1 < rows.size() ? "},\n" : "}\n");
        }
        out.append("  ],\n  \"trulyScalar\": [\n");
        List<Measurement> slow = summary.trulyScalar();
        for (int i = 0; i < slow.size(); i++) {
            out.append("    {\"optimizer\": ").append(string(slow.get(i).params().get("optimizer")))
                    .append(", \"size\": ").append(slow.get(i).size())
                    .append(", \"elementsPerSecond\": ").append(number(slow.get(i).elementsPerSecond()))
                    .append(i + 1 < slow.size() ? "},\n" : "}\n");
        }
        out.append("  ],\n  \"bandwidth\": [\n");
        List<Integer> sizes = summary.sizes();
        for (int i = 0; i < sizes.size(); i++) {
            out.append("    {\"size\": ").append(sizes.get(i))
                    .append(", \"bytesPerSecond\": ").append(number(summary.bandwidthBytesPerSecond(sizes.get(i))))
                    .append(i + 1 < sizes.size() ? "},\n" : "}\n");
        }
        out.append("  ],\n  \"peers\": [\n");
        List<Measurement> peers = summary.peers();
        for (int i = 0; i < peers.size(); i++) {
            out.append("    {\"peer\": ").append(string(peers.get(i).params().get("peer")))
                    .append(", \"size\": ").append(peers.get(i).size())
                    .append(", \"elementsPerSecond\": ").append(number(peers.get(i).elementsPerSecond()))
                    .append(i + 1 < peers.size() ? "},\n" : "}\n");
        }
        out.append("  ],\n  \"targets\": [\n");
        List<Summary.Target> targets = summary.targets();
        for (int i = 0; i < targets.size(); i++) {
            Summary.Target target = targets.get(i);
            out.append("    {\"target\": ").append(string(target.name()))
                    .append(", \"bar\": ").append(string(target.bar()))
                    .append(", \"measured\": ").append(string(target.measured()))
                    .append(", \"met\": ").append(target.met())
                    .append(i + 1 < targets.size() ? "},\n" : "}\n");
        }
        return out.append("  ]\n}\n").toString();
    }

    private static String number(double x) {
        return Double.isFinite(x) ? String.format(Locale.ROOT, "%.6g", x) : "null";
    }

    private static String string(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
