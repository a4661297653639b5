package io.github.fusedopt.jmh;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** The report as JSON, for tools: the machine, every row, the bandwidth and the targets. */
final class JsonReport {

    private JsonReport() {
    }

    static String render(Summary summary) {
        StringBuilder out = new StringBuilder("{\n");
        measurement(out, summary.suite().measures());
        Machine machine = summary.machine();
        out.append("  \"machine\": {\"cpu\": ").append(string(machine.cpu()))
                .append(", \"avx512\": ").append(machine.avx512())
                .append(", \"cores\": ").append(machine.cores())
                .append(", \"jdk\": ").append(string(machine.jdk()))
                .append(", \"vectorLanes\": ").append(machine.vectorLanes()).append("},\n");
        array(out, "rows", summary.rows(), row -> "{\"optimizer\": " + string(row.optimizer())
                + ", \"size\": " + row.size()
                + ", \"vectorElementsPerSecond\": " + number(row.vectorElementsPerSecond())
                + ", \"gigabytesPerSecond\": " + number(row.gigabytesPerSecond())
                + ", \"bandwidthShare\": " + number(row.bandwidthShare())
                + ", \"scalarElementsPerSecond\": " + number(row.scalarElementsPerSecond())
                + ", \"vectorOverScalar\": " + number(row.vectorOverScalar())
                + ", \"bytesAllocatedPerOp\": " + number(row.bytesAllocatedPerOp()) + "}");
        out.append(",\n");
        array(out, "trulyScalar", summary.trulyScalar(), slow -> "{\"optimizer\": "
                + string(slow.params().get("optimizer")) + ", \"size\": " + slow.size()
                + ", \"elementsPerSecond\": " + number(slow.elementsPerSecond()) + "}");
        out.append(",\n");
        array(out, "bandwidth", summary.sizes(), size -> "{\"size\": " + size
                + ", \"bytesPerSecond\": " + number(summary.bandwidthBytesPerSecond(size)) + "}");
        out.append(",\n");
        CCeiling ceiling = summary.ceiling();
        out.append("  \"ceiling\": {\"compiler\": ").append(ceiling.compiler() == null ? "null" : string(ceiling.compiler()))
                .append(", \"unavailable\": ").append(ceiling.unavailable() == null ? "null" : string(ceiling.unavailable()))
                .append(",\n");
        array(out, "points", ceiling.points(), point -> "{\"size\": " + point.size()
                + ", \"offsetBytes\": " + point.offsetFloats() * Float.BYTES
                + ", \"elementsPerSecond\": " + number(point.elementsPerSecond()) + "}");
        out.append("},\n");
        array(out, "peers", summary.peers(), peer -> "{\"peer\": " + string(peer.params().get("peer"))
                + ", \"size\": " + peer.size() + ", \"elementsPerSecond\": " + number(peer.elementsPerSecond()) + "}");
        out.append(",\n");
        targets(out, summary.targets(), summary.suite().measures());
        return out.append("\n}\n").toString();
    }

    /** The scale section as JSON: group, parallel and off-heap rows, and their targets. */
    static String render(ScaleSummary scale, boolean measures) {
        StringBuilder out = new StringBuilder("{\n");
        measurement(out, measures);
        array(out, "group", scale.groupRows(), row -> "{\"optimizer\": " + string(row.optimizer())
                + ", \"layout\": " + string(row.layout()) + ", \"api\": " + string(row.api())
                + ", \"shape\": " + string(row.shape())
                + ", \"elementsPerSecond\": " + number(row.elementsPerSecond())
                + ", \"timeOverOneTensor\": " + number(row.timeOverOneTensor()) + "}");
        out.append(",\n");
        array(out, "parallel", scale.parallelRows(), row -> "{\"optimizer\": " + string(row.optimizer())
                + ", \"size\": " + row.size() + ", \"oneThread\": " + number(row.oneThread())
                + ", \"twoThreads\": " + number(row.twoThreads()) + ", \"speedup\": " + number(row.speedup()) + "}");
        out.append(",\n");
        array(out, "offHeap", scale.offHeapRows(), row -> "{\"size\": " + row.size()
                + ", \"storage\": " + string(row.storage())
                + ", \"elementsPerSecond\": " + number(row.elementsPerSecond())
                + ", \"overHeap\": " + number(row.overHeap()) + "}");
        out.append(",\n");
        targets(out, scale.targets(), measures);
        return out.append("\n}\n").toString();
    }

    /** Whether the figures are measurements; a pipeline check says that they are not. */
    private static void measurement(StringBuilder out, boolean measures) {
        out.append("  \"measurement\": ").append(measures);
        if (!measures) {
            out.append(",\n  \"note\": ").append(string(Suite.NOT_A_MEASUREMENT));
        }
        out.append(",\n");
    }

    /** {@code met} is null where the targets are not judged. */
    private static void targets(StringBuilder out, List<Summary.Target> targets, boolean judged) {
        array(out, "targets", targets, target -> "{\"target\": " + string(target.name())
                + ", \"bar\": " + string(target.bar()) + ", \"measured\": " + string(target.measured())
                + ", \"met\": " + (judged ? String.valueOf(target.met()) : "null") + "}");
    }

    /** {@code "name": [ ... ]}, one object per line, without a trailing comma or line break. */
    private static <T> void array(StringBuilder out, String name, List<T> items, Function<T, String> object) {
        out.append("  ").append(string(name)).append(": [\n");
        for (int i = 0; i < items.size(); i++) {
            out.append("    ").append(object.apply(items.get(i))).append(i + 1 < items.size() ? ",\n" : "\n");
        }
        out.append("  ]");
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
