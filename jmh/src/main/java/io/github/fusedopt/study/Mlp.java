package io.github.fusedopt.study;

import io.github.fusedopt.TensorGroup;

import java.util.Arrays;
import java.util.Random;

/**
 * A 2 → h → h → 1 perceptron with tanh hidden layers and a logistic output, trained on binary
 * cross-entropy. Its six tensors (weights and biases of three layers) are slices of one flat
 * parameter array and one flat gradient array, bound once into a {@link TensorGroup}.
 */
final class Mlp {

    private final int hidden;
    final float[] params;
    final float[] grads;
    final TensorGroup group;
    private final int w1, b1, w2, b2, w3, b3;
    private final double[] a1, a2, d1, d2;

    Mlp(int hidden, long seed) {
        this.hidden = hidden;
        w1 = 0;
        b1 = w1 + 2 * hidden;
        w2 = b1 + hidden;
        b2 = w2 + hidden * hidden;
        w3 = b2 + hidden;
        b3 = w3 + hidden;
        params = new float[b3 + 1];
        grads = new float[params.length];
        Random random = new Random(seed);
        initialise(random, w1, 2 * hidden, 2, hidden);
        initialise(random, w2, hidden * hidden, hidden, hidden);
        initialise(random, w3, hidden, hidden, 1);
        group = TensorGroup.builder()
                .add(params, w1, grads, w1, 2 * hidden).add(params, b1, grads, b1, hidden)
                .add(params, w2, grads, w2, hidden * hidden).add(params, b2, grads, b2, hidden)
                .add(params, w3, grads, w3, hidden).add(params, b3, grads, b3, 1)
                .build();
        a1 = new double[hidden];
        a2 = new double[hidden];
        d1 = new double[hidden];
        d2 = new double[hidden];
    }

    /** Glorot-uniform weights; biases stay 0. */
    private void initialise(Random random, int at, int count, int fanIn, int fanOut) {
        double limit = Math.sqrt(6.0 / (fanIn + fanOut));
        for (int i = 0; i < count; i++) {
            params[at + i] = (float) ((2 * random.nextDouble() - 1) * limit);
        }
    }

    /** The output logit for one input; keeps the hidden activations for {@link #backward}. */
    double forward(float[] x) {
        for (int j = 0; j < hidden; j++) {
            a1[j] = Math.tanh(params[b1 + j] + params[w1 + 2 * j] * x[0] + params[w1 + 2 * j + 1] * x[1]);
        }
        for (int j = 0; j < hidden; j++) {
            double z = params[b2 + j];
            for (int k = 0; k < hidden; k++) {
                z += params[w2 + j * hidden + k] * a1[k];
            }
            a2[j] = Math.tanh(z);
        }
        double logit = params[b3];
        for (int k = 0; k < hidden; k++) {
            logit += params[w3 + k] * a2[k];
        }
        return logit;
    }

    /** Binary cross-entropy of a logit against a 0/1 label, computed stably. */
    static double loss(double logit, float label) {
        return Math.max(logit, 0) - logit * label + Math.log1p(Math.exp(-Math.abs(logit)));
    }

    /** Adds {@code scale ×} the loss gradient of the last {@link #forward} input into {@link #grads}. */
    void backward(float[] x, double logit, float label, double scale) {
        double dLogit = scale * (1 / (1 + Math.exp(-logit)) - label);
        grads[b3] += (float) dLogit;
        for (int k = 0; k < hidden; k++) {
            grads[w3 + k] += (float) (dLogit * a2[k]);
            d2[k] = dLogit * params[w3 + k] * (1 - a2[k] * a2[k]);
        }
        Arrays.fill(d1, 0);
        for (int j = 0; j < hidden; j++) {
            grads[b2 + j] += (float) d2[j];
            for (int k = 0; k < hidden; k++) {
                grads[w2 + j * hidden + k] += (float) (d2[j] * a1[k]);
                d1[k] += d2[j] * params[w2 + j * hidden + k];
            }
        }
        for (int k = 0; k < hidden; k++) {
            double d = d1[k] * (1 - a1[k] * a1[k]);
            grads[b1 + k] += (float) d;
            grads[w1 + 2 * k] += (float) (d * x[0]);
            grads[w1 + 2 * k + 1] += (float) (d * x[1]);
        }
    }
}
