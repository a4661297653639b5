package io.github.fusedopt.dl4j;

import io.github.fusedopt.AdaL;
import io.github.fusedopt.Adam;
import io.github.fusedopt.AdamL;
import io.github.fusedopt.StateFormat;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import io.github.fusedopt.adapters.testing.AdapterAsserts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training inside DL4J: fusedopt's Adam through the adapter follows DL4J's own Adam; AdamL and AdaL
 * train; a DL4J schedule sets the learning rate; the configuration round-trips through JSON; a
 * network saved and restored with {@link ModelSerializer} continues as if uninterrupted.
 */
class Dl4jTrainingTest {

    static final int ITERATIONS = 240;
    /**
     * How far the loss curves of DL4J's Adam and fusedopt's may drift apart, relative. They differ by
     * where {@code ε} sits (DL4J adds it to {@code √v}, fusedopt to {@code √v̂}, as PyTorch) and by
     * float rounding; both are far below this.
     */
    static final double CURVE_TOLERANCE = 5e-4;

    private final List<DataSet> batches = Networks.batches();

    @Test
    void adamThroughTheAdapterFollowsDl4jsAdam() {
        double[] theirs = Networks.train(Networks.network(new org.nd4j.linalg.learning.config.Adam(3e-3)), batches,
                ITERATIONS);
        double[] ours = Networks.train(Networks.network(FusedUpdater.of(Adam.builder().learningRate(3e-3).build())),
                batches, ITERATIONS);
        assertCurvesAgree(theirs, ours);
        assertTrue(ours[ITERATIONS - 1] < 0.5 * ours[0], "trains: " + ours[0] + " -> " + ours[ITERATIONS - 1]);
    }

    @Test
    void aScheduleSetsTheLearningRateAsDl4jsAdamReadsIt() {
        ISchedule schedule = new MapSchedule(ScheduleType.ITERATION, Map.of(0, 1e-2, 60, 3e-3, 150, 1e-3));
        double[] theirs = Networks.train(Networks.network(new org.nd4j.linalg.learning.config.Adam(schedule)),
                batches, ITERATIONS);
        double[] ours = Networks.train(Networks.network(FusedUpdater.of(Adam.builder().build(), schedule)), batches,
                ITERATIONS);
        assertCurvesAgree(theirs, ours);
        double[] constant = Networks.train(Networks.network(FusedUpdater.of(Adam.builder().learningRate(1e-2).build())),
                batches, ITERATIONS);
        assertEquals(constant[59], ours[59], "the first 60 iterations run at 1e-2");
        assertTrue(constant[61] != ours[61], "iteration 60 on, the schedule's 3e-3");
    }

    @Test
    void adamLAndAdaLTrainInDl4j() {
        MultiLayerNetwork adamL = Networks.network(FusedUpdater.of(AdamL.builder().learningRate(3e-3).build()));
        adamL.addListeners(new MinibatchLoss());
        double[] adamLScores = Networks.train(adamL, batches, ITERATIONS);
        assertTrue(adamLScores[ITERATIONS - 1] < 0.5 * adamLScores[0],
                "AdamL trains: " + adamLScores[0] + " -> " + adamLScores[ITERATIONS - 1]);
        double[] adaLScores = Networks.train(Networks.network(FusedUpdater.of(AdaL.builder().learningRate(3e-3).build())),
                batches, ITERATIONS);
        assertTrue(adaLScores[ITERATIONS - 1] < 0.5 * adaLScores[0],
                "AdaL trains: " + adaLScores[0] + " -> " + adaLScores[ITERATIONS - 1]);
    }

    @Test
    void theConfigurationRoundTripsThroughJson() {
        for (IUpdater updater : List.of(FusedUpdater.of(AdamL.builder().lossExponent(2).build()),
                FusedUpdater.of(Adam.builder().stateFormat(StateFormat.BF16).roundingSeed(-4).build()),
                FusedUpdater.of(Adam.builder().amsGrad(true).build(),
                        new MapSchedule(ScheduleType.EPOCH, Map.of(0, 1e-2, 3, 1e-3))))) {
            MultiLayerConfiguration configuration = Networks.configuration(updater);
            MultiLayerConfiguration restored = MultiLayerConfiguration.fromJson(configuration.toJson());
            assertEquals(configuration, restored);
            IUpdater back = restored.getConf(0).getLayer().getUpdaterByParam("W");
            assertInstanceOf(FusedUpdater.class, back);
            assertEquals(updater, back);
        }
    }

    @Test
    void aSavedNetworkContinuesAsIfUninterrupted(@TempDir File dir) throws IOException {
        for (IUpdater updater : List.of(FusedUpdater.of(Adam.builder().learningRate(3e-3).build()),
                FusedUpdater.of(AdamL.builder().learningRate(3e-3).build()),
                FusedUpdater.of(AdamL.builder().learningRate(3e-3).stateFormat(StateFormat.BF16).roundingSeed(9).build()))) {
            MultiLayerNetwork straight = Networks.network(updater);
            straight.addListeners(new MinibatchLoss());
            Networks.train(straight, batches, 200);

            MultiLayerNetwork first = Networks.network(updater);
            first.addListeners(new MinibatchLoss());
            Networks.train(first, batches, 120);
            File file = new File(dir, "network.zip");
            ModelSerializer.writeModel(first, file, true);
            MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(file, true);
            restored.addListeners(new MinibatchLoss());
            Networks.train(restored, batches, 80);

            assertEquals(straight.getIterationCount(), restored.getIterationCount());
            assertArrayEquals(straight.params().toFloatVector(), restored.params().toFloatVector(),
                    updater + ": parameters after 120 + 80 iterations equal 200 straight");
            assertArrayEquals(straight.getUpdater().getStateViewArray().toFloatVector(),
                    restored.getUpdater().getStateViewArray().toFloatVector(), updater + ": updater state");
        }
    }

    /** Spark ships a network's listeners to its workers. */
    @Test
    void theLossListenerSerializes() throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new MinibatchLoss());
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertInstanceOf(MinibatchLoss.class, in.readObject());
        }
    }

    private static void assertCurvesAgree(double[] theirs, double[] ours) {
        AdapterAsserts.assertCurvesAgree(theirs, ours, CURVE_TOLERANCE, "loss curves");
    }
}
