package io.github.fusedopt.study;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every objective's gradient and the network's backward pass agree with central differences. */
class GradientCheckTest {

    @Test
    void objectiveGradientsMatchFiniteDifferences() {
        Random random = new Random(1);
        List<Objective> problems = new ArrayList<>(FunctionStudy.problems());
        problems.add(new Rosenbrock(3));
        for (Objective problem : problems) {
            for (int trial = 0; trial < 5; trial++) {
                float[] x = problem.start();
                for (int i = 0; i < x.length; i++) {
                    x[i] += (float) (0.5 * random.nextGaussian());
                }
                float[] g = new float[x.length];
                problem.evaluate(x, g);
                for (int i = 0; i < x.length; i++) {
                    double h = 1e-3 * Math.max(1, Math.abs(x[i]));
                    float[] plus = x.clone();
                    float[] minus = x.clone();
                    plus[i] = (float) (x[i] + h);
                    minus[i] = (float) (x[i] - h);
                    double numeric = (problem.evaluate(plus, new float[x.length]) - problem.evaluate(minus, new float[x.length]))
                            / (plus[i] - minus[i]);
                    assertEquals(numeric, g[i], 1e-2 * Math.max(1, Math.abs(numeric)), problem.name() + " ∂/∂x" + i);
                }
            }
        }
    }

    @Test
    void knownMinimaHaveZeroGradient() {
        float[] g = new float[2];
        assertEquals(0, TwoDimensional.rosenbrock().evaluate(new float[] {1, 1}, g));
        assertEquals(0, TwoDimensional.beale().evaluate(new float[] {3, 0.5f}, g));
        assertEquals(0, TwoDimensional.booth().evaluate(new float[] {1, 3}, g));
        assertEquals(0, TwoDimensional.matyas().evaluate(new float[] {0, 0}, g));
        assertEquals(0, TwoDimensional.himmelblau().evaluate(new float[] {3, 2}, g));
        assertEquals(0, new RotatedQuadratic(50, 1e3, 1).evaluate(new float[50], new float[50]));
    }

    @Test
    void theLogisticMinimumIsAStationaryPointBelowEveryVisitedValue() {
        LogisticRegression problem = new LogisticRegression(500, 10, 1e-3, 2);
        assertTrue(problem.minimum() > 0);
        assertTrue(problem.minimum() < problem.evaluate(problem.start(), new float[11]));
        FunctionRun run = FunctionStudy.run(problem, Contender.ADAM, 1e-2, 3000);
        assertTrue(run.finalGap() < 1e-6, "Adam gets within 1e-6 of the Newton minimum: " + run.finalGap());
    }

    @Test
    void theQuadraticIsRotatedAndHasTheAskedCondition() {
        RotatedQuadratic q = new RotatedQuadratic(50, 1e3, 1);
        double[] eigenvalues = q.eigenvalues();
        assertEquals(1e3, eigenvalues[49] / eigenvalues[0], 1e-9);
        double[][] r = q.rotation();
        for (int i = 0; i < 50; i++) {
            for (int j = 0; j < 50; j++) {
                double dot = 0;
                for (int k = 0; k < 50; k++) {
                    dot += r[i][k] * r[j][k];
                }
                assertEquals(i == j ? 1 : 0, dot, 1e-12);
            }
        }
        assertTrue(Math.abs(r[0][0]) < 0.9, "not axis-aligned");
    }

    @Test
    void backpropagationMatchesFiniteDifferences() {
        Mlp mlp = new Mlp(5, 3);
        float[] x = {0.3f, -0.7f};
        for (float label : new float[] {0, 1}) {
            java.util.Arrays.fill(mlp.grads, 0);
            double logit = mlp.forward(x);
            mlp.backward(x, logit, label, 1);
            for (int i = 0; i < mlp.params.length; i++) {
                float saved = mlp.params[i];
                double h = 1e-2;
                mlp.params[i] = (float) (saved + h);
                double up = Mlp.loss(mlp.forward(x), label);
                mlp.params[i] = (float) (saved - h);
                double down = Mlp.loss(mlp.forward(x), label);
                mlp.params[i] = saved;
                double numeric = (up - down) / (2 * h);
                assertEquals(numeric, mlp.grads[i], 1e-3, "parameter " + i + ", label " + label);
            }
        }
    }
}
