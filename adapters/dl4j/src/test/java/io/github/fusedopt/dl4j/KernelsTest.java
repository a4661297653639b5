package io.github.fusedopt.dl4j;

import io.github.fusedopt.KernelInfo;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The build runs these tests with the vector module and without it; each run checks which kernels it got. */
class KernelsTest {

    @Test
    void theRunUsesTheKernelsItIsMeantFor() {
        assertEquals(System.getProperty("fusedopt.test.expectedKernels"), KernelInfo.active().name());
    }
}
