package io.github.fusedopt.dl4j;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A small classifier and its data, made in the test: 512 points in 10 dimensions, labelled by a
 * fixed random teacher into 3 classes, in minibatches of 64; a 10-32-32-3 network with tanh
 * hidden layers and a softmax output, float, seed 42.
 */
final class Networks {

    static final int FEATURES = 10;
    static final int CLASSES = 3;
    static final int BATCH = 64;
    static final int EXAMPLES = 512;

    private Networks() {
    }

    static MultiLayerConfiguration configuration(IUpdater updater) {
        return new NeuralNetConfiguration.Builder()
                .seed(42)
                .dataType(DataType.FLOAT)
                .updater(updater)
                .list()
                .layer(new DenseLayer.Builder().nIn(FEATURES).nOut(32).activation(Activation.TANH).build())
                .layer(new DenseLayer.Builder().nIn(32).nOut(32).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(32).nOut(CLASSES)
                        .activation(Activation.SOFTMAX).build())
                .build();
    }

    static MultiLayerNetwork network(IUpdater updater) {
        MultiLayerNetwork network = new MultiLayerNetwork(configuration(updater));
        network.init();
        return network;
    }

    /** The minibatches, the same every call. */
    static List<DataSet> batches() {
        SplittableRandom random = new SplittableRandom(7);
        double[][] teacher = new double[CLASSES][FEATURES];
        for (double[] row : teacher) {
            for (int j = 0; j < FEATURES; j++) {
                row[j] = random.nextDouble(-1, 1);
            }
        }
        List<DataSet> batches = new ArrayList<>();
        for (int b = 0; b < EXAMPLES / BATCH; b++) {
            float[][] x = new float[BATCH][FEATURES];
            float[][] y = new float[BATCH][CLASSES];
            for (int i = 0; i < BATCH; i++) {
                int best = 0;
                double bestScore = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < FEATURES; j++) {
                    x[i][j] = (float) random.nextGaussian();
                }
                for (int c = 0; c < CLASSES; c++) {
                    double score = 0;
                    for (int j = 0; j < FEATURES; j++) {
                        score += teacher[c][j] * x[i][j];
                    }
                    if (score > bestScore) {
                        bestScore = score;
                        best = c;
                    }
                }
                y[i][best] = 1;
            }
            INDArray features = Nd4j.createFromArray(x);
            INDArray labels = Nd4j.createFromArray(y);
            batches.add(new DataSet(features, labels));
        }
        return batches;
    }

    /** {@code iterations} minibatch steps, cycling through the batches; the score of each. */
    static double[] train(MultiLayerNetwork network, List<DataSet> batches, int iterations) {
        double[] scores = new double[iterations];
        for (int i = 0; i < iterations; i++) {
            network.fit(batches.get((network.getIterationCount()) % batches.size()));
            scores[i] = network.score();
        }
        return scores;
    }
}
