package io.github.fusedopt.dl4j;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;

import java.io.Serializable;

/**
 * Hands each minibatch's loss to AdamL. DL4J computes the score of the minibatch, then calls
 * {@code onGradientCalculation} on the listeners, then the updaters, all on the training thread;
 * this listener keeps the score for that thread and iteration, where {@link FusedUpdater}'s step
 * reads it. Add it to every network that AdamL trains:
 *
 * <pre>{@code
 * network.addListeners(new MinibatchLoss());
 * }</pre>
 *
 * <p>It holds nothing itself, so it serializes (Spark ships a network's listeners to its workers),
 * and each worker thread keeps its own loss.
 *
 * <p>The score is DL4J's {@code model.score()}: the minibatch's mean loss plus the
 * regularization terms of the configuration, if any. Listeners are not saved with a network;
 * add it again after a restore.
 */
public final class MinibatchLoss extends BaseTrainingListener implements Serializable {

    private static final long serialVersionUID = 1L;

    private record Loss(double value, int iteration) {
    }

    private static final ThreadLocal<Loss> LATEST = new ThreadLocal<>();

    /** A listener; one per network, or one shared by several. */
    public MinibatchLoss() {
    }

    @Override
    public void onGradientCalculation(Model model) {
        record(model.score(), iterationOf(model));
    }

    /** This thread's loss of minibatch {@code iteration}. */
    static void record(double loss, int iteration) {
        LATEST.set(new Loss(loss, iteration));
    }

    private static int iterationOf(Model model) {
        return switch (model) {
            case MultiLayerNetwork network -> network.getIterationCount();
            case ComputationGraph graph -> graph.getIterationCount();
            default -> throw new IllegalArgumentException("model = " + model.getClass().getName()
                    + ": MinibatchLoss knows MultiLayerNetwork and ComputationGraph");
        };
    }

    /** The loss this thread's listener saw for {@code iteration}. */
    static double lossAt(int iteration) {
        Loss latest = LATEST.get();
        if (latest == null || latest.iteration() != iteration) {
            throw new IllegalStateException("AdamL needs the loss of minibatch " + iteration
                    + ": add a MinibatchLoss listener to the network (network.addListeners(new MinibatchLoss()))"
                    + (latest == null ? "" : "; the last loss it saw was of minibatch " + latest.iteration()));
        }
        return latest.value();
    }
}
