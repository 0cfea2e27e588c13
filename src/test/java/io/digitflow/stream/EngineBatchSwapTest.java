package io.digitflow.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.digitflow.inference.Classifier;
import io.digitflow.inference.ConstantClassifier;
import io.digitflow.input.DecodeLimits;
import io.digitflow.input.ImageDecoder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A model swapped while a poll batch is processed takes effect at the next engine batch: every
 * engine batch is classified, and named, by exactly one version.
 */
class EngineBatchSwapTest {

    @Test
    void everyEngineBatchIsClassifiedByOneVersionWhenTheModelChangesBetweenThem() throws Exception {
        List<ConsumerRecord<String, byte[]>> poll = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            poll.add(new ConsumerRecord<>("images", i % 3, i, "k-" + i, new byte[784]));
        }
        // The serving model changes every time it is asked: the worst case for splitting a batch.
        AtomicInteger asked = new AtomicInteger();
        Supplier<Classifier> swapping = () -> new ConstantClassifier(asked.getAndIncrement() % 2 == 0 ? "old" : "new");
        BatchProcessor processor = new BatchProcessor(new ImageDecoder(DecodeLimits.DEFAULTS), 256, "predictions", "dlq");

        BatchProcessor.Output out = processor.process(poll, swapping);

        assertThat(out.engineBatches()).containsExactly(256, 256, 256, 232);
        assertThat(out.models()).containsExactly("old", "new", "old", "new");
        assertThat(asked).hasValue(4);
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < poll.size(); i++) {
            String model = json.readTree(out.records().get(i).value()).path("model").asText();
            assertThat(model).as("record %d", i).isEqualTo((i / 256) % 2 == 0 ? "old" : "new");
        }
    }
}
