package io.github.fusedopt.cli;

import io.github.fusedopt.AdamL;
import io.github.fusedopt.Optimizer;
import io.github.fusedopt.OptimizerState;
import io.github.fusedopt.Step;
import io.github.fusedopt.io.AtomicFiles;
import io.github.fusedopt.io.LittleEndianFloats;
import io.github.fusedopt.io.NpyWriter;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
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

    static Result run(Path caseDir) throws BadInputException {
        if (!Files.isDirectory(caseDir)) {
            throw new BadInputException(caseDir.toString(), Files.exists(caseDir) ? "is not a directory" : "not found");
        }
        ReplayCase spec = ReplayCase.read(caseDir);
        Optimizer optimizer = spec.optimizer();
        NpyArray initial = Npy.read(caseDir.resolve("params.npy"), F4, 1);
        NpyArray grads = Npy.read(caseDir.resolve("grads.npy"), F4, 2);
        float[] params = initial.floats();
        if (grads.shape()[0] > Integer.MAX_VALUE) {
            throw new BadInputException("grads.npy", "shape " + Npy.shapeString(grads.shape()) + " holds "
                    + grads.shape()[0] + " steps; replay runs at most " + Integer.MAX_VALUE);
        }
        int steps = (int) grads.shape()[0];
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

        double[] learningRates = null;
        if (Files.exists(caseDir.resolve("lrs.npy"))) {
            NpyArray lrArray = Npy.read(caseDir.resolve("lrs.npy"), F4_OR_F8, 1);
            if (lrArray.shape()[0] != steps) {
                throw new BadInputException("lrs.npy", "shape " + Npy.shapeString(lrArray.shape())
                        + " does not match the " + steps + " steps of grads.npy");
            }
            learningRates = lrArray.doubles();
        }

        OptimizerState state = optimizer.newState(params.length);
        float[] grad = new float[params.length];
        Step step = new Step();
        for (int k = 0; k < steps; k++) {
            grads.row(k, grad);
            if (losses != null) {
                step.loss(losses[k]);
            }
            if (learningRates != null) {
                step.learningRate(learningRates[k]);
            }
            try {
                optimizer.step(state, params, grad, step);
            } catch (IllegalArgumentException e) {
                String file = e.getMessage().startsWith("step.learningRate") ? "lrs.npy"
                        : losses != null ? "losses.npy" : "grads.npy";
                throw new BadInputException(file, "step " + (k + 1) + ": " + e.getMessage());
            }
        }
        return new Result(optimizer, params, state);
    }

    /** The output file of each slot: {@code m}, {@code v}, AMSGrad's {@code v_max}. */
    private static final String[] SLOT_FILES = {"m.npy", "v.npy", "vmax.npy"};

    /**
     * Writes {@code params.npy}, {@code m.npy}, {@code v.npy}, {@code vmax.npy} with AMSGrad, and
     * {@code step.txt}, all or nothing:
     * after a failure {@code outDir} holds what it held before, and a directory made for the output
     * is removed again.
     */
    static void write(Result result, Path outDir) throws IOException {
        boolean created = !Files.exists(outDir);
        Files.createDirectories(outDir);
        Map<String, AtomicFiles.Content> files = new LinkedHashMap<>();
        files.put("params.npy", out -> NpyWriter.write(out, FloatBuffer.wrap(result.params())));
        OptimizerState state = result.state();
        for (int k = 0; k < state.slotCount(); k++) {
            int slot = k;
            files.put(SLOT_FILES[k], out -> NpyWriter.writeSlot(out, state.slotSegment(0, slot), state.format()));
        }
        files.put("step.txt", out -> new LittleEndianFloats(out, null).bytes(ByteBuffer.wrap(
                (result.state().step() + "\n").getBytes(StandardCharsets.US_ASCII))));
        try {
            AtomicFiles.writeAll(outDir, files);
        } catch (IOException | RuntimeException e) {
            if (created) {
                try {
                    Files.deleteIfExists(outDir);
                } catch (IOException ignored) {
                    // Not empty after all: leave it.
                }
            }
            throw e;
        }
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
            checkOutput(caseDir, outDir);
            result = run(caseDir);
        } catch (BadInputException e) {
            err.println("replay: " + e.getMessage());
            return 2;
        }
        try {
            write(result, outDir);
        } catch (IOException e) {
            err.println("replay: cannot write " + outDir + ": " + e.getMessage());
            return 1;
        }
        out.println("replayed " + result.state().step() + " steps of " + result.optimizer().kind().displayName()
                + " over " + result.params().length + " elements on the " + Main.kernelsName()
                + " kernels; wrote " + outDir);
        return 0;
    }

    /** The output must not overwrite the case: OUT_DIR may not be CASE_DIR, nor anything but a directory. */
    private static void checkOutput(Path caseDir, Path outDir) throws BadInputException {
        if (!Files.exists(outDir)) {
            return;
        }
        if (!Files.isDirectory(outDir)) {
            throw new BadInputException(outDir.toString(), "exists and is not a directory; OUT_DIR must be one");
        }
        try {
            if (Files.exists(caseDir) && Files.isSameFile(caseDir, outDir)) {
                throw new BadInputException(outDir.toString(), "is the case directory; the output would overwrite "
                        + "its params.npy: give another OUT_DIR");
            }
        } catch (IOException e) {
            throw new BadInputException(outDir.toString(), "cannot be compared with " + caseDir + ": " + e.getMessage());
        }
    }
}
