package io.github.fusedopt.djl;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;

import java.util.SplittableRandom;
import java.util.function.DoubleConsumer;

/**
 * A small classifier trained in DJL on the PyTorch engine, on data made here: 512 points in 10
 * dimensions labelled by a fixed random teacher into 3 classes, minibatches of 64, a 10-32-32-3
 * tanh network, float, engine seed 42.
 */
final class DjlNetworks {

    static final int FEATURES = 10;
    static final int CLASSES = 3;
    static final int BATCH = 64;
    static final int BATCHES = 8;

    private DjlNetworks() {
    }

    static SequentialBlock block() {
        return new SequentialBlock()
                .add(Linear.builder().setUnits(32).build()).add(Activation::tanh)
                .add(Linear.builder().setUnits(32).build()).add(Activation::tanh)
                .add(Linear.builder().setUnits(CLASSES).build());
    }

    static DefaultTrainingConfig config(Optimizer optimizer) {
        return new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optInitializer(new NormalInitializer(0.3f), ai.djl.nn.Parameter.Type.WEIGHT)
                .optDevices(new Device[] {Device.cpu()})
                .optOptimizer(optimizer);
    }

    /** The losses of {@code iterations} minibatch steps with {@code optimizer}; {@code lossSink} sees each before the step. */
    static double[] train(Optimizer optimizer, int iterations, DoubleConsumer lossSink) {
        Engine.getInstance().setRandomSeed(42);
        double[] losses = new double[iterations];
        try (Model model = Model.newInstance("mlp", Device.cpu())) {
            model.setBlock(block());
            try (Trainer trainer = model.newTrainer(config(optimizer))) {
                trainer.initialize(new Shape(BATCH, FEATURES));
                steps(trainer, 0, iterations, losses, lossSink);
            }
        }
        return losses;
    }

    /** Minibatch steps {@code from} to {@code to} (exclusive), cycling through the data; losses by step. */
    static void steps(Trainer trainer, int from, int to, double[] losses, DoubleConsumer lossSink) {
        float[][] xs = new float[BATCHES][];
        float[][] ys = new float[BATCHES][];
        data(xs, ys);
        NDManager manager = trainer.getManager();
        for (int i = from; i < to; i++) {
            try (NDManager step = manager.newSubManager()) {
                NDArray x = step.create(xs[i % BATCHES], new Shape(BATCH, FEATURES));
                NDArray y = step.create(ys[i % BATCHES], new Shape(BATCH, 1));
                try (GradientCollector collector = trainer.newGradientCollector()) {
                    NDList predictions = trainer.forward(new NDList(x));
                    NDArray loss = trainer.getLoss().evaluate(new NDList(y), predictions);
                    collector.backward(loss);
                    losses[i] = loss.getFloat();
                }
                lossSink.accept(losses[i]);
                trainer.step();
            }
        }
    }

    private static void data(float[][] xs, float[][] ys) {
        SplittableRandom random = new SplittableRandom(7);
        double[][] teacher = new double[CLASSES][FEATURES];
        for (double[] row : teacher) {
            for (int j = 0; j < FEATURES; j++) {
                row[j] = random.nextDouble(-1, 1);
            }
        }
        for (int b = 0; b < BATCHES; b++) {
            xs[b] = new float[BATCH * FEATURES];
            ys[b] = new float[BATCH];
            for (int i = 0; i < BATCH; i++) {
                int best = 0;
                double bestScore = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < FEATURES; j++) {
                    xs[b][i * FEATURES + j] = (float) random.nextGaussian();
                }
                for (int c = 0; c < CLASSES; c++) {
                    double score = 0;
                    for (int j = 0; j < FEATURES; j++) {
                        score += teacher[c][j] * xs[b][i * FEATURES + j];
                    }
                    if (score > bestScore) {
                        bestScore = score;
                        best = c;
                    }
                }
                ys[b][i] = best;
            }
        }
    }
}
