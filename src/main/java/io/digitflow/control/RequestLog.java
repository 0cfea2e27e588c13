package io.digitflow.control;

import io.digitflow.kafka.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The request ids already answered, read from {@code digits.events} (every handled command has an event
 * keyed by its id there), with the control records that carried them. Kept on the broker rather than in
 * memory so any replica recognises an id, also after the control partition moved or the service restarted.
 *
 * <p>Two cases look alike and are not: the same control record delivered again (at-least-once: the
 * partition moved, or a replica died, before the offset was committed), which was answered and must be
 * skipped without a word; and a new record reusing an answered id, which is refused so the sender sees it.
 */
final class RequestLog implements AutoCloseable {

    /** What the events topic says about a request id and the record carrying it. */
    enum Seen {
        /** No event under this id: run the command. */
        NEW,
        /** This very control record was answered already: a re-delivery, to skip. */
        REDELIVERED,
        /** The id was answered for another record: a replay, to refuse. */
        REPLAYED
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final List<TopicPartition> partitions;
    /** Request id to the control records answered under it (none for events that name no record). */
    private final Map<String, Set<String>> seen = new HashMap<>();

    RequestLog(KafkaConsumer<String, byte[]> consumer, String eventsTopic) {
        this.consumer = consumer;
        this.partitions = TopicReader.readToEnd(consumer, eventsTopic, this::remember);
    }

    /** The control record's name in {@link EventPublisher#CONTROL_RECORD_HEADER}: partition, offset and timestamp. */
    static String name(ConsumerRecord<?, ?> controlRecord) {
        return controlRecord.partition() + "@" + controlRecord.offset() + "@" + controlRecord.timestamp();
    }

    /** Whether {@code requestId}, carried by the control record named {@code controlRecord}, was answered. */
    synchronized Seen check(String requestId, String controlRecord) {
        if (!partitions.isEmpty()) {
            TopicReader.catchUp(consumer, partitions, this::remember);
        }
        Set<String> records = seen.get(requestId);
        if (records == null) {
            return Seen.NEW;
        }
        return records.contains(controlRecord) ? Seen.REDELIVERED : Seen.REPLAYED;
    }

    private void remember(ConsumerRecord<String, byte[]> record) {
        if (record.key() != null) {
            Set<String> records = seen.computeIfAbsent(record.key(), k -> new HashSet<>(2));
            Header header = record.headers().lastHeader(EventPublisher.CONTROL_RECORD_HEADER);
            if (header != null && header.value() != null) {
                records.add(new String(header.value(), StandardCharsets.UTF_8));
            }
        }
    }

    @Override
    public synchronized void close() {
        consumer.close();
    }
}
