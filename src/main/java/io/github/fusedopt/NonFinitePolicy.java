package io.github.fusedopt;

/** What a step does with a gradient that holds NaN or ±∞ after scaling. */
public enum NonFinitePolicy {
    /**
     * Step as usual: the values flow into the moments and parameters, as in PyTorch. The default;
     * it costs nothing.
     */
    PROPAGATE,
    /**
     * Check the scaled gradient first and, if any element is NaN or ±∞, write nothing: parameters,
     * moments, the step counter and AdamL's reference loss stay as they were, and the step returns
     * {@link StepOutcome#SKIPPED}. A group step is skipped as a whole. The check is one extra read of
     * the gradients; AdaL's norm pass does it for free whenever the norm comes out finite.
     */
    SKIP
}
