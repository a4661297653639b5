package io.github.fusedopt.jmh;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The report's forms section: {@link FormsBenchmark}'s framework-facing step forms beside the plain
 * in-place step, per optimizer, with the bytes each allocates per step.
 */
record FormsCost(List<Measurement> measurements) {

    /** One optimizer and form: elements/s, its speed over the plain step's, and bytes per step. */
    record Row(String optimizer, String form, double elementsPerSecond, double speedRatio, double bytesPerStep) {
    }

    List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (Measurement m : measurements) {
            String optimizer = m.params().get("optimizer");
            find(optimizer, "constant").ifPresent(plain -> rows.add(new Row(optimizer, m.params().get("form"),
                    m.elementsPerSecond(), m.opsPerSecond() / plain.opsPerSecond(), m.bytesAllocatedPerOp())));
        }
        return rows;
    }

    private Optional<Measurement> find(String optimizer, String form) {
        return measurements.stream().filter(m -> m.params().get("optimizer").equals(optimizer)
                && m.params().get("form").equals(form)).findFirst();
    }

    String markdown() {
        StringBuilder out = new StringBuilder("\n## Step forms\n\nWhat a framework's way of stepping costs "
                + "(`FormsBenchmark`, 4096 elements, in cache, where a difference would show): `constant` is the "
                + "plain in-place step; `schedule` takes its learning rate from a schedule given to the builder; "
                + "`step-lr` sets one on the `Step` every iteration; `update` writes the update into the gradient "
                + "array (DL4J's contract); `caller-state` keeps the moments in one caller-owned array. "
                + "B/step is JMH's `gc.alloc.rate.norm`.\n\n");
        out.append("| optimizer | form | G elem/s | speed / constant | B/step |\n")
                .append("|---|---|---:|---:|---:|\n");
        for (Row row : rows()) {
            out.append(String.format(Locale.ROOT, "| %s | %s | %.2f | %.2f× | %s |%n", row.optimizer(), row.form(),
                    row.elementsPerSecond() / 1e9, row.speedRatio(),
                    Double.isNaN(row.bytesPerStep()) ? "–" : String.format(Locale.ROOT, "%.3f", row.bytesPerStep())));
        }
        return out.toString();
    }

    String json(boolean measures) {
        StringBuilder out = new StringBuilder("{\n  \"measurement\": " + measures + ",\n  \"forms\": [\n");
        List<Row> rows = rows();
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            out.append(String.format(Locale.ROOT, "    {\"optimizer\": \"%s\", \"form\": \"%s\", "
                            + "\"elementsPerSecond\": %.6g, \"speedRatio\": %.6g, \"bytesPerStep\": %s}%s%n",
                    row.optimizer(), row.form(), row.elementsPerSecond(), row.speedRatio(),
                    Double.isNaN(row.bytesPerStep()) ? "null" : String.format(Locale.ROOT, "%.6g", row.bytesPerStep()),
                    i < rows.size() - 1 ? "," : ""));
        }
        return out.append("  ]\n}\n").toString();
    }
}
