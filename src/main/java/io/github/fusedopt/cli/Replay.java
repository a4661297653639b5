package io.github.fusedopt.cli;

import io.github.fusedopt.AdamL;
import io.github.fusedopt.Checkpoint;
import io.github.fusedopt.GradientOptimizer;
import io.github.fusedopt.Optimizer;
import io.github.fusedopt.OptimizerState;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * {@code replay CASE_DIR [OUT_DIR]}: runs a recorded trajectory (initial parameters, one gradient
 * and loss per step, hyperparameters) through fusedopt and writes the final parameters, moments and
 * step counter. Everything is read and checked before anything is written.
 */
final class Replay {

    private static final Set<String> F4 = Set.of("<f4");
    private static final Set<String> F4_OR_F8 = Set.of("<f4", "<f8");

    private Replay() {
    }

    /** The outcome: the final parameters and state. */
    record Result(Optimizer optimizer, float[] params, OptimizerState state) {
    }

    static Result run(Path caseDir) throws BadInputException, IOException {
        ReplayCase spec = ReplayCase.read(caseDir);
        Optimizer optimizer = spec.optimizer();
        NpyArray initial = Npy.read(caseDir.resolve("params.npy"), F4, 1);
        NpyArray grads = Npy.read(caseDir.resolve("grads.npy"), F4, 2);
        float[] params = initial.floats();
        int steps = Math.toIntExact(grads.shape()[0]);
        if (grads.shape()[1] != params.length) {
            throw new BadInputException("grads.npy", "shape " + Npy.shapeString(grads.shape())
                    + " does not match params.npy's " + params.length + " elements");
        }
        double[] losses = null;
        if (optimizer instanceof AdamL) {
            NpyArray lossArray = Npy.read(caseDir.resolve("losses.npy"), F4_OR_F8, 1);
            if (lossArray.shape()[0] != steps) {
                throw new BadInputException("losses.npy", "shape " + Npy.shapeString(lossArray.shape())
                        + " does not match the " + steps + " steps of grads.npy");
            }
            losses = lossArray.doubles();
        }

        OptimizerState state = optimizer.newState(params.length);
        float[] grad = new float[params.length];
        for (int step = 0; step < steps; step++) {
            grads.row(step, grad);
            try {
                switch (optimizer) {
                    case AdamL adamL -> adamL.step(state, losses[step], params, grad);
                    case GradientOptimizer gradientOptimizer -> gradientOptimizer.step(state, params, grad);
                }
            } catch (IllegalArgumentException e) {
                throw new BadInputException(losses != null ? "losses.npy" : "grads.npy",
                        "step " + (step + 1) + ": " + e.getMessage());
            }
        }
        return new Result(optimizer, params, state);
    }

    /** Writes {@code params.npy}, {@code m.npy}, {@code v.npy} and {@code step.txt}. */
    static void write(Result result, Path outDir) throws IOException {
        Files.createDirectories(outDir);
        write(outDir.resolve("params.npy"), result.params());
        write(outDir.resolve("m.npy"), copy(result.state().firstMoment()));
        write(outDir.resolve("v.npy"), copy(result.state().secondMoment()));
        Files.writeString(outDir.resolve("step.txt"), result.state().step() + "\n");
    }

    /** Runs the command; returns the exit status. */
    static int main(String[] args, PrintStream out, PrintStream err) {
        if (args.length < 1 || args.length > 2) {
            err.println("usage: replay CASE_DIR [OUT_DIR]");
            return 2;
        }
        Path caseDir = Path.of(args[0]);
        Path outDir = args.length == 2 ? Path.of(args[1]) : caseDir.resolve("out");
        Result result;
        try {
            result = run(caseDir);
        } catch (BadInputException e) {
            err.println("replay: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("replay: cannot read " + caseDir + ": " + e);
            return 2;
        }
        try {
            write(result, outDir);
        } catch (IOException e) {
            err.println("replay: cannot write " + outDir + ": " + e);
            return 1;
        }
        out.println("replayed " + result.state().step() + " steps of " + result.optimizer().getClass().getSimpleName()
                + " over " + result.params().length + " elements on the " + Main.kernelsName()
                + " kernels; wrote " + outDir);
        return 0;
    }

    private static float[] copy(FloatBuffer view) {
        float[] values = new float[view.remaining()];
        view.get(values);
        return values;
    }

    private static void write(Path file, float[] values) throws IOException {
        Checkpoint.writeNpy(file, FloatBuffer.wrap(values));
    }
}
