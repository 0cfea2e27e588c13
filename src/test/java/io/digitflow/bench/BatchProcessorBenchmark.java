package io.digitflow.bench;

import io.digitflow.inference.Classifier;
import io.digitflow.inference.ConstantClassifier;
import io.digitflow.inference.Nd4jClassifier;
import io.digitflow.input.DecodeLimits;
import io.digitflow.input.ImageDecoder;
import io.digitflow.model.Hyperparameters;
import io.digitflow.model.SeedNetwork;
import io.digitflow.stream.BatchProcessor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
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

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * The service's per-poll-batch work without Kafka I/O: decode 2,000 raw records, classify them in
 * engine batches, build the prediction records. "constant" isolates everything but the model.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class BatchProcessorBenchmark {

    private static final int RECORDS = 2000;

    @Param({"nd4j", "constant"})
    String engine;

    private BatchProcessor processor;
    private Classifier classifier;
    private List<ConsumerRecord<String, byte[]>> batch;


    @Setup
    public void setUp() {
        classifier = engine.equals("nd4j")
                ? new Nd4jClassifier(SeedNetwork.build(Hyperparameters.defaults()), "bench", 512)
                : new ConstantClassifier("bench");
        processor = new BatchProcessor(new ImageDecoder(DecodeLimits.DEFAULTS), 512, "out", "dlq");
        Random random = new Random(1);
        batch = new ArrayList<>(RECORDS);
        for (int i = 0; i < RECORDS; i++) {
            byte[] image = new byte[784];
            random.nextBytes(image);
            RecordHeaders headers = new RecordHeaders();
            headers.add("content-type", "application/x-digit-u8".getBytes(UTF_8));
            headers.add("correlation-id", ("c-" + i).getBytes(UTF_8));
            batch.add(new ConsumerRecord<>("in", i % 3, i, System.currentTimeMillis(), TimestampType.CREATE_TIME,
                    -1, -1, "key-" + i, image, headers, Optional.empty()));
        }
    }

    @Benchmark
    public int process(Items counter) {
        BatchProcessor.Output out = processor.process(batch, () -> classifier);
        counter.items += RECORDS;
        return out.predictions();
    }
}
