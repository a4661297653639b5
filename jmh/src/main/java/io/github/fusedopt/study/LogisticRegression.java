package io.github.fusedopt.study;

import java.util.Arrays;
import java.util.Random;

/**
 * L2-regularised logistic regression on a fixed synthetic data set: {@code samples} Gaussian
 * points in {@code features} dimensions, labels drawn from a seeded true model, loss
 * {@code (1/n) Σ log(1 + exp(−s_i (w·x_i + b))) + (μ/2)‖w‖²} over {@code (w, b)}, starting at 0.
 * The regulariser makes the minimum unique; {@link #minimum()} finds it by Newton's method in
 * {@code double}.
 */
final class LogisticRegression implements Objective {

    private final double[][] points;
    private final double[] signs;
    private final double regularisation;
    private final int features;
    private final double minimum;

    LogisticRegression(int samples, int features, double regularisation, long seed) {
        Random random = new Random(seed);
        this.features = features;
        this.regularisation = regularisation;
        double[] truth = new double[features + 1];
        for (int j = 0; j <= features; j++) {
            truth[j] = random.nextGaussian();
        }
        points = new double[samples][features];
        signs = new double[samples];
        for (int i = 0; i < samples; i++) {
            double margin = truth[features];
            for (int j = 0; j < features; j++) {
                points[i][j] = random.nextGaussian();
                margin += truth[j] * points[i][j];
            }
            signs[i] = random.nextDouble() < 1 / (1 + Math.exp(-margin)) ? 1 : -1;
        }
        this.minimum = newtonMinimum();
    }

    @Override
    public String name() {
        return "logistic-regression";
    }

    @Override
    public float[] start() {
        return new float[features + 1];
    }

    @Override
    public double evaluate(float[] x, float[] gradient) {
        double[] w = new double[features + 1];
        for (int j = 0; j <= features; j++) {
            w[j] = x[j];
        }
        double[] g = new double[features + 1];
        double value = evaluate(w, g, null);
        Objective.round(g, gradient);
        return value;
    }

    /** The loss at {@code w} (last entry the bias), its gradient, and, if asked, its Hessian. */
    private double evaluate(double[] w, double[] gradient, double[][] hessian) {
        int n = points.length;
        double value = 0;
        Arrays.fill(gradient, 0);
        for (int i = 0; i < n; i++) {
            double z = w[features];
            for (int j = 0; j < features; j++) {
                z += w[j] * points[i][j];
            }
            double m = signs[i] * z;
            value += m > 0 ? Math.log1p(Math.exp(-m)) : -m + Math.log1p(Math.exp(m));
            double p = 1 / (1 + Math.exp(m));
            for (int j = 0; j <= features; j++) {
                double xj = j < features ? points[i][j] : 1;
                gradient[j] -= signs[i] * p * xj / n;
                if (hessian != null) {
                    for (int k = 0; k <= features; k++) {
                        double xk = k < features ? points[i][k] : 1;
                        hessian[j][k] += p * (1 - p) * xj * xk / n;
                    }
                }
            }
        }
        value /= n;
        for (int j = 0; j < features; j++) {
            value += 0.5 * regularisation * w[j] * w[j];
            gradient[j] += regularisation * w[j];
            if (hessian != null) {
                hessian[j][j] += regularisation;
            }
        }
        return value;
    }

    private double newtonMinimum() {
        int d = features + 1;
        double[] w = new double[d];
        double[] g = new double[d];
        for (int iteration = 0; iteration < 50; iteration++) {
            double[][] h = new double[d][d];
            evaluate(w, g, h);
            double[] step = solve(h, g);
            for (int j = 0; j < d; j++) {
                w[j] -= step[j];
            }
        }
        return evaluate(w, g, null);
    }

    /** Solves {@code a·x = b} by Gaussian elimination with partial pivoting. */
    private static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        double[][] m = new double[n][n + 1];
        for (int i = 0; i < n; i++) {
            System.arraycopy(a[i], 0, m[i], 0, n);
            m[i][n] = b[i];
        }
        for (int col = 0; col < n; col++) {
            int pivot = col;
            for (int r = col + 1; r < n; r++) {
                if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) {
                    pivot = r;
                }
            }
            double[] swap = m[col];
            m[col] = m[pivot];
            m[pivot] = swap;
            for (int r = col + 1; r < n; r++) {
                double f = m[r][col] / m[col][col];
                for (int c = col; c <= n; c++) {
                    m[r][c] -= f * m[col][c];
                }
            }
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double sum = m[i][n];
            for (int c = i + 1; c < n; c++) {
                sum -= m[i][c] * x[c];
            }
            x[i] = sum / m[i][i];
        }
        return x;
    }

    @Override
    public double minimum() {
        return minimum;
    }
}
