package io.github.fusedopt;

import io.github.fusedopt.kernel.StepKernels;
import io.github.fusedopt.kernel.StepKernels.Family;
import io.github.fusedopt.kernel.StepScalars;

import java.util.Arrays;

/**
 * The element-wise part of a group step, after validation and with the per-step scalars set: AdaL's
 * norms first where needed, then every tensor's update, on the calling thread or in parallel. Both
 * ways run the same kernels on the same elements and add the norm's chunk sums in the same order,
 * so they give the same bits.
 */
final class GroupStep {

    private GroupStep() {
    }

    /**
     * @param givenNorm AdaL's {@code ‖g‖₁} for every tensor, or NaN to compute it
     * @param normOverGroup AdaL: one norm over the whole group instead of one per tensor
     */
    static void run(StepKernels kernels, Family family, OptimizerState state, TensorGroup group,
                    double givenNorm, boolean normOverGroup, StepExecutor executor) {
        StepScalars scalars = state.scalars;
        boolean parallel = executor.parallelFor(group.elementCount()) && group.updatePlan().taskCount() > 1
                && group.shareable() && state.shareable();
        double[] norms = null;
        if (family == Family.ADAL) {
            if (Double.isNaN(givenNorm)) {
                norms = state.tensorNorms();
                if (parallel) {
                    parallelNorms(kernels, state, group, executor, norms);
                } else {
                    for (int i = 0; i < group.tensorCount(); i++) {
                        norms[i] = group.tensor(i).gradL1Norm(kernels, scalars);
                    }
                }
                if (normOverGroup) {
                    double total = 0;
                    for (int i = 0; i < group.tensorCount(); i++) {
                        total += norms[i];
                    }
                    scalars.gradNorm(total);
                    norms = null;
                }
            } else {
                scalars.gradNorm(givenNorm);
            }
        }
        if (parallel) {
            parallelUpdate(kernels, family, state, group, executor, norms);
            return;
        }
        for (int i = 0; i < group.tensorCount(); i++) {
            if (norms != null) {
                scalars.gradNorm(norms[i]);
            }
            Tensor tensor = group.tensor(i);
            tensor.step(kernels, family, scalars, state.moments[i], 0, tensor.length());
        }
    }

    /** Chunk sums on the workers, then each tensor's sums added in order, from 0, on the caller. */
    private static void parallelNorms(StepKernels kernels, OptimizerState state, TensorGroup group,
                                      StepExecutor executor, double[] norms) {
        ChunkPlan plan = group.normPlan();
        double[] unitSums = new double[plan.unitCount()];
        ParallelRun.run(executor.executor(), executor.parallelism(), plan, state.scalars,
                state.workerScalars(executor.parallelism()), (s, u) -> unitSums[u] = group.tensor(plan.unitTensor[u])
                        .chunkL1Norm(kernels, s, plan.unitFrom[u], plan.unitFrom[u] + plan.unitLength[u]));
        Arrays.fill(norms, 0, group.tensorCount(), 0.0);
        for (int u = 0; u < plan.unitCount(); u++) {
            norms[plan.unitTensor[u]] += unitSums[u];
        }
    }

    private static void parallelUpdate(StepKernels kernels, Family family, OptimizerState state, TensorGroup group,
                                       StepExecutor executor, double[] norms) {
        ChunkPlan plan = group.updatePlan();
        ParallelRun.run(executor.executor(), executor.parallelism(), plan, state.scalars,
                state.workerScalars(executor.parallelism()), (s, u) -> {
                    int t = plan.unitTensor[u];
                    if (norms != null) {
                        s.gradNorm(norms[t]);
                    }
                    group.tensor(t).step(kernels, family, s, state.moments[t], plan.unitFrom[u], plan.unitLength[u]);
                });
    }
}
