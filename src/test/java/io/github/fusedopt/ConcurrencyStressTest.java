package io.github.fusedopt;

import io.github.fusedopt.testing.Values;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The concurrency contract: optimizers and step executors are shared freely, and distinct states
 * are stepped from many threads at once. Forty-eight runs (all six optimizers, single tensors and
 * groups, some groups stepped in parallel through one shared {@link StepExecutor}) run on eight
 * threads, interleaved step by step; every parameter and moment must equal a sequential run.
 */
class ConcurrencyStressTest {

    private static final int RUNS = 48;
    private static final int STEPS = 25;

    /** One state's run: its optimizer (shared), its tensors, and its gradients per step. */
    private record Run(Optimizer optimizer, boolean group, float[][] initialParams, float[][][] grads) {

        static Run random(Optimizer optimizer, SplittableRandom r) {
            boolean group = r.nextBoolean();
            int tensors = group ? 1 + r.nextInt(4) : 1;
            float[][] params = new float[tensors][];
            float[][][] grads = new float[STEPS][tensors][];
            for (int t = 0; t < tensors; t++) {
                int n = r.nextInt(6) == 0 ? 70_000 + r.nextInt(70_000) : Values.length(r, 3000);
                params[t] = Values.array(r, n, Values.Mix.plain(1));
                for (int s = 0; s < STEPS; s++) {
                    grads[s][t] = Values.array(r, n, Values.Mix.plain(0.1));
                }
            }
            return new Run(optimizer, group, params, grads);
        }

        /** Steps a fresh copy of this run; returns parameters, then m and v, per tensor. */
        List<float[]> play(StepExecutor executor) {
            int tensors = initialParams.length;
            float[][] params = new float[tensors][];
            float[][] grads = new float[tensors][];
            TensorGroupBuilder builder = TensorGroup.builder();
            for (int t = 0; t < tensors; t++) {
                params[t] = initialParams[t].clone();
                grads[t] = new float[params[t].length];
                builder.add(params[t], grads[t]);
            }
            TensorGroup tensorGroup = builder.build();
            OptimizerState state = group ? optimizer.newState(tensorGroup) : optimizer.newState(params[0].length);
            for (int s = 0; s < STEPS; s++) {
                for (int t = 0; t < tensors; t++) {
                    System.arraycopy(this.grads[s][t], 0, grads[t], 0, grads[t].length);
                }
                double loss = (optimizer instanceof AdamL a ? a.lossMin() : 0) + 4.0 / (s + 1);
                if (group) {
                    switch (optimizer) {
                        case AdamL adamL -> adamL.step(state, loss, tensorGroup, 1.0, executor);
                        case GradientOptimizer g -> g.step(state, tensorGroup, 1.0, executor);
                    }
                } else {
                    switch (optimizer) {
                        case AdamL adamL -> adamL.step(state, loss, params[0], grads[0]);
                        case GradientOptimizer g -> g.step(state, params[0], grads[0]);
                    }
                }
                Thread.yield();
            }
            List<float[]> out = new ArrayList<>();
            for (int t = 0; t < tensors; t++) {
                out.add(params[t]);
                out.add(state.slotCopy(t, 0));
                out.add(state.slotCopy(t, 1));
            }
            return out;
        }
    }

    @Test
    void distinctStatesSteppedFromManyThreadsEqualASequentialRun() throws Exception {
        SplittableRandom r = new SplittableRandom(2026);
        Optimizer[] shared = new Optimizer[Kind.values().length];
        for (Kind kind : Kind.values()) {
            shared[kind.ordinal()] = kind.random(r, false);
        }
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            runs.add(Run.random(shared[i % shared.length], r));
        }
        List<List<float[]>> sequential = new ArrayList<>();
        for (Run run : runs) {
            sequential.add(run.play(StepExecutor.serial()));
        }

        ExecutorService callers = Executors.newFixedThreadPool(8);
        try (StepExecutor helpers = StepExecutor.create(3)) {
            StepExecutor parallel = helpers.withMinParallelElements(0);
            List<Future<List<float[]>>> concurrent = new ArrayList<>();
            for (int i = 0; i < RUNS; i++) {
                Run run = runs.get(i);
                StepExecutor executor = i % 2 == 0 ? parallel : StepExecutor.serial();
                concurrent.add(callers.submit(() -> run.play(executor)));
            }
            for (int i = 0; i < RUNS; i++) {
                List<float[]> expected = sequential.get(i);
                List<float[]> actual = concurrent.get(i).get();
                for (int k = 0; k < expected.size(); k++) {
                    assertEquals(-1, Values.firstDifference(expected.get(k), actual.get(k)),
                            "run " + i + " (" + runs.get(i).optimizer().getClass().getSimpleName() + "), array " + k);
                }
            }
        } finally {
            callers.shutdown();
        }
    }
}
