package io.github.fusedopt.study;

import io.github.fusedopt.Optimizer;
import io.github.fusedopt.OptimizerState;
import io.github.fusedopt.Step;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A small network trained with mini-batches on two spirals, with every contender, at two learning
 * rates, with and without a step-decay schedule. Data, initial weights and batch order are seeded
 * and the same for every run.
 */
final class MlpStudy {

    /** The learning rate over training: constant, or ×0.1 from half-way and ×0.01 from three quarters. */
    enum Schedule {
        CONSTANT, STEP;

        double factor(int epoch, int epochs) {
            if (this == CONSTANT || epoch < epochs / 2) {
                return 1;
            }
            return epoch < epochs * 3 / 4 ? 0.1 : 0.01;
        }
    }

    static final double[] LEARNING_RATES = {1e-3, 1e-2};
    static final int EPOCHS = 200;
    static final int BATCH = 32;
    static final int HIDDEN = 32;
    static final int TRAIN_POINTS = 1000;
    static final int TEST_POINTS = 1000;
    static final double NOISE = 0.2;

    private MlpStudy() {
    }

    static List<MlpRun> run(int epochs) {
        Spirals train = Spirals.generate(TRAIN_POINTS, NOISE, 11);
        Spirals test = Spirals.generate(TEST_POINTS, NOISE, 12);
        List<MlpRun> runs = new ArrayList<>();
        for (Schedule schedule : Schedule.values()) {
            for (double learningRate : LEARNING_RATES) {
                for (Contender contender : Contender.values()) {
                    runs.add(run(contender, learningRate, schedule, epochs, train, test));
                }
            }
        }
        return runs;
    }

    static MlpRun run(Contender contender, double learningRate, Schedule schedule, int epochs, Spirals train,
                      Spirals test) {
        Mlp mlp = new Mlp(HIDDEN, 13);
        Optimizer optimizer = contender.build(learningRate);
        OptimizerState state = optimizer.newState(mlp.group);
        double[] trainLoss = new double[epochs + 1];
        double[] testAccuracy = new double[epochs + 1];
        trainLoss[0] = meanLoss(mlp, train);
        testAccuracy[0] = accuracy(mlp, test);
        int[] order = new int[train.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Random shuffle = new Random(14);
        Step step = new Step();
        for (int epoch = 0; epoch < epochs; epoch++) {
            // The learning rate of this epoch's steps: no rebuilding, nothing allocated.
            step.learningRate(learningRate * schedule.factor(epoch, epochs));
            shuffle(order, shuffle);
            for (int from = 0; from < order.length; from += BATCH) {
                int to = Math.min(order.length, from + BATCH);
                Arrays.fill(mlp.grads, 0);
                double batchLoss = 0;
                for (int i = from; i < to; i++) {
                    float[] x = train.inputs()[order[i]];
                    float label = train.labels()[order[i]];
                    double logit = mlp.forward(x);
                    batchLoss += Mlp.loss(logit, label);
                    mlp.backward(x, logit, label, 1.0 / (to - from));
                }
                optimizer.step(state, mlp.group, step.loss(batchLoss / (to - from)));
            }
            trainLoss[epoch + 1] = meanLoss(mlp, train);
            testAccuracy[epoch + 1] = accuracy(mlp, test);
        }
        return new MlpRun(contender, learningRate, schedule, trainLoss, testAccuracy);
    }

    private static void shuffle(int[] order, Random random) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    static double meanLoss(Mlp mlp, Spirals data) {
        double sum = 0;
        for (int i = 0; i < data.size(); i++) {
            sum += Mlp.loss(mlp.forward(data.inputs()[i]), data.labels()[i]);
        }
        return sum / data.size();
    }

    static double accuracy(Mlp mlp, Spirals data) {
        int right = 0;
        for (int i = 0; i < data.size(); i++) {
            if ((mlp.forward(data.inputs()[i]) > 0) == (data.labels()[i] == 1)) {
                right++;
            }
        }
        return (double) right / data.size();
    }
}
