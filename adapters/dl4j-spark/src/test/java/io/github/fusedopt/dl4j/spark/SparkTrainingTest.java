package io.github.fusedopt.dl4j.spark;

import io.github.fusedopt.Adam;
import io.github.fusedopt.AdamL;
import io.github.fusedopt.dl4j.FusedUpdater;
import io.github.fusedopt.dl4j.MinibatchLoss;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fusedopt updater in a dl4j-spark run, Spark local mode with two workers, parameter averaging
 * every 4 minibatches: DL4J's Adam, fusedopt's Adam and AdamL (with the {@link MinibatchLoss}
 * listener, which Spark ships to the workers) train the same network on the same data. Prints the
 * held-out loss after each epoch and the time per epoch.
 */
class SparkTrainingTest {

    static final int EPOCHS = 10;
    private static JavaSparkContext spark;
    private static JavaRDD<DataSet> train;
    private static DataSet heldOut;

    @BeforeAll
    static void start() {
        spark = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("fusedopt")
                .set("spark.ui.enabled", "false")
                // Spark's serialization debugger uses a class JDK 25 no longer has.
                .set("spark.serializer.extraDebugInfo", "false"));
        Nd4j.getRandom().setSeed(1);
        List<DataSet> batches = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            batches.add(batch(16));
        }
        train = spark.parallelize(batches, 2);
        heldOut = batch(256);
    }

    private static DataSet batch(int rows) {
        INDArray x = Nd4j.rand(DataType.FLOAT, rows, 4);
        return new DataSet(x, x.sum(true, 1).reshape(rows, 1));   // learn the sum of the inputs
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void fusedoptUpdatersTrainOnSparkAsDl4jsAdamDoes() {
        double[] dl4j = run("DL4J Adam", new org.nd4j.linalg.learning.config.Adam(1e-2));
        double[] adam = run("fusedopt Adam", FusedUpdater.of(Adam.builder().learningRate(1e-2).build()));
        double[] adamL = run("fusedopt AdamL", FusedUpdater.of(AdamL.builder().learningRate(1e-2).build()));
        // Averaging every 4 minibatches at this rate leaves the held-out loss bouncing between about
        // 0.01 and 0.02 from epoch to epoch, for DL4J's Adam as for fusedopt's: compare the level reached.
        for (double[] losses : List.of(dl4j, adam, adamL)) {
            assertTrue(losses[EPOCHS] < losses[0] / 100, "trains: " + losses[0] + " -> " + losses[EPOCHS]);
        }
    }

    /** The held-out loss before training and after each epoch. */
    private static double[] run(String name, IUpdater updater) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.FLOAT)
                .updater(updater).list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(16).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(16).nOut(1)
                        .activation(Activation.IDENTITY).build())
                .build();
        SparkDl4jMultiLayer network = new SparkDl4jMultiLayer(spark, conf,
                new ParameterAveragingTrainingMaster.Builder(16).batchSizePerWorker(16).averagingFrequency(4)
                        .workerPrefetchNumBatches(0).rddTrainingApproach(RDDTrainingApproach.Direct).build());
        network.setListeners(new MinibatchLoss());
        double[] losses = new double[EPOCHS + 1];
        losses[0] = network.getNetwork().score(heldOut);
        long start = System.nanoTime();
        for (int epoch = 1; epoch <= EPOCHS; epoch++) {
            network.fit(train);
            losses[epoch] = network.getNetwork().score(heldOut);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("spark %-15s held-out loss %.5f -> %.6f (epochs 1-3: %.6f %.6f %.6f), %.2f s per epoch%n",
                name, losses[0], losses[EPOCHS], losses[1], losses[2], losses[3], seconds / EPOCHS);
        return losses;
    }
}
