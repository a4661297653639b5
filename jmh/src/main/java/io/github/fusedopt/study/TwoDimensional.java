package io.github.fusedopt.study;

/** The classic two-dimensional test functions, each with its usual start point. */
record TwoDimensional(String name, float startX, float startY, Surface surface) implements Objective {

    /** {@code f(x, y)}; writes {@code ∂f/∂x, ∂f/∂y} into {@code gradient}. */
    @FunctionalInterface
    interface Surface {
        double at(double x, double y, double[] gradient);
    }

    /** {@code (1 − x)² + 100(y − x²)²} from (−1.2, 1); minimum 0 at (1, 1). */
    static TwoDimensional rosenbrock() {
        return new TwoDimensional("rosenbrock-2d", -1.2f, 1f, (x, y, g) -> {
            double a = 1 - x;
            double b = y - x * x;
            g[0] = -2 * a - 400 * x * b;
            g[1] = 200 * b;
            return a * a + 100 * b * b;
        });
    }

    /** {@code (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²} from (1, 1); minimum 0 at (3, 0.5). */
    static TwoDimensional beale() {
        return new TwoDimensional("beale", 1f, 1f, (x, y, g) -> {
            double a = 1.5 - x + x * y;
            double b = 2.25 - x + x * y * y;
            double c = 2.625 - x + x * y * y * y;
            g[0] = 2 * a * (y - 1) + 2 * b * (y * y - 1) + 2 * c * (y * y * y - 1);
            g[1] = 2 * a * x + 4 * b * x * y + 6 * c * x * y * y;
            return a * a + b * b + c * c;
        });
    }

    /** {@code (x + 2y − 7)² + (2x + y − 5)²} from (0, 0); minimum 0 at (1, 3). */
    static TwoDimensional booth() {
        return new TwoDimensional("booth", 0f, 0f, (x, y, g) -> {
            double a = x + 2 * y - 7;
            double b = 2 * x + y - 5;
            g[0] = 2 * a + 4 * b;
            g[1] = 4 * a + 2 * b;
            return a * a + b * b;
        });
    }

    /** {@code 0.26(x² + y²) − 0.48xy} from (8, −6); minimum 0 at (0, 0). */
    static TwoDimensional matyas() {
        return new TwoDimensional("matyas", 8f, -6f, (x, y, g) -> {
            g[0] = 0.52 * x - 0.48 * y;
            g[1] = 0.52 * y - 0.48 * x;
            return 0.26 * (x * x + y * y) - 0.48 * x * y;
        });
    }

    /** {@code (x² + y − 11)² + (x + y² − 7)²} from (0, 0); minimum 0 at four points. */
    static TwoDimensional himmelblau() {
        return new TwoDimensional("himmelblau", 0f, 0f, (x, y, g) -> {
            double a = x * x + y - 11;
            double b = x + y * y - 7;
            g[0] = 4 * a * x + 2 * b;
            g[1] = 2 * a + 4 * b * y;
            return a * a + b * b;
        });
    }

    @Override
    public float[] start() {
        return new float[] {startX, startY};
    }

    @Override
    public double evaluate(float[] x, float[] gradient) {
        double[] g = new double[2];
        double value = surface.at(x[0], x[1], g);
        Objective.round(g, gradient);
        return value;
    }

    @Override
    public double minimum() {
        return 0;
    }
}
