package io.github.fusedopt;

import io.github.fusedopt.kernel.KernelProvider;

/** Run in a fresh JVM by {@link KernelSelectionTest}: one step, then the kernels' name. */
final class KernelProbe {

    private KernelProbe() {
    }

    public static void main(String[] args) {
        Adam adam = Adam.builder().build();
        float[] params = {1, 2, 3};
        adam.step(adam.newState(3), params, new float[] {0.1f, 0.2f, 0.3f});
        System.out.println("kernels=" + KernelProvider.kernels().name());
    }
}
