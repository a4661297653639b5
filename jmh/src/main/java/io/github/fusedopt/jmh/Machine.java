package io.github.fusedopt.jmh;

import io.github.fusedopt.kernel.KernelProvider;
import io.github.fusedopt.kernel.StepKernels;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What the figures were measured on: the CPU, whether it offers AVX-512, the JDK, and the vector
 * width the kernels run at.
 *
 * @param cpu the model name from {@code /proc/cpuinfo}, or {@code os.arch}
 * @param avx512 whether the CPU flags include {@code avx512f}
 * @param cores available processors
 * @param jdk {@code java.runtime.version} and vendor
 * @param vectorLanes float lanes of the vector kernels, 0 when they are not loaded
 */
record Machine(String cpu, boolean avx512, int cores, String jdk, int vectorLanes) {

    static Machine current() {
        List<String> cpuinfo = readCpuinfo();
        String cpu = cpuinfo.stream().filter(line -> line.startsWith("model name"))
                .map(line -> line.substring(line.indexOf(':') + 1).trim())
                .findFirst().orElse(System.getProperty("os.arch"));
        boolean avx512 = cpuinfo.stream()
                .anyMatch(line -> line.startsWith("flags") && line.contains(" avx512f"));
        String jdk = System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vendor") + ")";
        int lanes = KernelProvider.vector().map(StepKernels::lanes).orElse(0);
        return new Machine(cpu, avx512, Runtime.getRuntime().availableProcessors(), jdk, lanes);
    }

    String describe() {
        String width = vectorLanes == 0 ? "vector kernels not loaded"
                : vectorLanes + " float lanes (" + 32 * vectorLanes + "-bit vectors)";
        return cpu + ", " + cores + " cores, AVX-512 " + (avx512 ? "on" : "off") + "; JDK " + jdk + "; " + width;
    }

    private static List<String> readCpuinfo() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo"));
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }
}
