package io.digitflow.bench;

import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.digitflow.stream.PredictionJson;
import io.digitflow.support.JacksonPrediction;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One prediction's JSON, with probabilities as a trained softmax gives them (one near 1, the rest spread
 * over many orders of magnitude): digitflow's writer against the Jackson generator it replaced.
 * {@code mvn -Pbench test-compile exec:exec -Dbench=PredictionJsonBenchmark -Dbench.args="-prof gc"}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PredictionJsonBenchmark {

    private static final int ROWS = 1024;

    @Param({"digitflow", "jackson-generator"})
    String writer;

    private final PredictionJson ours = new PredictionJson();
    private final ByteArrayBuilder buffer = new ByteArrayBuilder(512);
    private float[] probabilities;
    private int[] digits;
    private int row;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(3);
        probabilities = new float[ROWS * 10];
        digits = new int[ROWS];
        for (int r = 0; r < ROWS; r++) {
            double[] e = new double[10];
            double sum = 0;
            int digit = random.nextInt(10);
            for (int d = 0; d < 10; d++) {
                e[d] = Math.exp(d == digit ? 25 : random.nextDouble(-10, 20));
                sum += e[d];
            }
            for (int d = 0; d < 10; d++) {
                probabilities[r * 10 + d] = (float) (e[d] / sum);
            }
            digits[r] = digit;
        }
    }

    @Benchmark
    public byte[] write() throws IOException {
        int r = row++ & (ROWS - 1);
        long offset = 1_000_000L + r;
        return writer.equals("digitflow")
                ? ours.write("key-" + r, digits[r], probabilities, r * 10, "v20261204-070000", r % 3, offset, 12)
                : JacksonPrediction.write(buffer, "key-" + r, digits[r], probabilities, r * 10, "v20261204-070000", r % 3,
                offset, 12);
    }
}
