package io.github.fusedopt;

import io.github.fusedopt.kernel.StepKernels;
import io.github.fusedopt.kernel.StepKernels.Family;
import io.github.fusedopt.kernel.StepScalars;

import java.util.Arrays;

/**
 * The element-wise passes of a group step, after validation, on the calling thread or in parallel:
 * AdaL's norms, the finiteness check of the skip policy, and every tensor's update. Both ways run
 * the same kernels on the same elements and add the norm's chunk sums in the same order, so they
 * give the same bits.
 */
final class GroupStep {

    private GroupStep() {
    }

    /** Whether the executor's workers may take part in a step of this group. */
    static boolean parallel(OptimizerState state, TensorGroup group, StepExecutor executor) {
        return executor.parallelFor(group.elementCount()) && group.updatePlan().taskCount() > 1
                && group.shareable() && state.shareable();
    }

    /** One {@code ‖g‖₁} per tensor, in the state's scratch; needs only the gradient scalars. */
    static double[] tensorNorms(StepKernels kernels, OptimizerState state, TensorGroup group,
                                StepExecutor executor, boolean parallel) {
        double[] norms = state.tensorNorms();
        if (!parallel) {
            for (int i = 0; i < group.tensorCount(); i++) {
                norms[i] = group.tensor(i).gradL1Norm(kernels, state.scalars);
            }
            return norms;
        }
        // Chunk sums on the workers, then each tensor's sums added in order, from 0, on the caller.
        ChunkPlan plan = group.normPlan();
        double[] unitSums = new double[plan.unitCount()];
        ParallelRun.run(executor.executor(), executor.parallelism(), plan, state.scalars,
                state.workerScalars(executor.parallelism()), (s, u) -> unitSums[u] = group.tensor(plan.unitTensor[u])
                        .chunkL1Norm(kernels, s, plan.unitFrom[u], plan.unitFrom[u] + plan.unitLength[u]));
        Arrays.fill(norms, 0, group.tensorCount(), 0.0);
        for (int u = 0; u < plan.unitCount(); u++) {
            norms[plan.unitTensor[u]] += unitSums[u];
        }
        return norms;
    }

    /** Whether every scaled gradient of the group is finite; needs only the gradient scalars. */
    static boolean gradFinite(StepKernels kernels, OptimizerState state, TensorGroup group,
                              StepExecutor executor, boolean parallel) {
        if (!parallel) {
            for (int i = 0; i < group.tensorCount(); i++) {
                Tensor tensor = group.tensor(i);
                if (!tensor.gradFinite(kernels, state.scalars, 0, tensor.length())) {
                    return false;
                }
            }
            return true;
        }
        ChunkPlan plan = group.normPlan();
        boolean[] unitFinite = new boolean[plan.unitCount()];
        ParallelRun.run(executor.executor(), executor.parallelism(), plan, state.scalars,
                state.workerScalars(executor.parallelism()), (s, u) -> unitFinite[u] = group.tensor(plan.unitTensor[u])
                        .gradFinite(kernels, s, plan.unitFrom[u], plan.unitFrom[u] + plan.unitLength[u]));
        for (boolean finite : unitFinite) {
            if (!finite) {
                return false;
            }
        }
        return true;
    }

    /**
     * Every tensor's update, with the per-step scalars set.
     *
     * @param norms AdaL: one norm per tensor, or null when {@code S.gradNormScale} holds the one norm
     */
    static void update(StepKernels kernels, Family family, OptimizerState state, TensorGroup group,
                       StepExecutor executor, boolean parallel, double[] norms) {
        if (parallel) {
            ChunkPlan plan = group.updatePlan();
            ParallelRun.run(executor.executor(), executor.parallelism(), plan, state.scalars,
                    state.workerScalars(executor.parallelism()), (s, u) -> {
                        int t = plan.unitTensor[u];
                        if (norms != null) {
                            s.gradNorm(norms[t]);
                        }
                        group.tensor(t).step(kernels, family, s, state.moments[t], plan.unitFrom[u],
                                plan.unitLength[u]);
                    });
            return;
        }
        StepScalars scalars = state.scalars;
        for (int i = 0; i < group.tensorCount(); i++) {
            if (norms != null) {
                scalars.gradNorm(norms[i]);
            }
            Tensor tensor = group.tensor(i);
            tensor.step(kernels, family, scalars, state.moments[i], 0, tensor.length());
        }
    }
}
