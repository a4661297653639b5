package io.github.fusedopt.study;

/**
 * One optimizer at one learning rate on one problem with minimum {@code f*}: the gap
 * {@code f(x_t) − f*} after every iteration {@code t} (index 0 is the start), NaN from the first
 * non-finite objective on.
 */
record FunctionRun(String problem, double minimum, Contender contender, double learningRate, double[] gaps) {

    int iterations() {
        return gaps.length - 1;
    }

    boolean diverged() {
        return Double.isNaN(gaps[gaps.length - 1]);
    }

    double finalGap() {
        return gaps[gaps.length - 1];
    }

    double bestGap() {
        double best = Double.NaN;
        for (double gap : gaps) {
            if (!Double.isNaN(gap) && !(gap >= best)) {
                best = gap;
            }
        }
        return best;
    }

    /** The first iteration whose gap is at most {@code threshold}, or −1 if none is. */
    int iterationsTo(double threshold) {
        for (int t = 0; t < gaps.length; t++) {
            if (gaps[t] <= threshold) {
                return t;
            }
        }
        return -1;
    }
}
