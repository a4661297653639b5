package io.github.fusedopt;

/**
 * How a state stores its slots ({@code m}, {@code v} and AMSGrad's {@code v_max}).
 *
 * <p>A step computes in {@code float} whatever the format: it widens each stored value exactly,
 * performs the rule's float operations, and rounds each new slot value once as it stores it. The
 * parameter update uses the unrounded values, so a bf16 state changes only what the next step
 * starts from.
 */
public enum StateFormat {
    /** IEEE {@code float32}, 4 bytes per slot value: the reference, exact step to step. */
    F32(Float.BYTES),
    /**
     * bfloat16, 2 bytes per slot value (the upper half of a float32: its 8 exponent bits, 7 of its
     * mantissa bits), which halves the state's memory and its traffic. Rounding is stochastic: the
     * float is rounded up with probability (its dropped lower half)/2^16, so the stored value's
     * expectation is the float itself and small steady changes are not lost. The 16 random bits come
     * from a counter-based generator of (the state's rounding seed, the step {@code t}, the
     * element's index in its tensor), so results are the same bits on every kernel, thread count and
     * storage, and after a checkpoint and restore; {@code m} uses the low 16 of the element's 32
     * random bits, {@code v} and {@code v_max} the high 16. NaN stays NaN and ±∞ stay; a finite
     * value rounds to ∞ only from above the largest bf16.
     */
    BF16(Short.BYTES);

    private final int bytes;

    StateFormat(int bytes) {
        this.bytes = bytes;
    }

    /** {@return the bytes per stored value: 4 or 2} */
    public int bytes() {
        return bytes;
    }

    /** The floats of caller storage that {@code values} values of this format fill, rounded up. */
    long floats(long values) {
        return (values * bytes + Float.BYTES - 1) / Float.BYTES;
    }
}
