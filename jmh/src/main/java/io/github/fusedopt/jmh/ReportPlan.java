package io.github.fusedopt.jmh;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one run of the report measures, from its options. The default is the main job: the
 * headline optimizers at one size in each level of memory, in about four minutes. {@code --full}
 * runs every optimizer at every size and the scale and check sections too (about a quarter of an
 * hour); {@code --quick} runs very short iterations to check the pipeline, and its figures mean
 * nothing. {@code --optimizers}, {@code --sizes}, {@code --scalar-sizes} and {@code --sections}
 * override the mode's lists.
 *
 * @param out where the files go
 * @param optimizers the optimizers of the steps section
 * @param sizes their sizes, ascending
 * @param scalarSizes sizes of the truly scalar runs: each is one of {@code sizes}
 * @param sections {@code steps}, {@code forms}, {@code bf16}, {@code scale}, {@code checks}
 * @param quick whether this is the pipeline check
 * @param full whether this is the full report
 * @param peers whether to time ND4J and Tribuo too
 */
record ReportPlan(Path out, List<String> optimizers, List<Integer> sizes, List<Integer> scalarSizes,
                  List<String> sections, boolean quick, boolean full, boolean peers) {

    static final List<String> ALL_OPTIMIZERS = Optimizers.names();
    static final List<Integer> ALL_SIZES = List.of(1024, 4096, 4097, 65536, 1048576, 16777216);
    static final List<String> ALL_SECTIONS = List.of("steps", "forms", "bf16", "scale", "checks");
    static final List<String> DEFAULT_SECTIONS = List.of("steps", "forms", "bf16");

    /** The main job: Adam and the two rules the library exists for, in L1/L2, in L3 and in DRAM. */
    static final List<String> DEFAULT_OPTIMIZERS = List.of("adam", "adaml", "adal");
    static final List<Integer> DEFAULT_SIZES = List.of(Summary.CACHE_SIZE, 1048576, Summary.DRAM_SIZE);

    private static final List<String> KNOWN_OPTIONS = List.of("--out", "--optimizers", "--sizes", "--scalar-sizes",
            "--quick", "--full", "--peers", "--sections");

    static ReportPlan of(String... args) {
        Map<String, String> options = parse(args);
        boolean quick = options.containsKey("quick");
        boolean full = options.containsKey("full");
        if (quick && full) {
            throw new IllegalArgumentException("--quick and --full exclude each other");
        }
        List<String> optimizers = list(options.get("optimizers"), full ? ALL_OPTIMIZERS : DEFAULT_OPTIMIZERS);
        for (String optimizer : optimizers) {
            if (!ALL_OPTIMIZERS.contains(optimizer)) {
                throw new IllegalArgumentException("unknown optimizer " + optimizer + "; known: " + ALL_OPTIMIZERS);
            }
        }
        List<Integer> sizes = list(options.get("sizes"), full ? ALL_SIZES : DEFAULT_SIZES).stream()
                .map(Integer::valueOf).distinct().sorted().toList();
        if (sizes.isEmpty()) {
            throw new IllegalArgumentException("--sizes names no size");
        }
        int inCache = sizes.contains(Summary.CACHE_SIZE) ? Summary.CACHE_SIZE : sizes.getFirst();
        List<Integer> scalarSizes = list(options.get("scalar-sizes"), List.of(inCache)).stream()
                .map(Integer::valueOf).toList();
        for (int size : scalarSizes) {
            if (!sizes.contains(size)) {
                throw new IllegalArgumentException("--scalar-sizes holds " + size + ", which --sizes does not: "
                        + "the truly scalar run is compared with the vector run at the same size");
            }
        }
        List<String> sections = list(options.get("sections"), full ? ALL_SECTIONS : DEFAULT_SECTIONS);
        for (String section : sections) {
            if (!ALL_SECTIONS.contains(section)) {
                throw new IllegalArgumentException("unknown section " + section + "; known: " + ALL_SECTIONS);
            }
        }
        return new ReportPlan(Path.of(options.getOrDefault("out", "results")), optimizers, sizes, scalarSizes,
                sections, quick, full, options.containsKey("peers"));
    }

    /** The effective command, each option once, as a user would type it to run this plan again. */
    String command() {
        StringBuilder s = new StringBuilder("Report");
        if (quick) {
            s.append(" --quick");
        }
        if (full) {
            s.append(" --full");
        }
        s.append(" --optimizers=").append(String.join(",", optimizers));
        s.append(" --sizes=").append(String.join(",", sizes.stream().map(String::valueOf).toList()));
        s.append(" --scalar-sizes=").append(String.join(",", scalarSizes.stream().map(String::valueOf).toList()));
        s.append(" --sections=").append(String.join(",", sections));
        if (peers) {
            s.append(" --peers");
        }
        return s.append(" --out=").append(out).toString();
    }

    /** Options as {@code --key=value} or {@code --flag}; Maven may pass several in one argument; the last wins. */
    static Map<String, String> parse(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
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
}
