package io.digitflow.control;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
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
        this.partitions = consumer.partitionsFor(eventsTopic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(eventsTopic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** True if an event for {@code requestId} is on the events topic up to its current end. */
    boolean answered(String requestId) {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (record.key() != null) {
                    seen.add(record.key());
                }
            }
        }
        return seen.contains(requestId);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
