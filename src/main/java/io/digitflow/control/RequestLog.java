package io.digitflow.control;

import io.digitflow.kafka.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
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
 *
 * <p>Bounded: an id is forgotten once its last event is older than {@code horizon} (the accepted clock
 * skew plus a margin); a signed command that old is refused as stale anyway. An id is remembered here from
 * the moment a replica takes the command, before its first event is written, so a command whose event
 * could not be written (and which therefore did not run) still cannot be replayed to this replica.
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

    /** How long past the accepted clock skew an id is still remembered. */
    static final Duration MARGIN = Duration.ofMinutes(10);

    /** What is remembered of one request id: the control records answered under it, and when it was last seen. */
    private static final class Entry {
        final Set<String> records = new HashSet<>(2);
        long lastMillis;
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final List<TopicPartition> partitions;
    private final Duration horizon;
    private final Clock clock;
    /** Request id to the control records answered under it (none for events that name no record). */
    private final Map<String, Entry> seen = new HashMap<>();

    RequestLog(KafkaConsumer<String, byte[]> consumer, String eventsTopic, Duration maxClockSkew) {
        this.consumer = consumer;
        this.horizon = maxClockSkew.plus(MARGIN);
        this.clock = Clock.systemUTC();
        this.partitions = TopicReader.readToEnd(consumer, eventsTopic, this::remember);
    }

    /** Without a topic: what tests of the bookkeeping use. */
    RequestLog(Duration maxClockSkew, Clock clock) {
        this.consumer = null;
        this.partitions = List.of();
        this.horizon = maxClockSkew.plus(MARGIN);
        this.clock = clock;
    }

    /** Ids remembered now. */
    synchronized int size() {
        return seen.size();
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
        long now = clock.millis();
        seen.values().removeIf(e -> e.lastMillis < now - horizon.toMillis());
        Entry entry = seen.get(requestId);
        if (entry == null) {
            // Taken from now on: a second record under this id is a replay, whether or not an event follows.
            remember(requestId, controlRecord, now);
            return Seen.NEW;
        }
        return entry.records.contains(controlRecord) ? Seen.REDELIVERED : Seen.REPLAYED;
    }

    private void remember(ConsumerRecord<String, byte[]> record) {
        if (record.key() != null) {
            Header header = record.headers().lastHeader(EventPublisher.CONTROL_RECORD_HEADER);
            remember(record.key(), header == null || header.value() == null ? null
                    : new String(header.value(), StandardCharsets.UTF_8), record.timestamp());
        }
    }

    synchronized void remember(String requestId, String controlRecord, long atMillis) {
        if (atMillis < clock.millis() - horizon.toMillis()) {
            return; // refused as stale if signed; not worth keeping
        }
        Entry entry = seen.computeIfAbsent(requestId, k -> new Entry());
        entry.lastMillis = Math.max(entry.lastMillis, atMillis);
        if (controlRecord != null) {
            entry.records.add(controlRecord);
        }
    }

    @Override
    public synchronized void close() {
        if (consumer != null) {
            consumer.close();
        }
    }
}
