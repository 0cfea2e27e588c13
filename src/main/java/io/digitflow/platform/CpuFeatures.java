package io.digitflow.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/** The x86 feature flags of this CPU, as the Linux kernel reports them in /proc/cpuinfo. */
public record CpuFeatures(String modelName, Set<String> flags) {

    private static final Path CPUINFO = Path.of("/proc/cpuinfo");

    /** Reads the first processor's entry; an empty set where /proc/cpuinfo is missing (not Linux). */
    public static CpuFeatures detect() {
        try {
            return parse(Files.readString(CPUINFO));
        } catch (IOException | SecurityException e) {
            return new CpuFeatures("unknown", Set.of());
        }
    }

    static CpuFeatures parse(String cpuinfo) {
        String model = "unknown";
        Set<String> flags = Set.of();
        for (String line : cpuinfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                if (!flags.isEmpty()) {
                    break; // end of the first processor's block
                }
                continue;
            }
            String key = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (key.equals("model name") && model.equals("unknown")) {
                model = value;
            } else if (key.equals("flags") && flags.isEmpty()) {
                flags = Arrays.stream(value.split("\\s+")).collect(Collectors.toUnmodifiableSet());
            }
        }
        return new CpuFeatures(model, flags);
    }

    /** What nd4j-native's -avx512 build and OpenBLAS's SkylakeX kernels are compiled for. */
    public boolean hasAvx512() {
        return flags.containsAll(Set.of("avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"));
    }

    /** What OpenBLAS's Haswell kernels need. */
    public boolean hasAvx2() {
        return flags.containsAll(Set.of("avx2", "fma"));
    }
}
