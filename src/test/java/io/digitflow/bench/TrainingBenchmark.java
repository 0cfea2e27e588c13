package io.digitflow.bench;

import io.digitflow.model.Hyperparameters;
import io.digitflow.model.SeedNetwork;
import io.digitflow.platform.Nd4jRuntime;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Training throughput of the seed network: one RMSprop step on a batch of 128, the setting the
 * training job uses. The "items" counter is training images per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TrainingBenchmark {

    private static final int BATCH = Hyperparameters.DEFAULT_BATCH_SIZE;

    private MultiLayerNetwork network;
    private INDArray features;
    private INDArray labels;


    @Setup
    public void setUp() {
        System.out.println("ND4J: " + Nd4jRuntime.describe().summary());
        network = SeedNetwork.build(Hyperparameters.defaults());
        features = Nd4j.rand(DataType.FLOAT, BATCH, SeedNetwork.INPUTS);
        labels = Nd4j.zeros(DataType.FLOAT, BATCH, SeedNetwork.CLASSES);
        for (int i = 0; i < BATCH; i++) {
            labels.putScalar(i, i % SeedNetwork.CLASSES, 1f);
        }
    }

    @Benchmark
    public double step(Items counter) {
        network.fit(features, labels);
        counter.items += BATCH;
        return network.score();
    }
}
