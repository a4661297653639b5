package io.github.fusedopt.jmh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The C ceiling of Adam's step, measured in the same run as the Java figures: {@code
 * jmh/ceiling/adam_ceiling.c} built with the machine's C compiler ({@code -O3 -march=native
 * -fno-math-errno}) and run at each size with its arrays 64-byte aligned and 16 bytes off (where a
 * heap array's data lies). Where no compiler is found, or the build fails, the report says why.
 *
 * @param compiler the compiler's first line of {@code --version}, or null
 * @param points the figures, by size and offset
 * @param unavailable why there are no figures, or null
 */
record CCeiling(String compiler, List<Point> points, String unavailable) {

    /** Offsets from a 64-byte boundary, in floats: aligned, and a heap array's 16 bytes. */
    static final int[] OFFSETS = {0, 4};
    static final String FLAGS = "-O3 -march=native -fno-math-errno";
    private static final Pattern MEDIAN = Pattern.compile("median ([0-9.]+) G elements/s");

    /** One size at one offset from a 64-byte boundary. */
    record Point(int size, int offsetFloats, double elementsPerSecond) {
    }

    static CCeiling none(String why) {
        return new CCeiling(null, List.of(), why);
    }

    /**
     * Builds the C file into {@code work} and runs it at every size and offset, about {@code
     * elements} elements per timed run (fewer for a pipeline check).
     */
    static CCeiling measure(Path source, Path work, List<Integer> sizes, long elements) {
        if (!Files.isRegularFile(source)) {
            return none("no " + source);
        }
        String compiler = null;
        String version = null;
        for (String candidate : List.of("cc", "gcc", "clang")) {
            version = firstLine(candidate, "--version");
            if (version != null) {
                compiler = candidate;
                break;
            }
        }
        if (compiler == null) {
            return none("no C compiler (cc, gcc or clang) on the PATH");
        }
        Path binary = work.resolve("adam_ceiling");
        List<String> build = new ArrayList<>(List.of(compiler));
        build.addAll(List.of(FLAGS.split(" ")));
        build.addAll(List.of("-o", binary.toString(), source.toString(), "-lm"));
        Result built = run(build);
        if (built.exitCode != 0) {
            return none(compiler + " could not build " + source + ": " + built.output.strip().lines().findFirst().orElse(""));
        }
        List<Point> points = new ArrayList<>();
        for (int size : sizes) {
            for (int offset : OFFSETS) {
                System.out.printf("  C ceiling adam size=%d offset=%d floats%n", size, offset);
                Result ran = run(List.of(binary.toString(), String.valueOf(size), "adam", String.valueOf(offset),
                        String.valueOf(elements)));
                points.add(new Point(size, offset, ran.exitCode == 0 ? parse(ran.output) : Double.NaN));
            }
        }
        return new CCeiling(version, points, null);
    }

    /** The median the C program prints, in elements per second; NaN if it printed none. */
    static double parse(String output) {
        Matcher m = MEDIAN.matcher(output);
        return m.find() ? Double.parseDouble(m.group(1)) * 1e9 : Double.NaN;
    }

    OptionalDouble at(int size, int offsetFloats) {
        return points.stream().filter(p -> p.size() == size && p.offsetFloats() == offsetFloats)
                .mapToDouble(Point::elementsPerSecond).filter(x -> !Double.isNaN(x)).findFirst();
    }

    /** The Markdown table: Java's Adam beside C's at each size and offset. */
    String markdown(Summary summary) {
        if (unavailable != null) {
            return String.format(Locale.ROOT, "%nNo C ceiling: %s.%n", unavailable);
        }
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "%nC ceiling, Adam (`jmh/ceiling/adam_ceiling.c`, the same float operations in the same order; %s, `%s`; "
                        + "median of 15 timed runs, in this run):%n%n", compiler, FLAGS));
        out.append("| size | Java vector G elem/s | C 64-byte aligned | Java / C | C 16 bytes off | Java / C 16 off |\n");
        out.append("|---:|---:|---:|---:|---:|---:|\n");
        for (int size : summary.sizes()) {
            double java = summary.elementsPerSecond("adam", size, "vector");
            out.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %s |%n", size, rate(java),
                    rate(at(size, 0)), ratio(java, at(size, 0)), rate(at(size, 4)), ratio(java, at(size, 4))));
        }
        return out.toString();
    }

    private static String rate(double elementsPerSecond) {
        return Double.isNaN(elementsPerSecond) ? "–" : String.format(Locale.ROOT, "%.2f", elementsPerSecond / 1e9);
    }

    private static String rate(OptionalDouble elementsPerSecond) {
        return rate(elementsPerSecond.orElse(Double.NaN));
    }

    private static String ratio(double java, OptionalDouble c) {
        return Double.isNaN(java) || c.isEmpty() ? "–" : String.format(Locale.ROOT, "%.2f", java / c.getAsDouble());
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                return new Result(-1, "timed out");
            }
            return new Result(p.exitValue(), output);
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, e.toString());
        }
    }

    private static String firstLine(String... command) {
        Result r = run(List.of(command));
        return r.exitCode == 0 ? r.output.strip().lines().findFirst().orElse(command[0]) : null;
    }
}
