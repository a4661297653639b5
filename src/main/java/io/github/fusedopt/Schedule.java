package io.github.fusedopt;

/**
 * A hyperparameter as a function of the step counter: the learning rate or the weight decay of
 * each step. {@code valueAt(t)} is asked once per step, for the step that is about to run
 * ({@code t ≥ 1}), and its value replaces the optimizer's constant in every formula of that step.
 * It should be cheap and allocate nothing; it must be a pure function of {@code t} for a restored
 * run to repeat the original's bits.
 *
 * <pre>{@code
 * // warm up linearly over 1,000 steps, then decay as 1/√t:
 * Schedule warmup = t -> 1e-3 * Math.min(t / 1000.0, Math.sqrt(1000.0 / t));
 * Adam adam = Adam.builder().learningRateSchedule(warmup).build();
 * }</pre>
 */
@FunctionalInterface
public interface Schedule {

    /**
     * The value for step {@code t}.
     *
     * @param t the step about to run: 1 for the first
     * @return the value: finite, and within the bounds of the hyperparameter it gives
     */
    double valueAt(long t);
}
