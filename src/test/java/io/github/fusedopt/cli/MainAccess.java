package io.github.fusedopt.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the command line from tests in other packages. */
public final class MainAccess {

    private MainAccess() {
    }

    /** What {@code kernels} prints; fails on a non-zero status. */
    public static String kernels() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = Main.run(new String[] {"kernels"}, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        if (status != 0) {
            throw new AssertionError("kernels exited with " + status);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
