package io.github.fusedopt.djl;

import ai.djl.training.tracker.Tracker;
import io.github.fusedopt.AdaL;
import io.github.fusedopt.Adam;
import io.github.fusedopt.AdamL;
import io.github.fusedopt.adapters.testing.AdapterAsserts;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training inside DJL on the PyTorch engine: fusedopt's Adam through the adapter follows DJL's own
 * Adam; AdamL and AdaL train; a DJL tracker sets the learning rate.
 */
class DjlTrainingTest {

    static final int ITERATIONS = 240;
    /** As in the DL4J adapter's test: DJL's Adam adds {@code ε} to {@code √v}, fusedopt to {@code √v̂}. */
    static final double CURVE_TOLERANCE = 5e-4;

    @Test
    void adamThroughTheAdapterFollowsDjlsAdam() {
        double[] theirs = DjlNetworks.train(ai.djl.training.optimizer.Optimizer.adam()
                .optLearningRateTracker(Tracker.fixed(3e-3f)).build(), ITERATIONS, loss -> { });
        double[] ours = DjlNetworks.train(FusedOptimizer.builder(Adam.builder().learningRate(3e-3).build()).build(),
                ITERATIONS, loss -> { });
        assertCurvesAgree(theirs, ours);
        assertTrue(ours[ITERATIONS - 1] < 0.5 * ours[0], "trains: " + ours[0] + " -> " + ours[ITERATIONS - 1]);
    }

    @Test
    void aTrackerSetsTheLearningRateAsDjlsAdamReadsIt() {
        Tracker tracker = Tracker.factor().setBaseValue(1e-2f).setFactor(0.99f).build();
        double[] theirs = DjlNetworks.train(ai.djl.training.optimizer.Optimizer.adam()
                .optLearningRateTracker(tracker).build(), ITERATIONS, loss -> { });
        double[] ours = DjlNetworks.train(FusedOptimizer.builder(Adam.builder().build())
                .optLearningRateTracker(tracker).build(), ITERATIONS, loss -> { });
        assertCurvesAgree(theirs, ours);
        assertTrue(ours[ITERATIONS - 1] < 0.5 * ours[0], "trains: " + ours[0] + " -> " + ours[ITERATIONS - 1]);
    }

    @Test
    void adamLAndAdaLTrainInDjl() {
        FusedOptimizer adamL = FusedOptimizer.builder(AdamL.builder().learningRate(3e-3).build()).build();
        double[] adamLLosses = DjlNetworks.train(adamL, ITERATIONS, adamL::loss);
        assertTrue(adamLLosses[ITERATIONS - 1] < 0.5 * adamLLosses[0],
                "AdamL trains: " + adamLLosses[0] + " -> " + adamLLosses[ITERATIONS - 1]);
        double[] adaL = DjlNetworks.train(FusedOptimizer.builder(AdaL.builder().learningRate(3e-3).build()).build(),
                ITERATIONS, loss -> { });
        assertTrue(adaL[ITERATIONS - 1] < 0.5 * adaL[0], "AdaL trains: " + adaL[0] + " -> " + adaL[ITERATIONS - 1]);
    }

    private static void assertCurvesAgree(double[] theirs, double[] ours) {
        AdapterAsserts.assertCurvesAgree(theirs, ours, CURVE_TOLERANCE, "DJL loss curves");
    }
}
