package io.github.fusedopt;

import io.github.fusedopt.testing.Values;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A framework's use, through the base type {@link Optimizer} only, for every row of the table and
 * AMSGrad: a learning-rate schedule, per-tensor options (a bias without decay, a layer at half the
 * rate), the update written into the gradient array, and the moments in the framework's own flat
 * array (or native segment) with the framework counting iterations and setting the counter. After
 * every step the framework subtracts the update from its parameters; the result equals the in-place
 * step on a state of the library's own, bit for bit, parameters and state alike; serially and on
 * two threads.
 */
class FrameworkStyleTest {

    private static final int[] LENGTHS = {300, 17, 40_000};
    private static final int STEPS = 12;

    /** Every row with the options a framework would set; Adam and AdamW once more with AMSGrad. */
    static List<Optimizer> optimizers() {
        List<Optimizer> all = new ArrayList<>();
        Schedule warmup = t -> 2e-3 * Math.min(1, t / 5.0) / Math.sqrt(t);
        for (OptimizerKind kind : OptimizerKind.values()) {
            OptimizerBuilder<?> builder = kind.builder().learningRateSchedule(warmup).weightDecay(1e-2);
            all.add(builder.build());
        }
        all.add(Adam.builder().amsGrad(true).learningRateSchedule(warmup).weightDecay(1e-2).build());
        all.add(AdamW.builder().amsGrad(true).learningRateSchedule(warmup).build());
        return all;
    }

    @TestFactory
    Stream<DynamicTest> everyFormEqualsTheInPlaceStep() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Optimizer optimizer : optimizers()) {
            for (boolean native_ : new boolean[] {false, true}) {
                for (int threads : new int[] {1, 2}) {
                    String name = optimizer + (native_ ? ", segments" : ", arrays") + ", " + threads + " thread(s)";
                    tests.add(DynamicTest.dynamicTest(name, () -> run(optimizer, native_, threads)));
                }
            }
        }
        return tests.stream();
    }

    private static void run(Optimizer optimizer, boolean native_, int threads) {
        SplittableRandom r = new SplittableRandom(17);
        int tensors = LENGTHS.length;
        long total = 0;
        for (int n : LENGTHS) {
            total += n;
        }
        float[][] referenceParams = new float[tensors][];
        float[][] frameworkParams = new float[tensors][];
        float[][] grads = new float[tensors][];
        for (int i = 0; i < tensors; i++) {
            referenceParams[i] = Values.array(r, LENGTHS[i], Values.Mix.plain(1));
            frameworkParams[i] = referenceParams[i].clone();
            grads[i] = new float[LENGTHS[i]];
        }
        try (Arena arena = Arena.ofShared(); StepExecutor owner = StepExecutor.create(threads)) {
            StepExecutor executor = owner.withMinParallelElements(0);
            // The reference: the library's own state, parameters moved in place.
            float[][] referenceGrads = new float[tensors][];
            TensorGroupBuilder inPlace = TensorGroup.builder();
            for (int i = 0; i < tensors; i++) {
                referenceGrads[i] = new float[LENGTHS[i]];
                inPlace.add(referenceParams[i], referenceGrads[i]);
                options(inPlace, i);
            }
            TensorGroup referenceGroup = inPlace.build();
            OptimizerState reference = optimizer.newState(referenceGroup);

            // The framework: its parameters, gradients that receive the update, and one flat state.
            TensorGroupBuilder updates = TensorGroup.builder();
            MemorySegment[] segmentGrads = new MemorySegment[tensors];
            MemorySegment[] segmentParams = new MemorySegment[tensors];
            for (int i = 0; i < tensors; i++) {
                if (native_) {
                    segmentParams[i] = arena.allocate(4L * LENGTHS[i], 4);
                    segmentGrads[i] = arena.allocate(4L * LENGTHS[i], 4);
                    MemorySegment.copy(frameworkParams[i], 0, segmentParams[i], JAVA_FLOAT, 0, LENGTHS[i]);
                    updates.add(segmentParams[i], segmentGrads[i]).updateInto(segmentGrads[i]);
                } else {
                    updates.add(frameworkParams[i], grads[i]).updateInto(grads[i], 0);
                }
                options(updates, i);
            }
            TensorGroup frameworkGroup = updates.build();
            float[] flatState = new float[(int) (optimizer.stateSlots() * total) + 5];
            MemorySegment nativeState = arena.allocate(4L * optimizer.stateSlots() * total, 4);
            OptimizerState framework = optimizer.newState(frameworkGroup,
                    native_ ? StateStorage.of(nativeState) : StateStorage.of(flatState, 5));

            Step referenceStep = new Step().executor(executor);
            Step frameworkStep = new Step().executor(executor);
            for (int s = 0; s < STEPS; s++) {
                double loss = 10.0 / (s + 1);
                for (int i = 0; i < tensors; i++) {
                    float[] g = Values.array(r, LENGTHS[i], Values.Mix.plain(0.1));
                    System.arraycopy(g, 0, referenceGrads[i], 0, g.length);
                    if (native_) {
                        MemorySegment.copy(g, 0, segmentGrads[i], JAVA_FLOAT, 0, g.length);
                    } else {
                        System.arraycopy(g, 0, grads[i], 0, g.length);
                    }
                }
                optimizer.step(reference, referenceGroup, referenceStep.loss(loss));
                framework.setStep(s);   // the framework's own iteration count
                optimizer.step(framework, frameworkGroup, frameworkStep.loss(loss));
                for (int i = 0; i < tensors; i++) {
                    for (int j = 0; j < LENGTHS[i]; j++) {
                        if (native_) {
                            float p = segmentParams[i].getAtIndex(JAVA_FLOAT, j);
                            segmentParams[i].setAtIndex(JAVA_FLOAT, j, p - segmentGrads[i].getAtIndex(JAVA_FLOAT, j));
                        } else {
                            frameworkParams[i][j] -= grads[i][j];
                        }
                    }
                    float[] actual = native_ ? segmentParams[i].toArray(JAVA_FLOAT) : frameworkParams[i];
                    String where = "tensor " + i + " after step " + (s + 1);
                    assertEquals(-1, Values.firstDifference(referenceParams[i], actual), "params of " + where);
                    for (int k = 0; k < optimizer.stateSlots(); k++) {
                        assertEquals(-1, Values.firstDifference(reference.slotCopy(i, k), framework.slotCopy(i, k)),
                                "slot " + k + " of " + where);
                    }
                }
                assertEquals(s + 1, reference.step());
                assertEquals(s + 1, framework.step());
            }
        }
    }

    /** The bias (tensor 1) takes no weight decay; tensor 2 steps at half the learning rate. */
    private static void options(TensorGroupBuilder builder, int tensor) {
        if (tensor == 1) {
            builder.weightDecay(0);
        } else if (tensor == 2) {
            builder.learningRateScale(0.5);
        }
    }
}
