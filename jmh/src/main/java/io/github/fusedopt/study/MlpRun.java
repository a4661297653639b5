package io.github.fusedopt.study;

/**
 * One training run: the training loss (mean cross-entropy over the whole training set) and the
 * held-out accuracy after every epoch, index 0 before training.
 */
record MlpRun(Contender contender, double learningRate, MlpStudy.Schedule schedule, double[] trainLoss,
              double[] testAccuracy) {

    int epochs() {
        return trainLoss.length - 1;
    }

    double finalLoss() {
        return trainLoss[trainLoss.length - 1];
    }

    double finalAccuracy() {
        return testAccuracy[testAccuracy.length - 1];
    }

    double bestAccuracy() {
        double best = 0;
        for (double a : testAccuracy) {
            best = Math.max(best, a);
        }
        return best;
    }
}
