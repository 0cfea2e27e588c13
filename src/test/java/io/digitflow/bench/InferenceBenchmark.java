package io.digitflow.bench;

import io.digitflow.inference.Classifier;
import io.digitflow.inference.Nd4jClassifier;
import io.digitflow.model.Hyperparameters;
import io.digitflow.model.SeedNetwork;
import io.digitflow.platform.Nd4jRuntime;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * ND4J engine throughput: u8 images in, probabilities out, per batch size. The "items" counter is
 * images per second; the primary score is batches per second. Weights are freshly initialised:
 * the work does not depend on their values.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class InferenceBenchmark {

    @Param({"1", "32", "256", "1024"})
    int batch;

    private Classifier classifier;
    private byte[][] images;
    private float[] out;

    @Setup
    public void setUp() {
        System.out.println("ND4J: " + Nd4jRuntime.describe().summary());
        classifier = new Nd4jClassifier(SeedNetwork.build(Hyperparameters.defaults()), "bench", batch);
        Random random = new Random(1);
        images = new byte[batch][784];
        for (byte[] image : images) {
            random.nextBytes(image);
        }
        out = new float[batch * Classifier.CLASSES];
    }

    @TearDown
    public void tearDown() {
        classifier.close();
    }

    @Benchmark
    public float classify(Items counter) {
        classifier.classify(images, batch, out);
        counter.items += batch;
        return out[0];
    }
}
