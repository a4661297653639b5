package io.github.fusedopt.study;

import java.util.Random;

/**
 * Two interleaved spirals of one and a half turns and radius 3, one per class, with Gaussian
 * noise of standard deviation {@code noise}: {@code n} points, half of each class. With noise 0.2
 * the arms touch, so no classifier gets every held-out point.
 */
record Spirals(float[][] inputs, float[] labels) {

    static Spirals generate(int n, double noise, long seed) {
        Random random = new Random(seed);
        float[][] inputs = new float[n][2];
        float[] labels = new float[n];
        double turns = 1.5 * 2 * Math.PI;
        double radius = 3;
        for (int i = 0; i < n; i++) {
            int label = i % 2;
            double t = Math.sqrt(random.nextDouble()) * turns;
            double sign = label == 0 ? 1 : -1;
            inputs[i][0] = (float) ((sign * -Math.cos(t) * t / turns * radius) + noise * random.nextGaussian());
            inputs[i][1] = (float) ((sign * Math.sin(t) * t / turns * radius) + noise * random.nextGaussian());
            labels[i] = label;
        }
        return new Spirals(inputs, labels);
    }

    int size() {
        return labels.length;
    }
}
