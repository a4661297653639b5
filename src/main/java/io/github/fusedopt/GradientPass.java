package io.github.fusedopt;

import io.github.fusedopt.kernel.StepKernels;
import io.github.fusedopt.kernel.StepScalars;

import java.util.Arrays;

/**
 * The passes over the gradients that come before the update: AdaL's {@code ‖g‖₁} of each tensor
 * and the skip policy's range check. Serial, or on a group's norm plan; both ways read the same
 * elements and add the chunk sums in the same order, so they give the same bits. One per
 * {@link StepRun}, its buffers kept from step to step.
 */
final class GradientPass {

    private final StepRun run;
    private double[] norms = new double[1];
    private double[] unitSums = new double[0];
    private boolean outOfRange;

    GradientPass(StepRun run) {
        this.run = run;
    }

    /** AdaL's factor {@code k_t} of one tensor in the last step that computed it, for tests. */
    double lastNorm(int tensor) {
        return norms[tensor];
    }

    /** AdaL's factor {@code k_t} for each tensor: the given norm, each tensor's own, or the group's. */
    double[] adalNorms(Optimizer optimizer, StepKernels kernels, double gradNorm) {
        Tensor[] tensors = run.tensors();
        int count = tensors.length;
        if (norms.length < count) {
            norms = new double[count];
        }
        if (!Double.isNaN(gradNorm)) {
            Arrays.fill(norms, 0, count, gradNorm);
            return norms;
        }
        if (run.parallel()) {
            parallelNorms(kernels, tensors);
        } else {
            for (int i = 0; i < count; i++) {
                norms[i] = tensors[i].gradL1Norm(kernels, run.scalarsOf(i));
            }
        }
        if (optimizer.normOverGroup()) {
            double total = 0;
            for (int i = 0; i < count; i++) {
                total += norms[i];   // tensor by tensor in group order, from 0
            }
            Arrays.fill(norms, 0, count, total);
        }
        return norms;
    }

    /** Chunk sums on the workers, then each tensor's sums added in order, from 0, on the caller. */
    private void parallelNorms(StepKernels kernels, Tensor[] tensors) {
        ChunkPlan plan = run.normPlan();
        if (unitSums.length < plan.unitCount()) {
            unitSums = new double[plan.unitCount()];
        }
        double[] sums = unitSums;
        run.onWorkers(plan, (ws, u) -> {
            int i = plan.unitTensor[u];
            sums[u] = tensors[i].chunkL1Norm(kernels, run.workerScalars(ws, i), plan.unitFrom[u],
                    plan.unitFrom[u] + plan.unitLength[u]);
        });
        Arrays.fill(norms, 0, tensors.length, 0.0);
        for (int u = 0; u < plan.unitCount(); u++) {
            norms[plan.unitTensor[u]] += sums[u];
        }
    }

    /**
     * The skip policy's check of every tensor. A computed {@code ‖g‖₁} bounds every {@code |x|}, so
     * a tensor whose factor {@code f} has {@code f·f} below the bound needs no look at its elements.
     */
    boolean inRange(StepKernels kernels, double[] multipliers, boolean computed) {
        Tensor[] tensors = run.tensors();
        if (run.parallel()) {
            return parallelInRange(kernels, tensors, multipliers, computed);
        }
        for (int i = 0; i < tensors.length; i++) {
            StepScalars s = run.scalarsOf(i);
            if (multipliers != null) {
                if (computed && provenInRange(multipliers[i])) {
                    continue;
                }
                s.gradNorm(multipliers[i]);
            }
            if (!tensors[i].gradInRange(kernels, s, 0, tensors[i].length())) {
                return false;
            }
        }
        return true;
    }

    private boolean parallelInRange(StepKernels kernels, Tensor[] tensors, double[] multipliers, boolean computed) {
        ChunkPlan plan = run.normPlan();
        outOfRange = false;
        run.onWorkers(plan, (ws, u) -> {
            int t = plan.unitTensor[u];
            StepScalars s = run.workerScalars(ws, t);
            if (multipliers != null) {
                if (computed && provenInRange(multipliers[t])) {
                    return;
                }
                s.gradNorm(multipliers[t]);
            }
            if (!tensors[t].gradInRange(kernels, s, plan.unitFrom[u], plan.unitFrom[u] + plan.unitLength[u])) {
                outOfRange = true;   // only ever set; the run's completion publishes it
            }
        });
        return !outOfRange;
    }

    private static boolean provenInRange(double norm) {
        float f = (float) norm;
        return f * f < StepKernels.SKIP_BOUND;
    }
}
