package io.github.fusedopt.jmh;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The report's figures: one row per optimizer and size, the bandwidth per size, and the targets of
 * the suite checked against them. Every figure is a {@link Measurement}: the better of the forks' medians.
 *
 * @param machine where the figures come from
 * @param suite how long each benchmark ran
 * @param optimizers optimizers in report order
 * @param sizes sizes in ascending order
 * @param steps {@code StepBenchmark}, both implementations
 * @param trulyScalar {@code StepBenchmark} with {@code impl=scalar} under {@code -XX:-UseSuperWord}
 * @param bandwidth {@code BandwidthBenchmark}
 * @param peers {@code PeerBenchmark}, empty unless asked for
 * @param ceiling the C ceiling of Adam at the same sizes, measured in the same run
 */
record Summary(Machine machine, Suite suite, List<String> optimizers, List<Integer> sizes,
               List<Measurement> steps, List<Measurement> trulyScalar, List<Measurement> bandwidth,
               List<Measurement> peers, CCeiling ceiling) {

    /** The size of the bandwidth target: the largest default size, well outside the caches. */
    static final int DRAM_SIZE = 16_777_216;
    /**
     * Rows up to this size run over a hundred thousand ops per iteration, so JMH's own few
     * kilobytes per iteration vanish from {@code gc.alloc.rate.norm}; larger rows show mostly JMH's
     * share, as the triad, which cannot allocate, shows at the same sizes.
     */
    static final int ALLOCATION_CHECK_MAX_SIZE = 4097;
    /** The size of the in-cache targets. */
    static final int CACHE_SIZE = 4096;

    /** One optimizer at one size. NaN where a run is missing. */
    record Row(String optimizer, int size, double vectorElementsPerSecond, double gigabytesPerSecond,
               double bandwidthShare, double scalarElementsPerSecond, double vectorOverScalar,
               double bytesAllocatedPerOp) {
    }

    /** One target of the issue, its bar and the measured figure. */
    record Target(String name, String bar, String measured, boolean met) {
    }

    List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (String optimizer : optimizers) {
            for (int size : sizes) {
                double vectorRate = elementsPerSecond(optimizer, size, "vector");
                double scalarRate = elementsPerSecond(optimizer, size, "scalar");
                double bytesPerSecond = vectorRate * StepBenchmark.bytesPerElement(optimizer);
                rows.add(new Row(optimizer, size, vectorRate, bytesPerSecond / 1e9,
                        bytesPerSecond / bandwidthBytesPerSecond(size), scalarRate, vectorRate / scalarRate,
                        step(optimizer, size, "vector").map(Measurement::bytesAllocatedPerOp).orElse(Double.NaN)));
            }
        }
        return rows;
    }

    Optional<Measurement> bandwidthAt(int size) {
        return bandwidth.stream().filter(m -> m.size() == size).findFirst();
    }

    double bandwidthBytesPerSecond(int size) {
        return bandwidthAt(size).map(m -> m.elementsPerSecond() * BandwidthBenchmark.BYTES_PER_ELEMENT)
                .orElse(Double.NaN);
    }

    Optional<Measurement> step(String optimizer, int size, String impl) {
        return steps.stream().filter(m -> m.size() == size && optimizer.equals(m.params().get("optimizer"))
                && impl.equals(m.params().get("impl"))).findFirst();
    }

    /** {@code StepBenchmark}'s elements/s, NaN where the run is missing. */
    double elementsPerSecond(String optimizer, int size, String impl) {
        return step(optimizer, size, impl).map(Measurement::elementsPerSecond).orElse(Double.NaN);
    }

    List<Target> targets() {
        List<Target> targets = new ArrayList<>();
        List<Row> rows = rows();
        for (String optimizer : optimizers) {
            row(rows, optimizer, DRAM_SIZE).ifPresent(row -> targets.add(new Target(
                    optimizer + ": share of in-place bandwidth at " + DRAM_SIZE, "≥ 90%",
                    percent(row.bandwidthShare()), row.bandwidthShare() >= 0.90)));
        }
        row(rows, "adam", CACHE_SIZE).ifPresent(row -> targets.add(new Target(
                "adam at " + CACHE_SIZE, "≥ 2.8 G elem/s", giga(row.vectorElementsPerSecond()),
                row.vectorElementsPerSecond() >= 2.8e9)));
        for (String optimizer : optimizers) {
            if (optimizer.equals("adam")) {
                continue;
            }
            double bar = optimizer.equals("adal") ? 0.80 : 0.85;
            Row worst = null;
            double worstRatio = Double.POSITIVE_INFINITY;
            for (int size : sizes) {
                Optional<Row> own = row(rows, optimizer, size);
                Optional<Row> adam = row(rows, "adam", size);
                if (own.isPresent() && adam.isPresent()) {
                    double ratio = own.get().vectorElementsPerSecond() / adam.get().vectorElementsPerSecond();
                    if (ratio < worstRatio) {
                        worstRatio = ratio;
                        worst = own.get();
                    }
                }
            }
            if (worst != null) {
                targets.add(new Target(optimizer + " / adam, lowest over sizes", "≥ " + percent(bar),
                        percent(worstRatio) + " at " + worst.size(), worstRatio >= bar));
            }
        }
        for (Measurement slow : trulyScalar) {
            String optimizer = slow.params().get("optimizer");
            row(rows, optimizer, slow.size()).ifPresent(row -> {
                double ratio = row.vectorElementsPerSecond() / slow.elementsPerSecond();
                targets.add(new Target(optimizer + " at " + slow.size() + ": vector / truly scalar", "≥ 7×",
                        times(ratio), ratio >= 7));
            });
        }
        rows.stream().filter(row -> !Double.isNaN(row.vectorOverScalar()))
                .min((a, b) -> Double.compare(a.vectorOverScalar(), b.vectorOverScalar()))
                .ifPresent(row -> targets.add(new Target("vector / C2-compiled scalar, lowest row", "≥ 1×",
                        times(row.vectorOverScalar()) + " (" + row.optimizer() + " at " + row.size() + ")",
                        row.vectorOverScalar() >= 1)));
        rows.stream().filter(row -> row.size() <= ALLOCATION_CHECK_MAX_SIZE)
                .mapToDouble(Row::bytesAllocatedPerOp).filter(b -> !Double.isNaN(b)).max()
                .ifPresent(bytes -> targets.add(new Target(
                        "allocation per step, highest row up to " + ALLOCATION_CHECK_MAX_SIZE + " elements",
                        "0 B (≤ 1 B: JMH's own)", String.format(Locale.ROOT, "%.3f B/op", bytes), bytes <= 1)));
        return targets;
    }

    private static Optional<Row> row(List<Row> rows, String optimizer, int size) {
        return rows.stream().filter(r -> r.optimizer().equals(optimizer) && r.size() == size
                && !Double.isNaN(r.vectorElementsPerSecond())).findFirst();
    }

    static String giga(double perSecond) {
        return String.format(Locale.ROOT, "%.2f G elem/s", perSecond / 1e9);
    }

    static String percent(double share) {
        return String.format(Locale.ROOT, "%.0f%%", 100 * share);
    }

    static String times(double ratio) {
        return String.format(Locale.ROOT, "%.2f×", ratio);
    }
}
