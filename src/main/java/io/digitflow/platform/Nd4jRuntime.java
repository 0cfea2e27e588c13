package io.digitflow.platform;

import com.sun.jna.NativeLibrary;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * What ND4J actually loaded: backend, the CPU binary, the OpenBLAS kernels and thread counts.
 * Touching this class applies {@link NativeTuning} first.
 */
public final class Nd4jRuntime {

    static {
        NativeTuning.apply();
    }

    private Nd4jRuntime() {
    }

    /** Call from a static initialiser of any class that is first to touch ND4J. */
    public static void ensureTuned() {
        // The static initialiser above does the work.
    }

    /** Loads ND4J if it has not been loaded yet and reports what it runs on. */
    public static BackendInfo describe() {
        String backend = Nd4j.getBackend().getClass().getSimpleName();
        int level = NativeOpsHolder.getInstance().getDeviceNativeOps().binaryLevel();
        String binary = switch (level) {
            case 3 -> "avx512";
            case 2 -> "avx2";
            default -> "generic";
        };
        String blasCore = "unknown";
        int blasThreads = -1;
        try {
            // The JavaCPP preset does not map these two; the library is loaded already, so ask it directly.
            NativeLibrary blas = NativeLibrary.getInstance(Loader.load(openblas_nolapack.class));
            blasCore = blas.getFunction("openblas_get_corename").invokeString(new Object[0], false);
            blasThreads = blas.getFunction("openblas_get_num_threads").invokeInt(new Object[0]);
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            blasCore = "unknown (" + e.getMessage() + ")";
        }
        int ompThreads = Nd4j.getEnvironment().maxThreads();
        return new BackendInfo(backend, NativeTuning.nd4jBinary(), binary, blasCore, blasThreads, ompThreads,
                CpuFeatures.detect().modelName());
    }

    /** The native runtime as recorded in model metadata and logged at start-up. */
    public record BackendInfo(String backend, String nd4jBinary, String binaryLevel, String blasCore,
                              int blasThreads, int ompThreads, String cpu) {

        public String summary() {
            return backend + " " + nd4jBinary + " (" + binaryLevel + "), OpenBLAS " + blasCore + " kernels, "
                    + blasThreads + " BLAS / " + ompThreads + " OpenMP threads on " + cpu;
        }
    }
}
