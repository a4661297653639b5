package io.github.fusedopt.jmh;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Drops the lines every forked JVM prints that say nothing about the figures (the incubator
 * module's warning, JMH's {@code sun.misc.Unsafe} notice), so that the report's own progress and
 * tables are what the user reads.
 */
final class QuietOutput extends OutputStream {

    private static final List<String> NOISE = List.of("WARNING: Using incubator modules",
            "WARNING: A terminally deprecated method in sun.misc.Unsafe",
            "WARNING: sun.misc.Unsafe::", "WARNING: Please consider reporting this to the maintainers",
            "WARNING: sun.misc.Unsafe will be removed");

    private final PrintStream target;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    private QuietOutput(PrintStream target) {
        this.target = target;
    }

    /** Filters {@code System.out} and {@code System.err} from here on. */
    static void install() {
        System.setOut(new PrintStream(new QuietOutput(System.out), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new QuietOutput(System.err), true, StandardCharsets.UTF_8));
    }

    static boolean isNoise(String line) {
        return NOISE.stream().anyMatch(line::startsWith);
    }

    @Override
    public synchronized void write(int b) {
        line.write(b);
        if (b == '\n') {
            flushLine();
        }
    }

    @Override
    public synchronized void flush() {
        target.flush();
    }

    private void flushLine() {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        if (!isNoise(text)) {
            target.print(text);
        }
    }
}
