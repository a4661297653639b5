package io.github.fusedopt.study;

/**
 * A deterministic test problem: a start point, the objective and its gradient (computed in
 * {@code double} at the {@code float} parameters the optimizers hold), and the known minimum.
 */
interface Objective {

    String name();

    /** A fresh copy of the start point. */
    float[] start();

    /** Writes the gradient at {@code x} into {@code gradient} and returns the objective there. */
    double evaluate(float[] x, float[] gradient);

    /** The minimum value {@code f*}: known in closed form, or computed in {@code double}. */
    double minimum();

    /** Rounds a gradient computed in {@code double} into the optimizer's {@code float} array. */
    static void round(double[] from, float[] to) {
        for (int i = 0; i < from.length; i++) {
            to[i] = (float) from[i];
        }
    }
}
