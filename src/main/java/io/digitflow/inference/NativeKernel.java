package io.digitflow.inference;

import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Loads the fused C kernel built from src-native, in the style of commons-crypto and netty: the
 * library ships inside the jar under {@code native/<os>-<arch>/}, is extracted to a temporary file
 * and loaded once. When that fails, {@link #unavailabilityCause()} says why and everything runs
 * on ND4J. The JNI methods trust their arguments: {@link NativeClassifier} checks them first.
 */
public final class NativeKernel {

    /** Matches DF_ABI_VERSION in kernel.h: a stale library is refused rather than called wrongly. */
    static final int ABI_VERSION = 1;
    static final String LIBRARY = "libdigitflow.so";

    private static final Logger LOG = Logger.getLogger(NativeKernel.class);
    private static final Throwable CAUSE = load();

    private NativeKernel() {
    }

    /** True when the library loaded and matches this code. */
    public static boolean isAvailable() {
        return CAUSE == null;
    }

    /** Why the library is not available, if it is not. */
    public static Optional<Throwable> unavailabilityCause() {
        return Optional.ofNullable(CAUSE);
    }

    /** The paths this CPU can run; empty when the library is not available. */
    public static Set<KernelPath> availablePaths() {
        return isAvailable() ? pathsOf(nativeAvailablePaths()) : EnumSet.noneOf(KernelPath.class);
    }

    /** The paths whose bits ({@code 1 << ordinal}, as df_available_paths sets them) are set in {@code bits}. */
    private static Set<KernelPath> pathsOf(int bits) {
        EnumSet<KernelPath> paths = EnumSet.noneOf(KernelPath.class);
        for (KernelPath path : KernelPath.values()) {
            if ((bits & (1 << path.ordinal())) != 0) {
                paths.add(path);
            }
        }
        return paths;
    }

    /** The fastest path on this CPU that computes in fp32 like the model. */
    public static Optional<KernelPath> bestExactPath() {
        return availablePaths().stream().filter(KernelPath::exact).reduce((a, b) -> b);
    }

    /** The core clock in GHz, measured with a chain of dependent adds (takes about a second). */
    public static double measureClockGhz() {
        requireAvailable();
        return nativeMeasureGhz();
    }

    static void requireAvailable() {
        if (CAUSE != null) {
            throw new IllegalStateException("the native kernel is not available: " + CAUSE.getMessage(), CAUSE);
        }
    }

    private static Throwable load() {
        String platform = platform();
        String resource = "/native/" + platform + "/" + LIBRARY;
        try (InputStream in = NativeKernel.class.getResourceAsStream(resource)) {
            if (in == null) {
                return new UnsatisfiedLinkError("no native kernel for " + platform + " in this build ("
                        + resource + " missing: built without gcc, or another platform)");
            }
            Path file = Files.createTempFile("digitflow-", "-" + LIBRARY);
            file.toFile().deleteOnExit();
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            System.load(file.toAbsolutePath().toString());
            int abi = nativeAbiVersion();
            if (abi != ABI_VERSION) {
                return new UnsatisfiedLinkError("native kernel ABI " + abi + ", this code needs " + ABI_VERSION);
            }
            LOG.debugf("Native kernel loaded from %s; paths on this CPU: %s", resource,
                    pathsOf(nativeAvailablePaths()).stream().map(KernelPath::id).collect(Collectors.joining(", ")));
            return null;
        } catch (IOException | UnsatisfiedLinkError | SecurityException e) {
            return e;
        }
    }

    static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String osName = os.contains("linux") ? "linux" : os.replaceAll("\\W", "");
        String archName = arch.equals("amd64") || arch.equals("x86_64") ? "x86_64" : arch;
        return osName + "-" + archName;
    }

    private static native int nativeAbiVersion();

    private static native int nativeAvailablePaths();

    private static native double nativeMeasureGhz();

    /** Packs the weights for {@code path}; 0 when the path cannot run here or memory ran out. */
    static native long pack(float[] w1, float[] b1, float[] w2, float[] b2, int path);

    /** {@code images}: direct, {@code count * 784} bytes; {@code out}: direct, {@code count * 10} floats. */
    static native void classify(long model, ByteBuffer images, int count, ByteBuffer out);

    static native void free(long model);
}
