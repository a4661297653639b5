package io.github.fusedopt;

/** The update rule a state's moments belong to; AdamW is Adam with decoupled decay. */
enum Algorithm {
    ADAM("Adam/AdamW"),
    EADAM("EAdam"),
    ADABELIEF("AdaBelief"),
    ADAML("AdamL"),
    ADAL("AdaL");

    private final String displayName;

    Algorithm(String displayName) {
        this.displayName = displayName;
    }

    @Override
    public String toString() {
        return displayName;
    }
}
