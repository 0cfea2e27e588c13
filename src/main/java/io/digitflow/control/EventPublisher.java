package io.digitflow.control;

import io.digitflow.kafka.ClientFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.digitflow.config.DigitflowConfig;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Writes {@link ControlEvent}s as JSON to {@code digits.events}, keyed by request id. A plain producer:
 * events are few, and waiting for each acknowledgement keeps them in the order they happened.
 */
@ApplicationScoped
public class EventPublisher {

    static final ObjectMapper JSON = new ObjectMapper();

    private final String topic;
    private final KafkaProducer<String, byte[]> producer;

    public EventPublisher(@Identifier("default-kafka-broker") Map<String, Object> kafka, DigitflowConfig config) {
        this.topic = config.topics().events();
        this.producer = ClientFactory.of(kafka).producer("digitflow-events", Map.of());
    }

    /**
     * Header on the events that answer a control record, naming that record ({@code partition@offset}):
     * a replica that gets the same record again after a rebalance or a crash knows it was answered.
     */
    public static final String CONTROL_RECORD_HEADER = "digitflow-control-record";

    /** Publishes one event and waits (at most 10 s) for the broker; a failure is logged, never thrown. */
    public void publish(ControlEvent event) {
        publish(event, null);
    }

    /**
     * Publishes an event that answers the control record {@code controlRecord} (see
     * {@link #CONTROL_RECORD_HEADER}; null: none), waiting as {@link #publish(ControlEvent)} does.
     */
    public void publish(ControlEvent event, String controlRecord) {
        try {
            publishOrThrow(event, controlRecord);
        } catch (NotWritten e) {
            Log.errorf(e.getCause(), "Could not publish event %s %s", event.requestId(), event.status());
        }
    }

    /** The broker did not take an event: a command it was to answer must not run (see ControlHandler). */
    public static final class NotWritten extends Exception {
        NotWritten(Throwable cause) {
            super(cause.getMessage(), cause);
        }
    }

    /**
     * As {@link #publish(ControlEvent, String)}, but a failure is thrown: for the event written before a
     * command runs, which is its record in the replay log. No event, no command.
     */
    public void publishOrThrow(ControlEvent event, String controlRecord) throws NotWritten {
        try {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, event.requestId(),
                    JSON.writeValueAsBytes(event));
            if (controlRecord != null) {
                record.headers().add(CONTROL_RECORD_HEADER, controlRecord.getBytes(StandardCharsets.UTF_8));
            }
            producer.send(record).get(10, TimeUnit.SECONDS);
            Log.infof("Event %s %s %s: %s", event.requestId(), event.command(), event.status(), event.message());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotWritten(e);
        } catch (Exception e) {
            throw new NotWritten(e);
        }
    }

    public void publish(ControlCommand command, String status, String message, Map<String, Object> details) {
        publish(ControlEvent.of(command.requestId(), command.type().json(), status, message, details));
    }

    /** An event of {@code command}, answering the control record {@code controlRecord}. */
    public void publish(ControlCommand command, String status, String message, Map<String, Object> details,
                        String controlRecord) {
        publish(ControlEvent.of(command.requestId(), command.type().json(), status, message, details), controlRecord);
    }

    @PreDestroy
    void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
