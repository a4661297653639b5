package io.github.fusedopt.cli;

import io.github.fusedopt.AdaL;
import io.github.fusedopt.AdamL;
import io.github.fusedopt.GradientOptimizer;
import io.github.fusedopt.Optimizer;
import io.github.fusedopt.OptimizerState;
import io.github.fusedopt.StateFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplayTest {

    private static final Set<String> F4 = Set.of("<f4");

    record Outcome(int status, String out, String err) {
    }

    static Outcome run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Path example() throws URISyntaxException {
        return Path.of(ReplayTest.class.getResource("/replay/adaml-example/case.properties").toURI()).getParent();
    }

    @Test
    void theBundledExampleMatchesNumPysFloat64Run(@TempDir Path out) throws Exception {
        Outcome outcome = run("replay", example().toString(), out.toString());
        assertEquals(0, outcome.status, outcome.err);
        assertTrue(outcome.out.startsWith("replayed 100 steps of AdamL over 64 elements"), outcome.out);
        assertEquals("100\n", Files.readString(out.resolve("step.txt")));

        float[] params = Npy.read(out.resolve("params.npy"), F4, 1).floats();
        double[] expected = Npy.read(example().resolve("expected/params.npy"), Set.of("<f8"), 1).doubles();
        double[] initial = Npy.read(example().resolve("params.npy"), F4, 1).doubles();
        // 100 steps of lr 0.01 move each parameter by at most ~1; float32 against float64 (with
        // the betas applied as float32 here, as float64 there) agrees to ~1e-6 of that path.
        for (int i = 0; i < params.length; i++) {
            double tolerance = 1e-5 * (Math.abs(initial[i]) + 1);
            assertEquals(expected[i], params[i], tolerance, "params[" + i + "]");
        }
        double[] v = Npy.read(out.resolve("v.npy"), F4, 1).doubles();
        double[] expectedV = Npy.read(example().resolve("expected/v.npy"), Set.of("<f8"), 1).doubles();
        for (int i = 0; i < v.length; i++) {
            assertEquals(expectedV[i], v[i], 1e-4 * expectedV[i], "v[" + i + "]");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"adam", "adamw", "eadam", "adabelief", "adaml", "adal", "adam bf16", "adamw bf16",
        "eadam bf16", "adabelief bf16", "adaml bf16", "adal bf16"})
    void replayGivesTheSameBitsAsTheApi(String name, @TempDir Path dir) throws Exception {
        SplittableRandom r = new SplittableRandom(name.hashCode());
        String optimizerName = name.split(" ")[0];
        boolean bf16 = name.endsWith(" bf16");
        int n = 37;
        int steps = 9;
        float[] params = random(r, n);
        float[][] grads = new float[steps][];
        double[] losses = new double[steps];
        for (int s = 0; s < steps; s++) {
            grads[s] = random(r, n);
            losses[s] = 5.0 / (s + 1);
        }
        // The builder's name for the learning rate; the older "lr" is tested with the bundled case.
        String properties = "optimizer=" + optimizerName + "\nlearningRate=0.003\nbeta1=0.8\nbeta2=0.99\neps=1e-7\n"
                + "weightDecay=0.05\nweightDecayMode=decoupled\n"
                + switch (optimizerName) {
                    case "adaml" -> "lossExponent=2\nlossMin=0.5\nreferenceLoss=6\n";
                    case "adal" -> "anneal=false\n";
                    default -> "";
                }
                + (bf16 ? "stateFormat=bf16\nseed=-77\n" : "");
        Files.writeString(dir.resolve("case.properties"), properties);
        NpyFiles.writeVector(dir.resolve("params.npy"), params);
        NpyFiles.writeMatrix(dir.resolve("grads.npy"), grads);
        NpyFiles.writeDoubles(dir.resolve("losses.npy"), losses);

        Outcome outcome = run("replay", dir.toString());
        assertEquals(0, outcome.status, outcome.err);

        Optimizer optimizer = ReplayCase.read(dir).optimizer();
        assertEquals(0.003, optimizer.learningRate());
        assertEquals(0.05, optimizer.weightDecay());
        assertEquals(bf16 ? StateFormat.BF16 : StateFormat.F32, optimizer.stateFormat());
        assertEquals(bf16 ? -77 : 0, optimizer.roundingSeed());
        if (optimizer instanceof AdaL adal) {
            assertFalse(adal.anneal());
        }
        OptimizerState state = optimizer.newState(n);
        for (int s = 0; s < steps; s++) {
            switch (optimizer) {
                case AdamL adamL -> adamL.step(state, losses[s], params, grads[s]);
                case GradientOptimizer g -> g.step(state, params, grads[s]);
            }
        }
        Path out = dir.resolve("out");
        assertArrayEquals(params, Npy.read(out.resolve("params.npy"), F4, 1).floats());
        float[] m = new float[n];
        state.firstMoment().get(m);
        assertArrayEquals(m, Npy.read(out.resolve("m.npy"), F4, 1).floats());
        float[] v = new float[n];
        state.secondMoment().get(v);
        assertArrayEquals(v, Npy.read(out.resolve("v.npy"), F4, 1).floats());
        assertEquals(steps + "\n", Files.readString(out.resolve("step.txt")));
    }

    @Test
    void zeroStepsWriteTheInitialState(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("case.properties"), "optimizer=adam\n");
        NpyFiles.writeVector(dir.resolve("params.npy"), 1, 2);
        Files.write(dir.resolve("grads.npy"), NpyFiles.npy(NpyFiles.dict("<f4", "(0, 2)"), new byte[0]));
        assertEquals(0, run("replay", dir.toString(), dir.resolve("o").toString()).status);
        assertArrayEquals(new float[] {1, 2}, Npy.read(dir.resolve("o/params.npy"), F4, 1).floats());
        assertEquals("0\n", Files.readString(dir.resolve("o/step.txt")));
    }

    /** Each row: what to break in a valid adaml case, the file the message must name, and what it must say. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown optimizer        | case.properties | unknown optimizer 'adamax'",
        "unknown key              | case.properties | unknown key 'momentum'",
        "key of another optimizer | case.properties | unknown key 'anneal'",
        "missing optimizer        | case.properties | the key 'optimizer' is missing",
        "unparsable number        | case.properties | lr = 'fast': is not a number",
        "rejected hyperparameter  | case.properties | beta1 = 1.0: must be in [0, 1)",
        "non-finite lr            | case.properties | learningRate = NaN",
        "lr and learningRate      | case.properties | both lr and learningRate",
        "bad decay mode           | case.properties | weightDecayMode = 'both'",
        "bad reference loss       | case.properties | referenceLoss = -1.0",
        "no case.properties       | case.properties | not found",
        "no params                | params.npy      | not found",
        "params wrong dtype       | params.npy      | dtype '<f8'",
        "params big-endian        | params.npy      | big-endian",
        "params 2-D               | params.npy      | 2 dimension(s), expected 1",
        "params truncated         | params.npy      | truncated",
        "params bad magic         | params.npy      | not a .npy file",
        "grads wrong width        | grads.npy       | does not match params.npy's 4 elements",
        "grads 1-D                | grads.npy       | 1 dimension(s), expected 2",
        "grads trailing bytes     | grads.npy       | unexpected bytes",
        "no losses                | losses.npy      | not found",
        "losses too few           | losses.npy      | does not match the 3 steps",
        "losses int               | losses.npy      | dtype '<i8'",
        "loss NaN                 | losses.npy      | step 2: loss = NaN: must be finite",
        "loss below lossMin       | losses.npy      | step 3: loss = -0.5: must be >= lossMin = 0.0",
    })
    void badInputExitsWithStatus2OneLineAndWritesNothing(String breakage, String file, String problem,
                                                          @TempDir Path dir) throws IOException {
        writeValidAdamLCase(dir);
        breakCase(dir, breakage.trim());
        Path out = dir.resolve("results");
        Outcome outcome = run("replay", dir.toString(), out.toString());
        assertEquals(2, outcome.status, outcome.err);
        assertEquals(1, outcome.err.lines().count(), outcome.err);
        assertTrue(outcome.err.startsWith("replay: " + file + ": "), outcome.err);
        assertTrue(outcome.err.contains(problem), outcome.err);
        assertEquals("", outcome.out);
        assertFalse(Files.exists(out), "nothing written");
        assertFalse(Files.exists(dir.resolve("out")), "nothing written");
    }

    @Test
    void badInputLeavesAnExistingOutputDirectoryAsItWas(@TempDir Path dir) throws IOException {
        writeValidAdamLCase(dir);
        breakCase(dir, "loss NaN");
        Path out = Files.createDirectories(dir.resolve("results"));
        Files.writeString(out.resolve("params.npy"), "old");
        assertEquals(2, run("replay", dir.toString(), out.toString()).status);
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(List.of(out.resolve("params.npy")), files.toList());
        }
        assertEquals("old", Files.readString(out.resolve("params.npy")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''                 | usage:",
        "replay             | usage: replay CASE_DIR [OUT_DIR]",
        "replay a b c       | usage: replay CASE_DIR [OUT_DIR]",
        "fit                | unknown command 'fit'",
    })
    void usageErrorsExitWithStatus2(String args, String message) {
        Outcome outcome = run(args.isBlank() ? new String[0] : args.trim().split(" +"));
        assertEquals(2, outcome.status);
        assertEquals(1, outcome.err.lines().count());
        assertTrue(outcome.err.contains(message), outcome.err);
    }

    @Test
    void theProcessExitsWithTheStatus(@TempDir Path dir) throws Exception {
        writeValidAdamLCase(dir);
        breakCase(dir, "loss NaN");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "replay", dir.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, process.exitValue(), err);
        assertTrue(err.lines().anyMatch(l -> l.startsWith("replay: losses.npy: step 2: loss = NaN")), err);
    }

    private static void writeValidAdamLCase(Path dir) throws IOException {
        Files.writeString(dir.resolve("case.properties"), "optimizer=adaml\nlr=0.01\n");
        NpyFiles.writeVector(dir.resolve("params.npy"), 1, 2, 3, 4);
        NpyFiles.writeMatrix(dir.resolve("grads.npy"), new float[][] {{1, 1, 1, 1}, {0, 1, 0, 1}, {1, 0, 1, 0}});
        NpyFiles.writeDoubles(dir.resolve("losses.npy"), 3, 2, 1);
    }

    private static void breakCase(Path dir, String breakage) throws IOException {
        Path props = dir.resolve("case.properties");
        switch (breakage) {
            case "unknown optimizer" -> Files.writeString(props, "optimizer=adamax\n");
            case "unknown key" -> Files.writeString(props, "optimizer=adaml\nmomentum=0.9\n");
            case "key of another optimizer" -> Files.writeString(props, "optimizer=adaml\nanneal=true\n");
            case "missing optimizer" -> Files.writeString(props, "lr=0.1\n");
            case "unparsable number" -> Files.writeString(props, "optimizer=adaml\nlr=fast\n");
            case "rejected hyperparameter" -> Files.writeString(props, "optimizer=adaml\nbeta1=1\n");
            case "non-finite lr" -> Files.writeString(props, "optimizer=adaml\nlr=NaN\n");
            case "lr and learningRate" -> Files.writeString(props, "optimizer=adaml\nlr=0.1\nlearningRate=0.1\n");
            case "bad decay mode" -> Files.writeString(props, "optimizer=adaml\nweightDecayMode=both\n");
            case "bad reference loss" -> Files.writeString(props, "optimizer=adaml\nreferenceLoss=-1\n");
            case "no case.properties" -> Files.delete(props);
            case "no params" -> Files.delete(dir.resolve("params.npy"));
            case "params wrong dtype" -> NpyFiles.writeDoubles(dir.resolve("params.npy"), 1, 2, 3, 4);
            case "params big-endian" -> Files.write(dir.resolve("params.npy"),
                    NpyFiles.npy(NpyFiles.dict(">f4", "(4,)"), new byte[16]));
            case "params 2-D" -> NpyFiles.writeMatrix(dir.resolve("params.npy"), new float[][] {{1, 2}, {3, 4}});
            case "params truncated" -> truncate(dir.resolve("params.npy"), 3);
            case "params bad magic" -> Files.writeString(dir.resolve("params.npy"), "PK not numpy at all");
            case "grads wrong width" -> NpyFiles.writeMatrix(dir.resolve("grads.npy"), new float[][] {{1, 1, 1}});
            case "grads 1-D" -> NpyFiles.writeVector(dir.resolve("grads.npy"), 1, 1, 1, 1);
            case "grads trailing bytes" -> Files.write(dir.resolve("grads.npy"), new byte[] {0, 0, 0, 0},
                    java.nio.file.StandardOpenOption.APPEND);
            case "no losses" -> Files.delete(dir.resolve("losses.npy"));
            case "losses too few" -> NpyFiles.writeDoubles(dir.resolve("losses.npy"), 3, 2);
            case "losses int" -> Files.write(dir.resolve("losses.npy"),
                    NpyFiles.npy(NpyFiles.dict("<i8", "(3,)"), new byte[24]));
            case "loss NaN" -> NpyFiles.writeDoubles(dir.resolve("losses.npy"), 3, Double.NaN, 1);
            case "loss below lossMin" -> NpyFiles.writeDoubles(dir.resolve("losses.npy"), 3, 2, -0.5);
            default -> throw new IllegalArgumentException(breakage);
        }
    }

    private static void truncate(Path file, int bytes) throws IOException {
        byte[] content = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(content, content.length - bytes));
    }

    private static float[] random(SplittableRandom r, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) r.nextGaussian();
        }
        return values;
    }
}
