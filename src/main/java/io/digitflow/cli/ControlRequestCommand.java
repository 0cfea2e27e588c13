package io.digitflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.digitflow.UserException;
import io.digitflow.config.DigitflowConfig;
import io.digitflow.control.CommandSignature;
import io.digitflow.control.ControlRequests;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * {@code digitflow control}: sends one command to the control topic and prints its events from the
 * events topic until the outcome. Exit code 0 when done, 1 when rejected, cancelled or failed.
 */
@Command(name = "control", mixinStandardHelpOptions = true,
        description = {"Send a command to the running service(s) through the control topic and wait for its "
                + "outcome on the events topic: retrain [--epochs N ...] [--no-promote], promote [VERSION], "
                + "rollback [VERSION], status, cancel, shadow VERSION|off, canary VERSION PERCENT | canary off."})
public class ControlRequestCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(index = "0", paramLabel = "COMMAND",
            description = "retrain, promote, rollback, status, cancel, shadow or canary")
    String command;

    @Parameters(index = "1", arity = "0..1", paramLabel = "VERSION",
            description = "for promote, rollback, shadow and canary (off ends a shadow or canary)")
    String version;

    @Parameters(index = "2", arity = "0..1", paramLabel = "PERCENT", description = "canary: share of keys, 1-99")
    Integer percent;

    @Option(names = "--no-promote", description = "retrain: publish the model if it passes the gate, do not promote it")
    boolean noPromote;

    @Option(names = "--epochs", description = "retrain: epochs (1 to digitflow.training.max-epochs)")
    Integer epochs;

    @Option(names = "--batch-size", description = "retrain: mini-batch size")
    Integer batchSize;

    @Option(names = "--learning-rate", description = "retrain: RMSprop learning rate, (0, 1]")
    Double learningRate;

    @Option(names = "--seed", description = "retrain: random seed")
    Long seed;

    @Option(names = "--no-labeled", description = "retrain: MNIST only, without the labelled topic's records")
    boolean noLabeled;

    @Option(names = "--request-id", description = "Default: a new random id.")
    String requestId;

    @Option(names = "--timeout", defaultValue = "PT30M", description = "How long to wait for the outcome (ISO-8601).")
    Duration timeout;

    @Mixin
    KafkaOptions kafka;

    private final DigitflowConfig config;

    @Inject
    public ControlRequestCommand(DigitflowConfig config) {
        this.config = config;
    }

    @Override
    public Integer call() throws IOException {
        String id = requestId != null ? requestId : "cli-" + UUID.randomUUID();
        try (KafkaConsumer<String, byte[]> events = kafka.reader("digitflow-control-command")) {
            // Positioned at the end before sending, so no event of this request can be missed.
            List<TopicPartition> partitions = events.partitionsFor(config.topics().events(), Duration.ofSeconds(30))
                    .stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            if (partitions.isEmpty()) {
                throw new UserException(config.topics().events() + ": no such topic; is this the service's Kafka?");
            }
            events.assign(partitions);
            events.seekToEnd(partitions);
            partitions.forEach(events::position);
            boolean signed = send(id);
            System.out.println("Sent " + command + " as request " + id + (signed ? " (signed)" : "")
                    + "; waiting for its outcome on " + config.topics().events());
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : events.poll(Duration.ofMillis(200))) {
                    if (!id.equals(record.key())) {
                        continue;
                    }
                    JsonNode event = JSON.readTree(record.value());
                    String status = event.path("status").asText();
                    System.out.println(status + ": " + event.path("message").asText()
                            + (event.path("details").isEmpty() ? "" : " " + event.path("details")));
                    if (List.of("done", "rejected", "cancelled", "failed").contains(status)) {
                        return status.equals("done") ? 0 : 1;
                    }
                }
            }
        }
        throw new UserException("no outcome for request " + id + " within " + timeout + "; is a service running?");
    }

    /** Sends the command, signed when digitflow.control.hmac-secret is set; true if it was signed. */
    private boolean send(String id) throws IOException {
        ObjectNode json = JSON.createObjectNode().put("command", command);
        if (version != null) {
            json.put("version", version);
        }
        if (epochs != null) {
            json.put("epochs", epochs);
        }
        if (batchSize != null) {
            json.put("batchSize", batchSize);
        }
        if (learningRate != null) {
            json.put("learningRate", learningRate);
        }
        if (seed != null) {
            json.put("seed", seed);
        }
        if (noLabeled) {
            json.put("includeLabeled", false);
        }
        if (noPromote) {
            json.put("promote", false);
        }
        if (percent != null) {
            json.put("percent", percent);
        }
        Optional<CommandSignature> signature = signature();
        ProducerRecord<String, byte[]> record = ControlRequests.record(config.topics().control(), id, json, signature);
        try (KafkaProducer<String, byte[]> producer = kafka.clients().producer("digitflow-control-command", Map.of())) {
            producer.send(record).get();
            return signature.isPresent();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserException("interrupted while sending the command");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new UserException(config.topics().control() + ": cannot send the command (" + e.getCause().getMessage() + ")");
        }
    }

    private Optional<CommandSignature> signature() {
        try {
            return CommandSignature.of(config.control());
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
    }
}
