package io.digitflow.inference;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The native kernel's code paths, in the order of {@code enum df_path} in src-native/src/kernel.h.
 * Each knows the work it executes per image, so benchmarks can state its fraction of peak.
 */
public enum KernelPath {
    /** Portable C, fp32: what any x86-64 (or other) CPU runs. */
    PLAIN("plain", true, 1),
    /** AVX2 + FMA, fp32. */
    AVX2("avx2", true, 1),
    /** AVX-512F, fp32. */
    AVX512("avx512", true, 1),
    /** AVX-512 BF16: weights rounded to bf16, two pixels per instruction lane, fp32 sums. */
    AVX512_BF16("avx512-bf16", false, 2),
    /** AVX-512 VNNI: int8 weights with a scale per neuron, four u8 pixels per lane, int32 sums. */
    AVX512_VNNI("avx512-vnni", false, 4);

    private final String id;
    private final boolean exact;
    private final int pixelsPerLane;

    KernelPath(String id, boolean exact, int pixelsPerLane) {
        this.id = id;
        this.exact = exact;
        this.pixelsPerLane = pixelsPerLane;
    }

    /** The name used in settings and reports. */
    public String id() {
        return id;
    }

    /**
     * True for the fp32 paths, which compute what the model computes (to float rounding); the
     * others quantise the first layer's weights.
     */
    public boolean exact() {
        return exact;
    }

    /**
     * How many adjacent pixels one multiply-add lane takes: the kernel skips a group of this many
     * only when all are background.
     */
    public int pixelsPerLane() {
        return pixelsPerLane;
    }

    public static KernelPath of(String id) {
        for (KernelPath path : values()) {
            if (path.id.equals(id.toLowerCase(Locale.ROOT))) {
                return path;
            }
        }
        throw new IllegalArgumentException("unknown native path '" + id + "'; one of: "
                + Arrays.stream(values()).map(KernelPath::id).collect(Collectors.joining(", ")));
    }
}
