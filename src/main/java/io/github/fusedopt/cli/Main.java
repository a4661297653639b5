package io.github.fusedopt.cli;

import io.github.fusedopt.KernelInfo;

import java.io.PrintStream;
import java.util.Arrays;

/**
 * The command line of {@code fusedopt-<version>.jar}:
 * {@code java --add-modules jdk.incubator.vector -jar fusedopt.jar replay CASE_DIR [OUT_DIR]}, and
 * {@code kernels}, which prints the kernels this JVM runs. Exit status 0 on success, 2 on bad input
 * (one line on standard error, nothing written), 1 when the output cannot be written.
 */
public final class Main {

    private static final String USAGE = "usage: java --add-modules jdk.incubator.vector -jar fusedopt.jar "
            + "replay CASE_DIR [OUT_DIR] | kernels";

    private Main() {
    }

    /**
     * Runs a command and exits with its status.
     *
     * @param args the command and its arguments
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs a command.
     *
     * @param args the command and its arguments
     * @param out standard output
     * @param err standard error
     * @return the exit status
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            return dispatch(args, out, err);
        } catch (OutOfMemoryError e) {
            err.println("fusedopt: out of memory (" + e.getMessage() + "); give the JVM more with -Xmx");
            return 1;
        } catch (RuntimeException e) {
            err.println("fusedopt: unexpected error, a bug to report: " + e);
            return 1;
        }
    }

    private static int dispatch(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.println(USAGE);
            return 2;
        }
        return switch (args[0]) {
            case "replay" -> Replay.main(Arrays.copyOfRange(args, 1, args.length), out, err);
            case "kernels" -> {
                out.println(KernelInfo.active());
                yield 0;
            }
            case "-h", "--help", "help" -> {
                out.println(USAGE);
                yield 0;
            }
            default -> {
                err.println("unknown command '" + args[0] + "'; " + USAGE);
                yield 2;
            }
        };
    }

    static String kernelsName() {
        return KernelInfo.active().name();
    }
}
