package io.github.fusedopt;

import io.github.fusedopt.kernel.KernelProvider;
import io.github.fusedopt.kernel.StepKernels;

/**
 * Which kernels this JVM's steps run, chosen once when the library is first used: the vector
 * kernels, when the {@code jdk.incubator.vector} module is in the boot layer (the
 * {@code --add-modules jdk.incubator.vector} flag, or a module that {@code requires} it), or else the
 * scalar kernels, which give the same bits more slowly. The system property {@code fusedopt.kernels}
 * ({@code auto}, {@code vector} or {@code scalar}) forces a choice.
 *
 * <pre>{@code
 * KernelInfo kernels = KernelInfo.active();
 * System.out.println(kernels);   // vector kernels, 16 float lanes
 * }</pre>
 *
 * @param name {@code "vector"} or {@code "scalar"}
 * @param lanes floats per instruction: 4, 8 or 16 for the vector kernels (the machine's preferred
 *        width), 1 for the scalar kernels
 */
public record KernelInfo(String name, int lanes) {

    /**
     * The kernels every step of this JVM runs.
     *
     * @return their name and width
     */
    public static KernelInfo active() {
        StepKernels kernels = KernelProvider.kernels();
        return new KernelInfo(kernels.name(), kernels.lanes());
    }

    /** {@return whether these are the vector kernels} */
    public boolean vectorized() {
        return name.equals("vector");
    }

    @Override
    public String toString() {
        return name + " kernels, " + lanes + " float lane" + (lanes == 1 ? "" : "s");
    }
}
