package io.github.fusedopt;

/** How weight decay {@code λ} enters a step. */
public enum WeightDecayMode {

    /** L2 regularisation: {@code g ← g + λ·p} before the moments. The default of every optimizer but AdamW. */
    COUPLED,

    /** Decoupled decay: {@code p ← p·(1 − α·λ)} before the update. The default of {@link AdamW}. */
    DECOUPLED
}
