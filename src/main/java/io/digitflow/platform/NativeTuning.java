package io.digitflow.platform;

import com.sun.jna.Library;
import com.sun.jna.Native;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Points ND4J and OpenBLAS at this CPU's fast paths before either of them loads.
 *
 * <p>Must run before the first ND4J or JavaCPP class is touched: OpenBLAS and libgomp read their
 * environment variables when the shared libraries load, and JavaCPP picks the binary on first use.
 * {@code Main} calls it first thing; the classes that touch ND4J call it from a static
 * initialiser too, because tests never run {@code Main}. Values a user set are never overwritten.
 *
 * <ul>
 *   <li>{@code OPENBLAS_CORETYPE}: the OpenBLAS 0.3.19 bundled with ND4J M2.1 does not recognise
 *       recent Xeons and falls back to its SSE3 "Prescott" kernels, 3-4x slower. We name the
 *       kernel family the CPU flags support.</li>
 *   <li>{@code OMP_WAIT_POLICY=PASSIVE}: libgomp's threads spin by default and fight OpenBLAS's own
 *       pool; on two cores that halves training speed.</li>
 *   <li>{@code org.bytedeco.javacpp.platform.extension}: loads nd4j-native's AVX-512 build where the
 *       CPU has AVX-512; the generic build everywhere else (an AVX-512 binary would crash there).</li>
 * </ul>
 */
public final class NativeTuning {

    /** System property naming the nd4j-native binary JavaCPP loads ("" = generic). */
    public static final String PLATFORM_EXTENSION = "org.bytedeco.javacpp.platform.extension";
    /** System property of JavaCPP's extraction folder. */
    public static final String JAVACPP_CACHE = "org.bytedeco.javacpp.cachedir";

    private static volatile Map<String, String> applied;

    private NativeTuning() {
    }

    /**
     * For serving: one engine thread unless {@code DIGITFLOW_ENGINE_THREADS} says otherwise. With the
     * Kafka clients (and often the broker) on the same cores, a parallel region of two threads waits
     * for whichever one the scheduler has just taken away: measured in the service at 2,000 images/s,
     * a batch of 23 images took 17-26 ms on two engine threads and about 1 ms on one, and draining a
     * backlog was no slower. Must run before {@link #apply()}; call it before anything loads ND4J.
     */
    public static synchronized void limitEngineThreadsForServing() {
        if (applied != null || System.getenv("OMP_NUM_THREADS") != null) {
            return;
        }
        String threads = System.getenv("DIGITFLOW_ENGINE_THREADS");
        Map<String, String> done = new LinkedHashMap<>();
        // OpenBLAS reads OMP_NUM_THREADS too when OPENBLAS_NUM_THREADS is unset: one knob for both pools.
        setenvIfAbsent("OMP_NUM_THREADS", threads == null || threads.isBlank() ? "1" : threads, done);
    }

    /** Applies the settings once per JVM; returns what was set, for the start-up log. */
    public static synchronized Map<String, String> apply() {
        if (applied != null) {
            return applied;
        }
        CpuFeatures cpu = CpuFeatures.detect();
        Map<String, String> done = new LinkedHashMap<>();
        String coretype = cpu.hasAvx512() ? "SkylakeX" : cpu.hasAvx2() ? "Haswell" : null;
        if (coretype != null) {
            setenvIfAbsent("OPENBLAS_CORETYPE", coretype, done);
        }
        setenvIfAbsent("OMP_WAIT_POLICY", "PASSIVE", done);
        if (System.getProperty(PLATFORM_EXTENSION) == null) {
            String extension = cpu.hasAvx512() ? "-avx512" : "";
            System.setProperty(PLATFORM_EXTENSION, extension);
            done.put(PLATFORM_EXTENSION, extension);
        }
        if (System.getProperty(JAVACPP_CACHE) == null) {
            // The extracted native libraries (~400 MB) live with the rest of digitflow's files.
            String cache = DigitflowHome.resolve().resolve("javacpp").toString();
            System.setProperty(JAVACPP_CACHE, cache);
            done.put(JAVACPP_CACHE, cache);
        }
        applied = Map.copyOf(done);
        return applied;
    }

    /** The ND4J binary in use: "linux-x86_64" plus the extension JavaCPP was told to load. */
    public static String nd4jBinary() {
        return "linux-x86_64" + System.getProperty(PLATFORM_EXTENSION, "");
    }

    private static void setenvIfAbsent(String name, String value, Map<String, String> done) {
        if (System.getenv(name) != null) {
            return;
        }
        try {
            LibC.INSTANCE.setenv(name, value, 0);
            done.put(name, value);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            // Not glibc (or no JNA): ND4J still works, only slower. Say so rather than fail.
            done.put(name, "not set (" + e.getMessage() + ")");
        }
    }

    private interface LibC extends Library {
        LibC INSTANCE = Native.load("c", LibC.class);

        int setenv(String name, String value, int overwrite);
    }

    /** Exposed for the start-up log and tests: where the JavaCPP cache is. */
    public static Path javacppCache() {
        return Path.of(System.getProperty(JAVACPP_CACHE));
    }
}
