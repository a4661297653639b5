/**
 * fusedopt: fused one-pass optimizer steps (Adam, AdamW, EAdam, AdaBelief, AdamL, AdaL) over
 * {@code float} arrays, vectorised with {@code jdk.incubator.vector} when it is present.
 */
module io.github.fusedopt {
    requires static jdk.incubator.vector;
    exports io.github.fusedopt;
}
