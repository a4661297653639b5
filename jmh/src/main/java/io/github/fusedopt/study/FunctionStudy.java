package io.github.fusedopt.study;

import io.github.fusedopt.Optimizer;
import io.github.fusedopt.OptimizerState;
import io.github.fusedopt.Step;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Every contender at every learning rate on every test function, for a fixed budget of full-gradient
 * iterations from the function's start point.
 */
final class FunctionStudy {

    static final double[] LEARNING_RATES = {1e-3, 1e-2, 1e-1};
    static final int BUDGET = 10_000;
    static final double TARGET = 1e-6;

    private FunctionStudy() {
    }

    static List<Objective> problems() {
        return List.of(TwoDimensional.rosenbrock(), new Rosenbrock(10), TwoDimensional.beale(), TwoDimensional.booth(),
                TwoDimensional.matyas(), TwoDimensional.himmelblau(), new RotatedQuadratic(50, 1e3, 1),
                new LogisticRegression(500, 10, 1e-3, 2));
    }

    static List<FunctionRun> run(List<Objective> problems, int budget) {
        List<FunctionRun> runs = new ArrayList<>();
        for (Objective problem : problems) {
            for (double learningRate : LEARNING_RATES) {
                for (Contender contender : Contender.values()) {
                    runs.add(run(problem, contender, learningRate, budget));
                }
            }
        }
        return runs;
    }

    static FunctionRun run(Objective problem, Contender contender, double learningRate, int budget) {
        Optimizer optimizer = contender.build(learningRate);
        Step step = new Step();
        float[] x = problem.start();
        float[] gradient = new float[x.length];
        OptimizerState state = optimizer.newState(x.length);
        double[] gaps = new double[budget + 1];
        Arrays.fill(gaps, Double.NaN);
        double value = problem.evaluate(x, gradient);
        for (int t = 0; Double.isFinite(value) && allFinite(gradient); t++) {
            gaps[t] = Math.max(0, value - problem.minimum());
            if (t == budget) {
                break;
            }
            // AdamL's loss: the objective here, never below its ℓ_min = 0 (rounding can dip under it).
            optimizer.step(state, x, gradient, step.loss(Math.max(0, value)));
            value = problem.evaluate(x, gradient);
        }
        return new FunctionRun(problem.name(), problem.minimum(), contender, learningRate, gaps);
    }

    private static boolean allFinite(float[] values) {
        for (float v : values) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
