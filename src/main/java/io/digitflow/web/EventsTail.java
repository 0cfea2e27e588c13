package io.digitflow.web;

import io.digitflow.kafka.ClientFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.logging.Log;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The latest control events ({@code digits.events}) for the console: one consumer outside any group
 * reads every partition from shortly before its end, on a daemon thread, and keeps the last
 * {@link #KEPT}. Events larger than {@link #MAX_EVENT_BYTES} or not JSON are skipped: the topic is
 * input like any other.
 */
final class EventsTail implements AutoCloseable {

    static final int KEPT = 50;
    static final int MAX_EVENT_BYTES = 16 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final ArrayDeque<JsonNode> events = new ArrayDeque<>(KEPT);
    private final Thread thread;
    private long received;
    private volatile boolean running = true;

    EventsTail(Map<String, Object> kafka, String topic) {
        this.topic = topic;
        this.consumer = ClientFactory.of(kafka).consumer("digitflow-console-events", Map.of());
        this.thread = new Thread(this::run, "digitflow-console-events");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run() {
        try {
            List<TopicPartition> partitions = List.of();
            while (running && partitions.isEmpty()) {
                partitions = consumer.partitionsFor(topic, Duration.ofSeconds(5)).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            }
            consumer.assign(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            ends.forEach((partition, end) -> consumer.seek(partition, Math.max(0, end - KEPT)));
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    keep(record);
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            if (running) {
                Log.warnf("The console no longer follows %s: %s", topic, e.toString());
            }
        }
    }

    private void keep(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null || record.value().length > MAX_EVENT_BYTES) {
            return;
        }
        try {
            JsonNode event = JSON.readTree(record.value());
            if (!event.isObject()) {
                return;
            }
            synchronized (this) {
                if (events.size() == KEPT) {
                    events.removeFirst();
                }
                events.addLast(event);
                received++;
            }
        } catch (java.io.IOException e) {
            // not an event of ours; nothing to show
        }
    }

    /** The events kept, oldest first, and how many were received in all (to tell what is new). */
    synchronized Kept kept() {
        return new Kept(new ArrayList<>(events), received);
    }

    record Kept(List<JsonNode> events, long received) {
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close(Duration.ofSeconds(2));
    }
}
