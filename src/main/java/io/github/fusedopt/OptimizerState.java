package io.github.fusedopt;

import io.github.fusedopt.kernel.StepScalars;

import java.nio.FloatBuffer;
import java.util.OptionalDouble;

/**
 * The mutable state of one parameter tensor: first moment {@code m}, second moment {@code v}
 * (AdaBelief's {@code s}), the step counter {@code t} and, for AdamL, the reference loss.
 *
 * <p>Create it with the optimizer's {@code newState(size)}; one state belongs to one tensor and
 * to the update rule that created it (Adam and AdamW share states). Steps update it in place.
 * A state is not thread-safe: never step the same state from two threads at once. Distinct states
 * may be stepped concurrently.
 */
public final class OptimizerState {

    final Algorithm algorithm;
    final float[] m;
    final float[] v;
    long step;
    double referenceLoss;
    final StepScalars scalars = new StepScalars();

    OptimizerState(Algorithm algorithm, int size, double referenceLoss) {
        if (size < 0) {
            throw Checks.invalid("size", size, "must be >= 0");
        }
        this.algorithm = algorithm;
        this.m = new float[size];
        this.v = new float[size];
        this.referenceLoss = referenceLoss;
    }

    /** Number of elements of the tensor this state belongs to. */
    public int size() {
        return m.length;
    }

    /** The step counter {@code t}: 0 before the first step, then the number of completed steps. */
    public long step() {
        return step;
    }

    /** A read-only view of the first moment {@code m}; it follows later steps. */
    public FloatBuffer firstMoment() {
        return FloatBuffer.wrap(m).asReadOnlyBuffer();
    }

    /** A read-only view of the second moment {@code v} (AdaBelief: {@code s}); it follows later steps. */
    public FloatBuffer secondMoment() {
        return FloatBuffer.wrap(v).asReadOnlyBuffer();
    }

    /**
     * AdamL's reference loss {@code ℓ_ref}: the builder's value, or the loss of the first step;
     * empty before that, and for every other optimizer.
     */
    public OptionalDouble referenceLoss() {
        return Double.isNaN(referenceLoss) ? OptionalDouble.empty() : OptionalDouble.of(referenceLoss);
    }

    @Override
    public String toString() {
        return "OptimizerState[" + algorithm + ", size=" + size() + ", step=" + step
                + (Double.isNaN(referenceLoss) ? "" : ", referenceLoss=" + referenceLoss) + "]";
    }
}
