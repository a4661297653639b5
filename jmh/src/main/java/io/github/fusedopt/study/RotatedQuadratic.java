package io.github.fusedopt.study;

import java.util.Arrays;
import java.util.Random;

/**
 * {@code ½ Σ λ_i (q_i·x)²}: a quadratic with eigenvalues {@code λ_i} spread evenly on a log scale
 * from 1 to the condition number, along the rows {@code q_i} of a seeded random rotation, so that
 * no coordinate axis is an eigenvector (an axis-aligned quadratic would favour per-coordinate
 * methods). Start (1, ..., 1); minimum 0 at the origin.
 */
final class RotatedQuadratic implements Objective {

    private final int dimension;
    private final double condition;
    private final double[] eigenvalues;
    private final double[][] rotation;

    RotatedQuadratic(int dimension, double condition, long seed) {
        this.dimension = dimension;
        this.condition = condition;
        this.eigenvalues = new double[dimension];
        for (int i = 0; i < dimension; i++) {
            eigenvalues[i] = Math.pow(condition, (double) i / (dimension - 1));
        }
        this.rotation = orthonormalRows(dimension, new Random(seed));
    }

    /** Gram–Schmidt on Gaussian rows, done twice for accuracy. */
    private static double[][] orthonormalRows(int n, Random random) {
        double[][] q = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                q[i][j] = random.nextGaussian();
            }
            for (int pass = 0; pass < 2; pass++) {
                for (int k = 0; k < i; k++) {
                    double dot = dot(q[i], q[k]);
                    for (int j = 0; j < n; j++) {
                        q[i][j] -= dot * q[k][j];
                    }
                }
            }
            double norm = Math.sqrt(dot(q[i], q[i]));
            for (int j = 0; j < n; j++) {
                q[i][j] /= norm;
            }
        }
        return q;
    }

    private static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    double[] eigenvalues() {
        return eigenvalues.clone();
    }

    double[][] rotation() {
        return rotation;
    }

    @Override
    public String name() {
        return "quadratic-" + dimension + "d-cond" + (long) condition;
    }

    @Override
    public float[] start() {
        float[] x = new float[dimension];
        Arrays.fill(x, 1f);
        return x;
    }

    @Override
    public double evaluate(float[] x, float[] gradient) {
        double[] g = new double[dimension];
        double value = 0;
        for (int i = 0; i < dimension; i++) {
            double projection = 0;
            for (int j = 0; j < dimension; j++) {
                projection += rotation[i][j] * x[j];
            }
            value += 0.5 * eigenvalues[i] * projection * projection;
            for (int j = 0; j < dimension; j++) {
                g[j] += eigenvalues[i] * projection * rotation[i][j];
            }
        }
        Objective.round(g, gradient);
        return value;
    }

    @Override
    public double minimum() {
        return 0;
    }
}
