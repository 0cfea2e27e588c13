package io.digitflow.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static java.nio.charset.StandardCharsets.UTF_8;

/** Sends control commands and reads their events, as an operator would, through the real broker. */
public final class ControlClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FINAL = Set.of("done", "rejected", "cancelled", "failed");

    private final String bootstrap;
    private final String controlTopic;
    private final String eventsTopic;

    public ControlClient(String bootstrap, String prefix) {
        this.bootstrap = bootstrap;
        this.controlTopic = prefix + ".control";
        this.eventsTopic = prefix + ".events";
    }

    /** Sends {@code value} (null: an empty record) keyed {@code key}. */
    public void send(String key, byte[] value) {
        try (KafkaProducer<String, byte[]> producer = KafkaClients.producer(bootstrap)) {
            producer.send(new ProducerRecord<>(controlTopic, key, value));
            producer.flush();
        }
    }

    public void send(String key, String json) {
        send(key, json.getBytes(UTF_8));
    }

    /** Every event under {@code requestId} up to and including the first final one (done, rejected, ...). */
    public List<JsonNode> outcome(String requestId, Duration timeout) {
        return events(requestId, 1, timeout);
    }

    /** Every event under {@code requestId} up to and including the {@code finals}-th final one. */
    public List<JsonNode> events(String requestId, int finals, Duration timeout) {
        return eventsUntil(requestId, kept -> kept.stream().filter(ControlClient::isFinal).count() >= finals, timeout);
    }

    /** The events under {@code requestId}, read from the start until {@code done} holds for them. */
    public List<JsonNode> eventsUntil(String requestId, java.util.function.Predicate<List<JsonNode>> done,
                                      Duration timeout) {
        return KafkaClients.readUntil(bootstrap, eventsTopic, r -> requestId.equals(r.key()),
                        kept -> done.test(kept.stream().map(ControlClient::json).toList()), timeout)
                .stream().map(ControlClient::json).toList();
    }

    /** Sends a command and waits for its final event. */
    public JsonNode run(String requestId, String json, Duration timeout) {
        send(requestId, json);
        List<JsonNode> events = outcome(requestId, timeout);
        return events.get(events.size() - 1);
    }

    public static boolean isFinal(JsonNode event) {
        return FINAL.contains(event.path("status").asText());
    }

    /** An event read back; every one the service writes must conform to docs/schemas/event.schema.json. */
    private static JsonNode json(ConsumerRecord<String, byte[]> record) {
        try {
            JsonNode event = JSON.readTree(record.value());
            Schemas.assertValid(Schemas.EVENT, event);
            return event;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
