package io.github.fusedopt.cli;

import io.github.fusedopt.Adam;
import io.github.fusedopt.AdaL;
import io.github.fusedopt.Optimizer;
import io.github.fusedopt.OptimizerState;
import io.github.fusedopt.Step;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The replay additions of the framework API: {@code lrs.npy}, and AMSGrad's {@code vmax.npy}. */
class ReplayScheduleTest {

    private static final Set<String> F4 = Set.of("<f4");

    @Test
    void lrsGiveEachStepItsLearningRateAndAmsGradWritesVmax(@TempDir Path dir) throws Exception {
        SplittableRandom r = new SplittableRandom(9);
        int n = 23;
        int steps = 6;
        float[] params = new float[n];
        float[][] grads = new float[steps][n];
        double[] lrs = new double[steps];
        for (int i = 0; i < n; i++) {
            params[i] = (float) r.nextGaussian();
        }
        for (int s = 0; s < steps; s++) {
            for (int i = 0; i < n; i++) {
                grads[s][i] = (float) (0.1 * r.nextGaussian());
            }
            lrs[s] = 1e-2 / (s + 1);
        }
        Files.writeString(dir.resolve("case.properties"), "optimizer=adam\nlr=0.5\namsgrad=true\n");
        NpyFiles.writeVector(dir.resolve("params.npy"), params);
        NpyFiles.writeMatrix(dir.resolve("grads.npy"), grads);
        NpyFiles.writeDoubles(dir.resolve("lrs.npy"), lrs);
        ReplayTest.Outcome outcome = ReplayTest.run("replay", dir.toString());
        assertEquals(0, outcome.status(), outcome.err());

        Adam adam = Adam.builder().learningRate(0.5).amsGrad(true).build();
        OptimizerState state = adam.newState(n);
        for (int s = 0; s < steps; s++) {
            adam.step(state, params, grads[s], new Step().learningRate(lrs[s]));
        }
        Path out = dir.resolve("out");
        assertArrayEquals(params, Npy.read(out.resolve("params.npy"), F4, 1).floats());
        float[] vmax = new float[n];
        state.slot(0, 2).get(vmax);
        assertArrayEquals(vmax, Npy.read(out.resolve("vmax.npy"), F4, 1).floats());
    }

    /** AdaL anneals the given rates: α_t/√t with α_t from lrs.npy. */
    @Test
    void adalAnnealsTheRecordedRates(@TempDir Path dir) throws Exception {
        float[] params = {1, -1, 0.5f};
        float[][] grads = {{0.1f, 0.2f, -0.3f}, {0.2f, -0.1f, 0.1f}, {0.3f, 0.3f, 0.3f}};
        double[] lrs = {0.1, 0.2, 0.4};
        Files.writeString(dir.resolve("case.properties"), "optimizer=adal\n");
        NpyFiles.writeVector(dir.resolve("params.npy"), params);
        NpyFiles.writeMatrix(dir.resolve("grads.npy"), grads);
        NpyFiles.writeDoubles(dir.resolve("lrs.npy"), lrs);
        assertEquals(0, ReplayTest.run("replay", dir.toString()).status());
        Optimizer adal = AdaL.builder().build();
        OptimizerState state = adal.newState(3);
        for (int s = 0; s < 3; s++) {
            adal.toBuilder().learningRate(lrs[s]).build().step(state, params, grads[s], new Step());
        }
        assertArrayEquals(params, Npy.read(dir.resolve("out/params.npy"), F4, 1).floats());
    }

    @Test
    void badLearningRatesAreBadInput(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("case.properties"), "optimizer=adam\n");
        NpyFiles.writeVector(dir.resolve("params.npy"), 1, 2);
        NpyFiles.writeMatrix(dir.resolve("grads.npy"), new float[][] {{1, 1}, {1, 1}});
        NpyFiles.writeDoubles(dir.resolve("lrs.npy"), 0.1);
        ReplayTest.Outcome outcome = ReplayTest.run("replay", dir.toString());
        assertEquals(2, outcome.status());
        assertTrue(outcome.err().startsWith("replay: lrs.npy: shape (1,) does not match the 2 steps"), outcome.err());
        NpyFiles.writeDoubles(dir.resolve("lrs.npy"), 0.1, -1);
        outcome = ReplayTest.run("replay", dir.toString());
        assertEquals(2, outcome.status());
        assertTrue(outcome.err().startsWith("replay: lrs.npy: step 2: step.learningRate = -1.0: must be > 0"),
                outcome.err());
        assertFalse(Files.exists(dir.resolve("out")));
    }
}
