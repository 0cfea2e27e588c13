package io.digitflow.stream;

import io.digitflow.inference.ConstantClassifier;
import io.digitflow.input.DecodeLimits;
import io.digitflow.input.ImageDecoder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/** digitflow.output.cloud-events: each prediction a CloudEvent in the Kafka binding's binary mode. */
class CloudEventHeadersTest {

    @Test
    void predictionsCarryTheirOwnCloudEventAttributesAndNotTheInputs() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_id", "the-input-event".getBytes(UTF_8));
        headers.add("ce_type", "com.example.image".getBytes(UTF_8));
        headers.add("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01".getBytes(UTF_8));
        ConsumerRecord<String, byte[]> input = new ConsumerRecord<>("digits.images", 2, 41L, 0L,
                TimestampType.CREATE_TIME, 3, 784, "k", new byte[784], headers, Optional.empty());

        ProducerRecord<String, byte[]> prediction = process(input, new CloudEventHeaders("digitflow"));

        assertThat(value(prediction, "ce_specversion")).isEqualTo("1.0");
        assertThat(value(prediction, "ce_id")).isEqualTo("digits.images-2-41");
        assertThat(value(prediction, "ce_source")).isEqualTo("/digitflow/digitflow");
        assertThat(value(prediction, "ce_type")).isEqualTo(CloudEventHeaders.TYPE);
        assertThat(Instant.parse(value(prediction, "ce_time"))).isBefore(Instant.now().plusSeconds(1));
        assertThat(value(prediction, "content-type")).isEqualTo("application/json");
        assertThat(value(prediction, "traceparent")).startsWith("00-0af7651916cd43dd");
        assertThat(count(prediction, "ce_id")).as("the input's ce_id is not carried over").isEqualTo(1);
        assertThat(count(prediction, "ce_type")).isEqualTo(1);
    }

    @Test
    void offByDefaultAndThenTheInputsHeadersAreCarriedAsTheyAre() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_id", "the-input-event".getBytes(UTF_8));
        ConsumerRecord<String, byte[]> input = new ConsumerRecord<>("digits.images", 0, 7L, 0L,
                TimestampType.CREATE_TIME, 1, 784, "k", new byte[784], headers, Optional.empty());

        ProducerRecord<String, byte[]> prediction = process(input, null);

        assertThat(value(prediction, "ce_id")).isEqualTo("the-input-event");
        assertThat(prediction.headers().lastHeader("ce_specversion")).isNull();
    }

    private static ProducerRecord<String, byte[]> process(ConsumerRecord<String, byte[]> input, CloudEventHeaders ce) {
        BatchProcessor processor = new BatchProcessor(new ImageDecoder(DecodeLimits.DEFAULTS), RecordBounds.DEFAULTS,
                16, "predictions", "dlq", null, ce);
        BatchProcessor.Output out = processor.process(List.of(input), () -> new ConstantClassifier("v1"));
        assertThat(out.predictions()).isEqualTo(1);
        return out.records().get(0);
    }

    private static String value(ProducerRecord<String, byte[]> record, String key) {
        Header header = record.headers().lastHeader(key);
        return header == null ? null : new String(header.value(), UTF_8);
    }

    private static int count(ProducerRecord<String, byte[]> record, String key) {
        int n = 0;
        for (Header header : record.headers().headers(key)) {
            n++;
        }
        return n;
    }
}
