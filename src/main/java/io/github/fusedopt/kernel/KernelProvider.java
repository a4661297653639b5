package io.github.fusedopt.kernel;

import java.lang.System.Logger.Level;
import java.util.Locale;
import java.util.Optional;

/**
 * Picks the kernels once, at class initialisation: the vector kernels when
 * {@code jdk.incubator.vector} is in the boot layer and usable, otherwise the scalar kernels with
 * one warning (naming {@code --add-modules jdk.incubator.vector} when the module is missing).
 *
 * <p>The system property {@value #PROPERTY} forces a path: {@code scalar}, {@code vector} or
 * {@code auto} (the default). Forcing {@code vector} where it cannot run falls back to scalar with
 * the same warning; nothing here ever throws.
 */
public final class KernelProvider {

    /** System property that forces a path: {@code auto}, {@code vector} or {@code scalar}. */
    public static final String PROPERTY = "fusedopt.kernels";

    static final String MISSING_MODULE_WARNING = "fusedopt: the SIMD kernels need the "
            + "jdk.incubator.vector module; running the scalar kernels. Add "
            + "--add-modules jdk.incubator.vector to the java command line to enable them.";

    private static final String VECTOR_MODULE = "jdk.incubator.vector";
    private static final String VECTOR_CLASS = "io.github.fusedopt.kernel.VectorStepKernels";
    private static final int MIN_LANES = 4;
    private static final System.Logger LOG = System.getLogger("io.github.fusedopt");

    /** The vector kernels, or why there are none. */
    private record Loaded(StepKernels kernels, String unavailableReason) {
    }

    private static final Loaded VECTOR = loadVector();
    private static final StepKernels SELECTED = select();

    private KernelProvider() {
    }

    /** The kernels every step uses. */
    public static StepKernels kernels() {
        return SELECTED;
    }

    /** The scalar kernels, always available. */
    public static StepKernels scalar() {
        return ScalarStepKernels.INSTANCE;
    }

    /** The widest vector of any available kernels, in float lanes: 1 without the vector kernels. */
    static int maxLanes() {
        return VECTOR.kernels == null ? 1 : VECTOR.kernels.lanes();
    }

    /** The vector kernels, if {@code jdk.incubator.vector} is present and usable. */
    public static Optional<StepKernels> vector() {
        return Optional.ofNullable(VECTOR.kernels);
    }

    private static StepKernels select() {
        String requested = System.getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
        switch (requested) {
            case "scalar":
                return ScalarStepKernels.INSTANCE;
            case "auto":
            case "vector":
                break;
            default:
                LOG.log(Level.WARNING, "fusedopt: ignoring -D" + PROPERTY + "=" + requested
                        + "; expected auto, vector or scalar.");
        }
        if (VECTOR.kernels != null) {
            return VECTOR.kernels;
        }
        LOG.log(Level.WARNING, VECTOR.unavailableReason);
        return ScalarStepKernels.INSTANCE;
    }

    private static Loaded loadVector() {
        if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
            return new Loaded(null, MISSING_MODULE_WARNING);
        }
        try {
            StepKernels kernels = (StepKernels) Class.forName(VECTOR_CLASS).getDeclaredConstructor().newInstance();
            if (kernels.lanes() < MIN_LANES) {
                return new Loaded(null, "fusedopt: float vectors on this platform have " + kernels.lanes()
                        + " lanes; running the scalar kernels.");
            }
            return new Loaded(kernels, null);
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return new Loaded(null, "fusedopt: the SIMD kernels failed to load (" + e
                    + "); running the scalar kernels.");
        }
    }
}
