package io.digitflow.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads a whole topic, every partition, from the beginning up to the end it has now, without a
 * consumer group: for state every process must see in full (models, labelled data, answered requests).
 */
public final class TopicReader {

    private TopicReader() {
    }

    /**
     * Assigns all partitions of {@code topic} to {@code consumer}, from the beginning, and hands each
     * record below the current end offsets to {@code each}. Returns the partitions (empty if the topic
     * does not exist); the consumer stays assigned, so polling on follows the topic.
     */
    public static List<TopicPartition> readToEnd(KafkaConsumer<String, byte[]> consumer, String topic,
                                                 Consumer<ConsumerRecord<String, byte[]>> each) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        if (partitions.isEmpty()) {
            return partitions;
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        catchUp(consumer, partitions, each);
        return partitions;
    }

    /**
     * Assigns all partitions of {@code topic} to {@code consumer} at their current end (positions fetched now, so
     * records written from here on are read); false when the topic does not exist.
     */
    public static boolean assignAtEnd(KafkaConsumer<String, byte[]> consumer, String topic) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        if (partitions.isEmpty()) {
            return false;
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        return true;
    }

    /** Polls the assigned {@code partitions} up to their current end offsets; later records are left for later. */
    public static void catchUp(KafkaConsumer<String, byte[]> consumer, List<TopicPartition> partitions,
                               Consumer<ConsumerRecord<String, byte[]>> each) {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
                    each.accept(record);
                }
            }
        }
    }
}
