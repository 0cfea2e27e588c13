package io.digitflow.stream;

import io.digitflow.inference.ConstantClassifier;
import io.digitflow.kafka.RecordSize;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

import java.util.List;
import java.util.Optional;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/** What the output-size tests share: an input record as received, its one output, its size and headers. */
final class OutputRecords {

    private OutputRecords() {
    }

    static ProducerRecord<String, byte[]> only(BatchProcessor processor, ConsumerRecord<String, byte[]> input) {
        List<ProducerRecord<String, byte[]>> out = processor.process(List.of(input), () -> new ConstantClassifier("v"))
                .records();
        assertThat(out).hasSize(1);
        return out.get(0);
    }

    static ConsumerRecord<String, byte[]> record(String key, byte[] value, RecordHeaders headers) {
        return new ConsumerRecord<>("images", 0, 7, 0L, TimestampType.CREATE_TIME,
                key.getBytes(UTF_8).length, value.length, key, value, headers, Optional.empty());
    }

    static long size(ProducerRecord<String, byte[]> record) {
        return RecordSize.ofOutput(record.key(), record.value(), record.headers().toArray());
    }

    static String header(ProducerRecord<String, byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), UTF_8);
    }
}
