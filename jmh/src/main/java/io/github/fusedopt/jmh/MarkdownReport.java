package io.github.fusedopt.jmh;

import java.util.List;
import java.util.Locale;

/** The report as Markdown: what it ran on, the table, the bandwidth, and the targets. */
final class MarkdownReport {

    private MarkdownReport() {
    }

    static String render(Summary summary, String command) {
        StringBuilder out = new StringBuilder();
        out.append("Machine: ").append(summary.machine().describe()).append("  \n");
        Suite suite = summary.suite();
        out.append(String.format(Locale.ROOT,
                "Each figure is the better of %3$d forks, each fork the median of its %1$d × %2$s iterations after %4$d × %5$s of warm-up. "
                        + "Command: `%6$s`.%n%n",
                suite.iterations(), suite.iteration(), suite.forks(), suite.warmupIterations(), suite.warmup(), command));

        out.append("| optimizer | size | vector G elem/s | GB/s | bandwidth share | C2 scalar G elem/s | vector / scalar | B/op |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Summary.Row row : summary.rows()) {
            out.append(String.format(Locale.ROOT, "| %s | %d | %.2f | %.1f | %s | %.2f | %.2f× | %s |%n",
                    row.optimizer(), row.size(), row.vectorElementsPerSecond() / 1e9, row.gigabytesPerSecond(),
                    Summary.percent(row.bandwidthShare()), row.scalarElementsPerSecond() / 1e9, row.vectorOverScalar(),
                    Double.isNaN(row.bytesAllocatedPerOp()) ? "–"
                            : String.format(Locale.ROOT, "%.2f", row.bytesAllocatedPerOp())));
        }

        out.append(summary.ceiling().markdown(summary));

        if (!summary.trulyScalar().isEmpty()) {
            out.append("\nTruly scalar (`impl=scalar`, `-XX:-UseSuperWord`):\n\n");
            out.append("| optimizer | size | truly scalar G elem/s | vector / truly scalar |\n|---|---:|---:|---:|\n");
            for (Measurement slow : summary.trulyScalar()) {
                String optimizer = slow.params().get("optimizer");
                double vector = summary.elementsPerSecond(optimizer, slow.size(), "vector");
                out.append(String.format(Locale.ROOT, "| %s | %d | %.2f | %s |%n", optimizer, slow.size(),
                        slow.elementsPerSecond() / 1e9, Double.isNaN(vector) ? "–"
                                : String.format(Locale.ROOT, "%.1f×", vector / slow.elementsPerSecond())));
            }
        }

        out.append(String.format(Locale.ROOT, "%nBandwidth share: the step's bytes/s (28 B per element, AdaL 32) over the "
                + "in-place kernel's at the same size. B/op: `gc.alloc.rate.norm`; above %d elements it is mostly JMH's "
                + "own few kilobytes per iteration spread over fewer ops (compare the triad's, which cannot allocate).%n", Summary.ALLOCATION_CHECK_MAX_SIZE));
        out.append("\nIn-place bandwidth (`b[i] += s·c[i]`, 12 B per element):\n\n");
        out.append("| size | GB/s | B/op |\n|---:|---:|---:|\n");
        for (int size : summary.sizes()) {
            double allocated = summary.bandwidthAt(size).map(Measurement::bytesAllocatedPerOp).orElse(Double.NaN);
            out.append(String.format(Locale.ROOT, "| %d | %.1f | %.2f |%n", size,
                    summary.bandwidthBytesPerSecond(size) / 1e9, allocated));
        }

        if (!summary.peers().isEmpty()) {
            out.append("\nPeers, Adam (`PeerBenchmark`, built with `-Ppeers`):\n\n");
            out.append("| library | size | G elem/s | fusedopt adam (vector) / library |\n|---|---:|---:|---:|\n");
            for (Measurement peer : summary.peers()) {
                double ours = summary.elementsPerSecond("adam", peer.size(), "vector");
                out.append(String.format(Locale.ROOT, "| %s | %d | %.3f | %.1f× |%n", peer.params().get("peer"),
                        peer.size(), peer.elementsPerSecond() / 1e9, ours / peer.elementsPerSecond()));
            }
        }

        out.append("\nTargets:\n\n").append(targets(summary.targets(), suite.measures()));
        return out.toString();
    }

    /** A targets table; a pipeline check's targets are listed but not judged. */
    static String targets(List<Summary.Target> targets, boolean judged) {
        StringBuilder out = new StringBuilder("| target | bar | measured | met |\n|---|---|---|---|\n");
        for (Summary.Target target : targets) {
            out.append("| ").append(target.name()).append(" | ").append(target.bar()).append(" | ")
                    .append(target.measured()).append(" | ")
                    .append(!judged ? "not judged" : target.met() ? "yes" : "**no**").append(" |\n");
        }
        return out.toString();
    }
}
