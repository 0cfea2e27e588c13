package io.digitflow.stream;

import io.digitflow.inference.ConstantClassifier;
import io.digitflow.input.DecodeLimits;
import io.digitflow.input.ImageDecoder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The warm-up's synthetic records take the prediction path, the one real traffic takes, not the
 * dead-letter path: a warm-up that compiled only the refusals would leave the first real records cold.
 */
class WarmUpTest {

    @Test
    void syntheticRecordsArePredictedAndLabelled() {
        List<ConsumerRecord<String, byte[]>> batch = ImageStream.syntheticBatch(512);
        BatchProcessor processor = new BatchProcessor(new ImageDecoder(DecodeLimits.DEFAULTS), 256, "predictions", "dlq");
        BatchProcessor.Output out = processor.process(batch, () -> new ConstantClassifier("warm"));

        assertThat(out.predictions()).isEqualTo(batch.size());
        assertThat(out.deadLetters()).isEmpty();
        assertThat(out.records()).allSatisfy(record -> assertThat(record.topic()).isEqualTo("predictions"));
        assertThat(out.engineBatches()).containsExactly(256, 256);
        // The label header is read as on labelled traffic.
        assertThat(out.quality().versionCount()).isEqualTo(1);
        assertThat(out.quality().labeled(0)).isEqualTo(batch.size());
    }
}
