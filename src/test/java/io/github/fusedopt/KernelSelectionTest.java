package io.github.fusedopt;

import io.github.fusedopt.kernel.KernelProvider;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The provider picks the vector kernels exactly when {@code jdk.incubator.vector} is present, falls
 * back with one warning otherwise, and obeys {@code -Dfusedopt.kernels}. The surefire run without
 * the module and the run with it each assert their own path; fresh JVMs check the warnings.
 */
class KernelSelectionTest {

    private static final String MODULE_FLAG = "--add-modules=jdk.incubator.vector";

    @Test
    void thisRunUsesTheExpectedKernels() {
        String expected = System.getProperty("fusedopt.test.expectedKernels");
        assumeTrue(expected != null, "run from the build, which says which path to expect");
        assertEquals(expected, KernelProvider.kernels().name());
        assertEquals(expected.equals("vector"), KernelProvider.vector().isPresent());
        KernelInfo info = KernelInfo.active();
        assertEquals(expected, info.name());
        assertEquals(expected.equals("vector"), info.vectorized());
        assertTrue(expected.equals("vector") ? info.lanes() >= 4 : info.lanes() == 1, info.toString());
        assertEquals(info.toString() + "\n", io.github.fusedopt.cli.MainAccess.kernels(), "the CLI's kernels command");
    }

    @Test
    void withTheModuleTheVectorKernelsRunSilently() throws Exception {
        Probe probe = probe(MODULE_FLAG);
        assertEquals("vector", probe.kernels, probe.output);
        assertEquals(0, probe.fusedoptWarnings, probe.output);
    }

    @Test
    void withoutTheModuleTheScalarKernelsRunAfterOneWarningNamingTheFlag() throws Exception {
        Probe probe = probe();
        assertEquals("scalar", probe.kernels, probe.output);
        assertEquals(1, probe.fusedoptWarnings, probe.output);
        assertTrue(probe.output.contains("--add-modules jdk.incubator.vector"), probe.output);
    }

    @Test
    void thePropertyForcesTheScalarPathWithoutWarning() throws Exception {
        Probe probe = probe(MODULE_FLAG, "-D" + KernelProvider.PROPERTY + "=scalar");
        assertEquals("scalar", probe.kernels, probe.output);
        assertEquals(0, probe.fusedoptWarnings, probe.output);
    }

    @Test
    void forcingTheVectorPathWithoutTheModuleFallsBackWithTheWarning() throws Exception {
        Probe probe = probe("-D" + KernelProvider.PROPERTY + "=vector");
        assertEquals("scalar", probe.kernels, probe.output);
        assertEquals(1, probe.fusedoptWarnings, probe.output);
        assertTrue(probe.output.contains("--add-modules jdk.incubator.vector"), probe.output);
    }

    @Test
    void anUnknownPropertyValueIsReportedAndIgnored() throws Exception {
        Probe probe = probe(MODULE_FLAG, "-D" + KernelProvider.PROPERTY + "=gpu");
        assertEquals("vector", probe.kernels, probe.output);
        assertEquals(1, probe.fusedoptWarnings, probe.output);
        assertTrue(probe.output.contains("fusedopt.kernels=gpu"), probe.output);
    }

    private record Probe(String kernels, long fusedoptWarnings, String output) {
    }

    /** Starts a JVM that steps Adam once and prints the kernels' name; returns what it printed. */
    private static Probe probe(String... jvmOptions) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), KernelProbe.class.getName()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), output);
        String kernels = output.lines().filter(l -> l.startsWith("kernels=")).map(l -> l.substring(8))
                .findFirst().orElse("none");
        long warnings = output.lines().filter(l -> l.contains("fusedopt:")).count();
        return new Probe(kernels, warnings, output);
    }
}
