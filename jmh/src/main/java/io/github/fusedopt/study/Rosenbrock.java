package io.github.fusedopt.study;

import java.util.Arrays;

/**
 * The n-dimensional Rosenbrock function {@code Σ 100(x[i+1] − x[i]²)² + (1 − x[i])²}, from
 * (−1.2, 1, −1.2, 1, ...); minimum 0 at (1, ..., 1).
 */
record Rosenbrock(int dimension) implements Objective {

    @Override
    public String name() {
        return "rosenbrock-" + dimension + "d";
    }

    @Override
    public float[] start() {
        float[] x = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            x[i] = i % 2 == 0 ? -1.2f : 1f;
        }
        return x;
    }

    @Override
    public double evaluate(float[] x, float[] gradient) {
        double[] g = new double[dimension];
        double value = 0;
        for (int i = 0; i + 1 < dimension; i++) {
            double a = 1 - x[i];
            double b = x[i + 1] - (double) x[i] * x[i];
            value += a * a + 100 * b * b;
            g[i] += -2 * a - 400 * x[i] * b;
            g[i + 1] += 200 * b;
        }
        Objective.round(g, gradient);
        return value;
    }

    @Override
    public double minimum() {
        return 0;
    }

    @Override
    public String toString() {
        return name() + Arrays.toString(start());
    }
}
