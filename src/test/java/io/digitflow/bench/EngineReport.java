package io.digitflow.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.digitflow.data.MnistSplit;
import io.digitflow.inference.DenseWeights;
import io.digitflow.inference.KernelPath;
import io.digitflow.inference.NativeKernel;
import io.digitflow.support.TestMnist;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns {@link EngineBenchmark}'s JMH JSON into the README's tables: median images/s per engine,
 * batch and thread count, and each engine's fraction of its peak: multiply-adds it really executes
 * per second over what the cores can issue per cycle (documented rates) at the measured clock.
 *
 * <p>Run: {@code mvn -Pbench exec:exec -Dbench.main=io.digitflow.bench.EngineReport -Dbench= -Dbench.args=target/jmh-result.json}
 */
public final class EngineReport {

    /** Multiply-adds per image that a dense engine executes: 784x512 + 512x10. */
    static final double DENSE_MACS = DenseWeights.PIXELS * DenseWeights.HIDDEN + DenseWeights.HIDDEN * 10.0;

    private EngineReport() {
    }

    public static void main(String[] args) throws IOException {
        JsonNode results = new ObjectMapper().readTree(Files.readString(Path.of(args.length > 0 ? args[0] : "target/jmh-result.json")));
        Map<String, Map<Integer, double[]>> rates = new TreeMap<>(EngineReport::engineOrder);
        for (JsonNode run : results) {
            if (!run.path("benchmark").asText().contains("EngineBenchmark")) {
                continue;
            }
            int threads = run.path("benchmark").asText().endsWith("twoThreads") ? 2 : 1;
            String engine = run.path("params").path("engine").asText();
            int batch = run.path("params").path("batch").asInt();
            List<Double> raw = new ArrayList<>();
            run.path("secondaryMetrics").path("items").path("rawData").forEach(fork -> fork.forEach(v -> raw.add(v.asDouble())));
            rates.computeIfAbsent(engine, e -> new TreeMap<>()).computeIfAbsent(batch, b -> new double[3])[threads] = median(raw);
        }
        double ghz = NativeKernel.isAvailable() ? NativeKernel.measureClockGhz() : Double.NaN;
        Peaks peaks = Peaks.thisCpu();
        System.out.printf("CPU: %s; clock measured %.2f GHz; peak rates: %s%n%n", peaks.name(), ghz, peaks.source());
        for (int threads = 1; threads <= 2; threads++) {
            System.out.printf("Images/s, %d thread%s (median of iterations):%n%n| engine |", threads, threads == 1 ? "" : "s");
            Map<Integer, double[]> any = rates.values().iterator().next();
            any.keySet().forEach(b -> System.out.printf(" %d |", b));
            System.out.printf("%n|---|%s%n", "---:|".repeat(any.size()));
            for (var engine : rates.entrySet()) {
                System.out.printf("| %s |", engine.getKey());
                for (double[] perThreads : engine.getValue().values()) {
                    System.out.printf(" %,.0f |", perThreads[threads]);
                }
                System.out.println();
            }
            System.out.println();
        }
        Map<String, Double> work = executedMacsPerImage();
        System.out.printf("Fraction of peak at batch 512 (executed multiply-adds/s over cores x %.2f GHz x MACs/cycle):%n%n", ghz);
        System.out.println("| engine | threads | images/s | ns/image | MACs/image executed | MACs/cycle/core | peak images/s | fraction of peak |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
        for (var engine : rates.entrySet()) {
            double[] at512 = engine.getValue().get(512);
            if (at512 == null) {
                continue;
            }
            for (int threads = 1; threads <= 2; threads++) {
                // ND4J's OpenBLAS uses every core whatever the number of calling threads.
                int cores = engine.getKey().equals("nd4j") ? 2 : threads;
                double macsPerCycle = peaks.macsPerCycle(engine.getKey());
                double peak = cores * ghz * 1e9 * macsPerCycle / work.get(engine.getKey());
                System.out.printf("| %s | %d | %,.0f | %.0f | %,.0f | %.0f | %,.0f | %.0f %% |%n", engine.getKey(), threads,
                        at512[threads], threads * 1e9 / at512[threads], work.get(engine.getKey()), macsPerCycle, peak,
                        100 * at512[threads] / peak);
            }
        }
    }

    /** Multiply-adds per test image each engine executes: skipped background is not work done. */
    static Map<String, Double> executedMacsPerImage() {
        MnistSplit test = TestMnist.get().test();
        Map<String, Double> work = new TreeMap<>();
        work.put("nd4j", DENSE_MACS);
        for (KernelPath path : KernelPath.values()) {
            int group = path.pixelsPerLane();
            long groups = 0;
            for (int i = 0; i < test.count(); i++) {
                byte[] image = test.image(i);
                for (int p = 0; p < image.length; p += group) {
                    boolean ink = false;
                    for (int k = 0; k < group; k++) {
                        ink |= image[p + k] != 0;
                    }
                    groups += ink ? 1 : 0;
                }
            }
            double firstLayer = (double) groups / test.count() * group * DenseWeights.HIDDEN;
            work.put(path.id(), firstLayer + DenseWeights.HIDDEN * 10.0);
        }
        return work;
    }

    private static int engineOrder(String a, String b) {
        return Integer.compare(order(a), order(b));
    }

    private static int order(String engine) {
        return engine.equals("nd4j") ? -1 : KernelPath.of(engine).ordinal();
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted.length == 0 ? Double.NaN : sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    /** Documented multiply-add issue rates per core and cycle, per engine, for the CPUs we know. */
    record Peaks(String name, String source, Map<String, Double> rates) {

        double macsPerCycle(String engine) {
            return rates.getOrDefault(engine, Double.NaN);
        }

        static Peaks thisCpu() {
            String cpuinfo;
            try {
                cpuinfo = Files.readString(Path.of("/proc/cpuinfo"));
            } catch (IOException e) {
                cpuinfo = "";
            }
            boolean amd = cpuinfo.contains("AuthenticAMD");
            boolean family25 = Arrays.stream(cpuinfo.split("\n")).anyMatch(l -> l.matches("cpu family\\s*:\\s*25"));
            if (amd && family25 && cpuinfo.contains("avx512f")) {
                // AMD Zen 4 (family 19h with AVX-512): two 256-bit FMA pipes; a 512-bit operation
                // takes both halves, so per cycle: 16 fp32 FMAs (AVX2 or AVX-512), 32 bf16 pair
                // products (vdpbf16ps), 64 u8xs8 products (vpdpbusd); SSE2 code has no FMA: 2 x 4
                // multiplies and 2 x 4 adds.
                return new Peaks("AMD Zen 4", "AMD Software Optimization Guide for Zen 4 (two 256-bit FMA pipes, 512-bit ops on both)",
                        Map.of("nd4j", 16.0, "plain", 8.0, "avx2", 16.0, "avx512", 16.0, "avx512-bf16", 32.0,
                                "avx512-vnni", 64.0));
            }
            return new Peaks("unknown CPU", "no documented rates for this CPU in EngineReport", Map.of());
        }
    }
}
