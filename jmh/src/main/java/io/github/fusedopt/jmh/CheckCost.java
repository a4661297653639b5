package io.github.fusedopt.jmh;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The report's checks section: {@link NonFiniteBenchmark}'s step under the skip policy against the
 * same step under propagate, per optimizer and size.
 */
record CheckCost(List<Measurement> measurements) {

    /** One optimizer and size: elements/s under each policy, and the skip policy's time over propagate's. */
    record Row(String optimizer, int size, double propagate, double skip, double timeRatio) {
    }

    List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (Measurement m : measurements) {
            if (!m.params().get("policy").equals("propagate")) {
                continue;
            }
            find(m, "skip").ifPresent(skip -> rows.add(new Row(m.params().get("optimizer"), m.size(),
                    m.elementsPerSecond(), skip.elementsPerSecond(), m.opsPerSecond() / skip.opsPerSecond())));
        }
        return rows;
    }

    private Optional<Measurement> find(Measurement like, String policy) {
        return measurements.stream().filter(m -> m.params().get("policy").equals(policy)
                && m.params().get("optimizer").equals(like.params().get("optimizer")) && m.size() == like.size())
                .findFirst();
    }

    String markdown() {
        StringBuilder out = new StringBuilder("\n## Non-finite check\n\nThe skip policy's check "
                + "(`NonFiniteBenchmark`): one step over finite gradients, so nothing is skipped. Adam reads the "
                + "gradients once more; AdaL's norm bounds them, so its check is free unless the norm is huge. "
                + "Time ratio: skip over propagate.\n\n");
        out.append("| optimizer | size | propagate G elem/s | skip G elem/s | time skip / propagate |\n")
                .append("|---|---:|---:|---:|---:|\n");
        for (Row row : rows()) {
            out.append(String.format(Locale.ROOT, "| %s | %d | %.2f | %.2f | %.2f× |%n", row.optimizer(), row.size(),
                    row.propagate() / 1e9, row.skip() / 1e9, row.timeRatio()));
        }
        return out.toString();
    }

    String json(boolean measures) {
        StringBuilder out = new StringBuilder("{\n  \"measurement\": " + measures + ",\n  \"nonFiniteCheck\": [\n");
        List<Row> rows = rows();
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            out.append(String.format(Locale.ROOT, "    {\"optimizer\": \"%s\", \"size\": %d, \"propagate\": %.6g, "
                            + "\"skip\": %.6g, \"timeRatio\": %.6g}%s%n", row.optimizer(), row.size(), row.propagate(),
                    row.skip(), row.timeRatio(), i < rows.size() - 1 ? "," : ""));
        }
        return out.append("  ]\n}\n").toString();
    }
}
