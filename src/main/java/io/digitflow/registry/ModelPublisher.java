package io.digitflow.registry;

import io.digitflow.kafka.ClientFactory;
import io.digitflow.kafka.Topics;
import io.digitflow.config.DigitflowConfig;
import io.digitflow.model.ModelArtifact;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Writes model records and the {@code active} pointer to {@code digits.models} (see {@link ModelRecords}).
 * Every send waits for the broker: a pointer must never reach a replica before the model it names.
 */
@ApplicationScoped
public class ModelPublisher {

    private final String topic;
    private final KafkaProducer<String, byte[]> producer;
    private final ModelSignatures signatures;

    public ModelPublisher(@Identifier("default-kafka-broker") Map<String, Object> kafka, DigitflowConfig config) {
        this.topic = config.topics().models();
        this.signatures = ModelSignatures.of(config);
        // A model zip is ~1.5 MB, above the 1 MiB default; the topic accepts up to the same 16 MiB.
        this.producer = ClientFactory.of(kafka).producer("digitflow-models",
                Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MAX_RECORD_BYTES));
    }

    /** Publishes a model record for {@code artifact}, from its files on disk. */
    public void publish(ModelArtifact artifact) {
        try {
            byte[] zip = Files.readAllBytes(artifact.folder().resolve(ModelArtifact.MODEL_FILE));
            byte[] json = Files.readAllBytes(artifact.folder().resolve(ModelArtifact.METADATA_FILE));
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, artifact.version(), zip);
            record.headers().add(ModelRecords.METADATA_HEADER, json);
            record.headers().add(ModelSignatures.HEADER, signatures.signModel(artifact.version(), zip, json));
            send(record);
        } catch (IOException e) {
            throw new UncheckedIOException(artifact.folder() + ": cannot read model to publish", e);
        }
    }

    /** Points every replica at {@code pointer.version()}, which must have been published already. */
    public void activate(ActivePointer pointer) {
        byte[] value = ModelRecords.pointer(pointer);
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, ActivePointer.KEY, value);
        record.headers().add(ModelSignatures.HEADER, signatures.signPointer(value));
        send(record);
    }

    private void send(ProducerRecord<String, byte[]> record) {
        try {
            producer.send(record).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing " + record.key(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not publish " + record.key() + " to " + topic + ": " + e.getMessage(), e);
        }
    }

    @PreDestroy
    void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
