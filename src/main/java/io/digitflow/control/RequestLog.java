package io.digitflow.control;

import io.digitflow.broker.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The request ids already answered, read from {@code digits.events} (every handled command has an event
 * keyed by its id there). Kept on the broker rather than in memory so a replayed id is recognised by
 * any replica, also after the control partition moved or the service restarted. Used by one thread.
 */
final class RequestLog implements AutoCloseable {

    private final KafkaConsumer<String, byte[]> consumer;
    private final List<TopicPartition> partitions;
    private final Set<String> seen = new HashSet<>();

    RequestLog(KafkaConsumer<String, byte[]> consumer, String eventsTopic) {
        this.consumer = consumer;
        this.partitions = TopicReader.readToEnd(consumer, eventsTopic, this::remember);
    }

    /** True if an event for {@code requestId} is on the events topic up to its current end. */
    boolean answered(String requestId) {
        if (!partitions.isEmpty()) {
            TopicReader.catchUp(consumer, partitions, this::remember);
        }
        return seen.contains(requestId);
    }

    private void remember(ConsumerRecord<String, byte[]> record) {
        if (record.key() != null) {
            seen.add(record.key());
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
